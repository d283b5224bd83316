package v2_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/flowroute-numbers/flowroute-numbers/flowroute/sandbox"
	v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2"
)

// The examples run against the sandbox (package flowroute/sandbox), an in-memory Flowroute
// account that serves the same API on a loopback port: a real program passes "" (or
// v2.DefaultEndpoint) and its own keys to v2.New.

// newClient starts a sandbox account and returns a client of it, and the sandbox, to be
// closed.
func newClient() (*v2.Client, *sandbox.Running) {
	sb, err := sandbox.Start(sandbox.Options{Seed: 1, InventorySize: 200}, "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	c, err := v2.New(sb.V2, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey)
	if err != nil {
		log.Fatal(err)
	}
	return c, sb
}

// Buy a number, create a route and make it the number's primary route.
func Example() {
	sb, err := sandbox.Start(sandbox.Options{Seed: 1, InventorySize: 200}, "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer sb.Close()
	ctx := context.Background()

	c, err := v2.New(sb.V2, sandbox.DefaultAccessKey, sandbox.DefaultSecretKey) // v2.New("", accessKey, secretKey) for Flowroute
	if err != nil {
		log.Fatal(err)
	}
	offer, err := c.LookupAvailable(ctx, "12062092844")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s is for sale: %s a month\n", offer.TN, offer.MonthlyCost)
	if _, err := c.PurchaseNumber(ctx, offer.TN, v2.PurchaseOptions{}); err != nil {
		log.Fatal(err)
	}
	r, err := c.CreateRoute(ctx, v2.RouteInput{Alias: "office", Type: v2.RouteHost, Value: "sip.example.com:5060"})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.SetPrimaryRoute(ctx, offer.TN, r.ID); err != nil {
		log.Fatal(err)
	}
	n, err := c.GetNumber(ctx, offer.TN)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n.TN, "rings route", n.PrimaryRouteID, "=", r.Alias, r.Value)
	// Output:
	// 12062092844 is for sale: 1.00 a month
	// 12062092844 rings route 100000 = office sip.example.com:5060
}

// Search the numbers for sale in an area code, cheapest first, and buy the first.
func ExampleClient_PurchaseNumber() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()

	page, err := c.SearchAvailable(ctx, v2.AvailableQuery{StartsWith: "1206", OrderBy: "monthly_cost"}, v2.PageOptions{Limit: 3})
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range page.Items {
		fmt.Println(n.TN, n.RateCenter, n.State, n.SetupCost, n.MonthlyCost)
	}
	res, err := c.PurchaseNumber(ctx, page.Items[0].TN, v2.PurchaseOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("bought", res.Number.TN, "primary route", res.Number.PrimaryRouteID)
	// Output:
	// 12062092844 seattle wa 1.00 1.00
	// 12068384224 seattle wa 1.00 1.00
	// 12062095440 seattle wa 0.00 1.25
	// bought 12062092844 primary route 0
}

// Create a route and make it a number's primary route; route "0" (sip-reg) is the one a
// purchase gives.
func ExampleClient_SetPrimaryRoute() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()
	const tn = "12062092844"
	if _, err := c.PurchaseNumber(ctx, tn, v2.PurchaseOptions{}); err != nil {
		log.Fatal(err)
	}

	r, err := c.CreateRoute(ctx, v2.RouteInput{Alias: "pbx", Type: v2.RouteURI, Value: "sip:pbx@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.SetPrimaryRoute(ctx, tn, r.ID); err != nil {
		log.Fatal(err)
	}
	if err := c.SetFailoverRoute(ctx, tn, v2.BuiltinRouteID); err != nil {
		log.Fatal(err)
	}
	n, err := c.GetNumber(ctx, tn)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range n.Routes { // the routes the number's details include
		fmt.Printf("route %s: %s, %s %q\n", r.ID, r.Alias, r.Type, r.Value)
	}
	fmt.Println("primary", n.PrimaryRouteID, "failover", n.FailoverRouteID)
	// Output:
	// route 100000: pbx, uri "sip:pbx@example.com"
	// route 0: sip-reg, sip-reg ""
	// primary 100000 failover 0
}

// Give a number an alias and switch its caller-ID name lookups off.
func ExampleClient_UpdateNumber() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()
	const tn = "12062092844"
	if _, err := c.PurchaseNumber(ctx, tn, v2.PurchaseOptions{}); err != nil {
		log.Fatal(err)
	}

	alias, lookups := "front desk", false
	n, err := c.UpdateNumber(ctx, tn, v2.NumberUpdate{Alias: &alias, CNAMLookups: &lookups})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %q, CNAM lookups %v\n", n.TN, n.Alias, n.CNAMLookups)
	// Output:
	// 12062092844 "front desk", CNAM lookups false
}

