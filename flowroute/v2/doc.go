// Package v2 is a Go client for Flowroute's numbers API v2 (and the v2.1 bulk details): the
// numbers for sale, the numbers an account owns, inbound routes, caller-ID names (CNAM),
// emergency addresses (E911) and messaging callbacks, one method per endpoint. It is built
// from docs/flowroute-v2-api.md and tested against the sandbox (package flowroute/sandbox),
// which serves the same API in memory for your own tests.
//
// # Using it
//
// Import it as v2 "github.com/flowroute-numbers/flowroute-numbers/flowroute/v2". Create a
// client with the account's API keys; every method takes a context, and a Client is safe for
// concurrent use:
//
//	c, err := v2.New("", accessKey, secretKey) // "" is DefaultEndpoint
//	if err != nil { … }
//	res, err := c.PurchaseNumber(ctx, "12062092844", v2.PurchaseOptions{})
//	r, err := c.CreateRoute(ctx, v2.RouteInput{Alias: "office", Type: v2.RouteHost, Value: "sip.example.com"})
//	err = c.SetPrimaryRoute(ctx, res.Number.TN, r.ID)
//
// Routes are named by id in requests ("0" is the built-in sip-reg route, BuiltinRouteID) and
// carry an alias. A list comes a page at a time (ListNumbers, ListRoutes, … with PageOptions)
// or whole (AllNumbers, AllRoutes, …: see Pages below).
//
// A failed request is an error that errors.As finds as an *APIError (Status, Method, Path,
// Message), and whose kind errors.Is tells without a status code: ErrNotFound, ErrConflict
// (v2 says it with 403, 409 or 422 depending on the endpoint), ErrRateLimited,
// ErrOutcomeUnknown.
//
// # Writes whose answer is lost
//
// The client sends every write once. It retries a write only where that cannot double it (the
// request never reached the server, or a 429), and returns an *OutcomeUnknownError, matching
// ErrOutcomeUnknown, when a write may have been carried out and its answer was lost (a
// timeout, a connection closed after sending, a 5xx). The client neither reads the account to
// settle such a write nor sends it again: only the caller knows what it needs to read. Read
// the object the write changes (GetNumber after SetPrimaryRoute, AllRoutes after
// CreateRoute, …), and send the write again only if it was not carried out; see Example
// (lostWrite).
//
// A write the server acknowledged without the document it returns was carried out: the client
// reads the object back (a created route, CNAM record or E911 address is looked for by its
// fields), so that the caller gets it with its id.
//
// # Requests
//
// Every request goes through the engine the v1 client uses too: HTTP Basic with the access
// key and secret key, the JSON:API media type, a client-side rate limit (WithRateLimit), a
// cap on the requests in flight (WithParallelism), retries of reads on 429, 5xx and network
// errors with backoff and Retry-After (WithRetry), no redirects followed, and errors that
// never show the secret. Error bodies are v2's {"errors": [...]} with detail a string or an
// object and title or id missing.
//
// # Decoding
//
// The decoders accept what the server and the SDK examples really send: ids as strings or
// integers, costs as JSON numbers, booleans as "true", null anywhere, a detail that is an
// object, links.self without "/v2" (create route), v2.1 relationship names
// (voice_primary_route), a 10-digit value beside an 11-digit id, a purchase answered 200, 201
// or 207 (bought; messaging provisioning failed: success with a warning). Each answer is read
// by one json.Unmarshal into typed structs, whose flexible scalars take the quirks; a member of
// the wrong type is an error that names it ("data.attributes.alias is an object, want a
// string").
//
// # Pages
//
// Lists page by limit and offset. A walk (AllNumbers, AllRoutes, ...) reads the first page,
// takes the page size from its links.next, and lets the engine's page walker fetch the
// following offsets several at a time, stopping at the first page without links.next. Links
// are read for their offset only, never followed: a sandbox writes the public host into them.
// WithWalkLimits bounds the pages and items of a walk.
//
// # Bulk details
//
// NumberDetails asks POST /v2.1/numbers/details for WithBulkSize numbers at a time; a server
// that answers 404 or 405 lacks it, which the client remembers, reading each number with GET
// /numbers/{tn} from then on.
package v2
