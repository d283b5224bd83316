package v1_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	"github.com/flowroute-numbers/flowroute-numbers/flowroute/v1"
)

// The examples run against the sandbox (package flowroute/sandbox), an in-memory Flowroute
// account that serves the same API on a loopback port: a real program passes "" (or
// v1.DefaultEndpoint) and its own keys to v1.New.

// newClient starts a sandbox account and returns a client of it, and the sandbox, to be
// closed.
func newClient() (*v1.Client, *sandbox.Running) {
	sb, err := sandbox.Start(sandbox.Options{Seed: 1, InventorySize: 200}, "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	c, err := v1.New(sb.V1, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey)
	if err != nil {
		log.Fatal(err)
	}
	return c, sb
}

// Buy a number, create a route and send the number's calls to it.
func Example() {
	sb, err := sandbox.Start(sandbox.Options{Seed: 1, InventorySize: 200}, "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer sb.Close()
	ctx := context.Background()

	c, err := v1.New(sb.V1, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey) // v1.New("", accessKey, secretKey) for Flowroute
	if err != nil {
		log.Fatal(err)
	}
	offer, err := c.LookupAvailable(ctx, "12062092844")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s is for sale: %s a month, billed %v\n", offer.TN, offer.MonthlyCost, offer.BillingMethods)
	if err := c.PurchaseNumber(ctx, offer.TN, "METERED"); err != nil {
		log.Fatal(err)
	}
	if err := c.CreateRoute(ctx, v1.Route{Name: "office", Type: "HOST", Value: "sip.example.com:5060"}); err != nil {
		log.Fatal(err)
	}
	if err := c.SetRoutes(ctx, offer.TN, "office", "sip-reg"); err != nil {
		log.Fatal(err)
	}
	n, err := c.GetNumber(ctx, offer.TN)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n.TN, "rings", n.PrimaryRoute(), "then", n.FailoverRoute())
	// Output:
	// 12062092844 is for sale: 1.00 a month, billed [VPRI METERED]
	// 12062092844 rings office then sip-reg
}

// List the numbers the account owns, a page at a time or all at once.
func ExampleClient_ListNumbers() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()
	for _, tn := range []string{"12062092844", "12062092845", "12062092846"} {
		if err := sb.AddOwnedNumber(sandbox.Number{TN: tn}); err != nil { // the sandbox's account owns three numbers
			log.Fatal(err)
		}
	}

	for opt := (v1.PageOptions{Limit: 2, Page: 1}); ; opt.Page++ {
		page, err := c.ListNumbers(ctx, "", opt)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("page", opt.Page, "holds", len(page.Items))
		if !page.HasNext() {
			break
		}
	}

	all, err := c.AllNumbers(ctx, "") // every page, several at a time
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range all {
		fmt.Println(n.TN, n.BillingMethod, n.PrimaryRoute())
	}
	// Output:
	// page 1 holds 2
	// page 2 holds 1
	// 12062092844 METERED sip-reg
	// 12062092845 METERED sip-reg
	// 12062092846 METERED sip-reg
}

// Search the numbers for sale in an exchange and buy one.
func ExampleClient_SearchNumbers() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()

	page, err := c.SearchNumbers(ctx, v1.SearchQuery{NPA: "206", NXX: "209"}, v1.PageOptions{Limit: 3})
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range page.Items {
		fmt.Println(n.TN, n.RateCenter, n.State, n.InitialCost, n.MonthlyCost, n.BillingMethods)
	}
	n := page.Items[0]
	if !n.Allows("VPRI") {
		log.Fatalf("%s cannot be billed VPRI", n.TN)
	}
	if err := c.PurchaseNumber(ctx, n.TN, "VPRI"); err != nil {
		log.Fatal(err)
	}
	owned, err := c.GetNumber(ctx, n.TN)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("bought", owned.TN, owned.BillingMethod)
	// Output:
	// 12062092844 SEATTLE WA 1.00 1.00 [VPRI METERED]
	// 12062095440 SEATTLE WA 0.00 1.25 [METERED]
	// bought 12062092844 VPRI
}

// Tell errors apart by kind with errors.Is, and read the server's answer with errors.As.
func Example_errors() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()

	_, err := c.GetNumber(ctx, "12065550100")
	var apiErr *v1.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("status", apiErr.Status, "on", apiErr.Method, apiErr.Path)
	}
	fmt.Println("not found:", errors.Is(err, v1.ErrNotFound))

	r := v1.Route{Name: "office", Type: "HOST", Value: "10.0.0.1"}
	if err := c.CreateRoute(ctx, r); err != nil {
		log.Fatal(err)
	}
	err = c.CreateRoute(ctx, r)
	fmt.Println("name taken:", errors.Is(err, v1.ErrConflict))
	// Output:
	// status 404 on GET /v1/tns/12065550100
	// not found: true
	// name taken: true
}

// A write whose answer is lost is sent once and reported as an error matching
// ErrOutcomeUnknown: it may or may not have been carried out, and only a read of the account
// tells. Here the sandbox carries every write out and then drops the connection.
func Example_lostWrite() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()
	const tn = "12062092844"
	if err := sb.AddOwnedNumber(sandbox.Number{TN: tn}); err != nil {
		log.Fatal(err)
	}
	if err := c.CreateRoute(ctx, v1.Route{Name: "office", Type: "HOST", Value: "10.0.0.1"}); err != nil {
		log.Fatal(err)
	}
	sb.SetFaults(sandbox.Faults{LostResponseRate: 1})

	err := c.SetRoutes(ctx, tn, "office", "sip-reg")
	fmt.Println("outcome unknown:", errors.Is(err, v1.ErrOutcomeUnknown))
	if errors.Is(err, v1.ErrOutcomeUnknown) {
		n, err := c.GetNumber(ctx, tn) // settle it: read what the write would have changed
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("carried out:", n.PrimaryRoute() == "office")
	}
	// Output:
	// outcome unknown: true
	// carried out: true
}