// Create a caller-ID name (CNAM) record and present it on a number once Flowroute approves
// it (the sandbox approves at once).
func ExampleClient_AssociateCNAM() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()
	const tn = "12062092844"
	if _, err := c.PurchaseNumber(ctx, tn, v2.PurchaseOptions{}); err != nil {
		log.Fatal(err)
	}

	rec, err := c.CreateCNAM(ctx, "Acme Inc")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", rec.ID, rec.Value, "approved:", rec.IsApproved)
	if rec, err = c.GetCNAM(ctx, rec.ID); err != nil {
		log.Fatal(err)
	}
	fmt.Println("later", rec.ID, rec.Value, "approved:", rec.IsApproved)
	if _, err := c.AssociateCNAM(ctx, tn, rec.ID); err != nil {
		log.Fatal(err)
	}
	n, err := c.GetNumber(ctx, tn)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n.TN, "presents CNAM record", n.CNAMID)
	// Output:
	// created 100000 ACME INC approved: false
	// later 100000 ACME INC approved: true
	// 12062092844 presents CNAM record 100000
}

// Create an emergency (E911) address, which the server validates, and give it to a number.
func ExampleClient_CreateE911() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()
	const tn = "12062092844"
	if _, err := c.PurchaseNumber(ctx, tn, v2.PurchaseOptions{}); err != nil {
		log.Fatal(err)
	}

	a, err := c.CreateE911(ctx, v2.E911Fields{Label: "hq", FirstName: "Chris", LastName: "Smith",
		StreetNumber: "1218", StreetName: "3rd Ave", City: "Seattle", State: "WA", Country: "US", Zip: "98101"})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.AssociateE911(ctx, tn, a.ID); err != nil {
		log.Fatal(err)
	}
	n, err := c.GetNumber(ctx, tn)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n.TN, "is at E911 address", n.E911ID, a.Label+":", a.StreetNumber, a.StreetName, a.City)
	// Output:
	// 12062092844 is at E911 address 100000 hq: 1218 3rd Ave Seattle
}

// Read a list page by page, or whole.
func ExampleClient_ListNumbers() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()
	for _, tn := range []string{"12062092844", "12062092845", "12062092846"} {
		if err := sb.AddOwnedNumber(sandbox.Number{TN: tn}); err != nil { // the sandbox's account owns three numbers
			log.Fatal(err)
		}
	}

	opt := v2.PageOptions{Limit: 2}
	for {
		page, err := c.ListNumbers(ctx, v2.NumberQuery{}, opt)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("offset", opt.Offset, "holds", len(page.Items))
		if !page.HasNext() {
			break
		}
		opt.Offset = page.NextOffset
	}

	all, err := c.AllNumbers(ctx, v2.NumberQuery{}, nil) // every page, several at a time
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range all {
		fmt.Println(n.TN)
	}
	// Output:
	// offset 0 holds 2
	// offset 2 holds 1
	// 12062092844
	// 12062092845
	// 12062092846
}

// Tell errors apart by kind with errors.Is, and read the server's answer with errors.As.
func Example_errors() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()

	_, err := c.GetNumber(ctx, "12065550100")
	var apiErr *v2.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("status", apiErr.Status, "on", apiErr.Method, apiErr.Path)
	}
	fmt.Println("not found:", errors.Is(err, v2.ErrNotFound))

	in := v2.RouteInput{Alias: "office", Type: v2.RouteHost, Value: "10.0.0.1"}
	if _, err := c.CreateRoute(ctx, in); err != nil {
		log.Fatal(err)
	}
	_, err = c.CreateRoute(ctx, in)
	fmt.Println("alias taken:", errors.Is(err, v2.ErrConflict))
	// Output:
	// status 404 on GET /v2/numbers/12065550100
	// not found: true
	// alias taken: true
}

// A write whose answer is lost is sent once and reported as an error matching
// ErrOutcomeUnknown: it may or may not have been carried out, and only a read of the account
// tells. Here the sandbox carries every write out and then drops the connection.
func Example_lostWrite() {
	c, sb := newClient()
	defer sb.Close()
	ctx := context.Background()
	const tn = "12062092844"
	if _, err := c.PurchaseNumber(ctx, tn, v2.PurchaseOptions{}); err != nil {
		log.Fatal(err)
	}
	sb.SetFaults(sandbox.Faults{LostResponseRate: 1})

	alias := "front desk"
	_, err := c.UpdateNumber(ctx, tn, v2.NumberUpdate{Alias: &alias})
	fmt.Println("outcome unknown:", errors.Is(err, v2.ErrOutcomeUnknown))
	if errors.Is(err, v2.ErrOutcomeUnknown) {
		n, err := c.GetNumber(ctx, tn) // settle it: read what the write would have changed
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("carried out:", n.Alias == alias)
	}
	// Output:
	// outcome unknown: true
	// carried out: true
}
