// Package v1 is a Go client for Flowroute's numbers API v1: the numbers for sale, the numbers
// an account owns (with their billing method and routes) and its inbound routes, one method
// per endpoint. It is built from docs/flowroute-v1-api.md and tested against the sandbox
// (package flowroute/sandbox), which serves the same API in memory for your own tests. The
// v2 client (flowroute/v2) adds route changes, releases, aliases, CNAM and E911.
//
// # Using it
//
// Create a client with the account's API keys; every method takes a context, and a Client is
// safe for concurrent use:
//
//	c, err := v1.New("", accessKey, secretKey) // "" is DefaultEndpoint
//	if err != nil { … }
//	offers, err := c.AllAvailable(ctx, v1.SearchQuery{NPA: "206"}, 10)
//	err = c.PurchaseNumber(ctx, offers[0].TN, "METERED")
//	err = c.CreateRoute(ctx, v1.Route{Name: "office", Type: "HOST", Value: "sip.example.com"})
//	err = c.SetRoutes(ctx, offers[0].TN, "office", "sip-reg")
//
// A list comes a page at a time (ListNumbers, SearchNumbers, … with PageOptions) or whole
// (AllNumbers, AllAvailable, …: see Lists below).
//
// A failed request is an error that errors.As finds as an *APIError (Status, Method, Path,
// Message), and whose kind errors.Is tells without a status code: ErrNotFound, ErrConflict,
// ErrRateLimited, ErrOutcomeUnknown.
//
// A write is sent once. When its answer is lost (a timeout, a connection closed after
// sending, a 5xx), the client cannot know whether it was carried out and does not guess: the
// error matches ErrOutcomeUnknown, and the caller reads the account (GetNumber, AllRoutes) to
// settle it, then sends the write again if it was not done. See Example (lostWrite).
//
// # Requests
//
// Every call goes through one request engine (shared with the v2 client), with v1's HMAC
// signer as its authentication step. It signs the request (HMAC-SHA1, see Signature), waits for the client-side rate limit (WithRateLimit, default
// DefaultRateLimit requests a second), waits for a free slot among the requests in flight
// (WithParallelism, default DefaultParallelism), sends, and reads the answer. A status from
// 200 to 206 is a success; anything else is an *APIError, or a *RateLimitError for 429.
// A 404 matches ErrNotFound, a 409 ErrConflict, a 429 that outlasts the retries
// ErrRateLimited.
// Redirects are not followed: a 3xx is an *APIError too.
//
// # Retries
//
// Retries are bounded by the RetryPolicy (WithRetry), back off exponentially with jitter,
// honour the server's Retry-After (up to a minute) and stop as soon as the context is done.
// 429 answers are not failures: they have their own, larger budget (RateLimitAttempts,
// bounded in total by RateLimitWait), and each one slows the client-side rate limit down
// until successes bring it back.
//
//   - Reads (GET) are retried on 429, on 5xx and on network errors.
//   - Writes (PUT, PATCH) are retried only where a retry cannot do harm: on 429, which the
//     server sends before acting, and when the request provably never reached the server
//     (the connection could not be made, or the request was not written).
//   - A write that may have reached the server but whose answer was lost (a timeout, a
//     connection closed after sending) or was a 5xx gives an *OutcomeUnknownError, matching
//     ErrOutcomeUnknown, and is never repeated by the client. A 500 on a write counts as
//     unknown because the real server may have carried the write out before failing.
//
// # Answers are checked
//
// A success whose body is empty where the endpoint returns a document, or is an error
// envelope ({"error": …}), is an error, never an empty list; for a write it is outcome-unknown.
// Keys from the server (numbers, NPAs, route names) are validated. An answer longer than
// 32 MiB is refused. Server text quoted in errors is cut to a readable length and the
// credentials sent (the Authorization header, the signature) are redacted from it.
//
// # Lists
//
// Each list call has a page method (ListNumbers, ...) that keeps the server's order, and a
// walker (AllNumbers, ...) that fetches every page, several at once, and returns the items
// sorted by key without duplicates. The same key on two pages with different data is an
// error. A walk is bounded (WithWalkLimits: 250,000 items, and the pages they need, by
// default), so that a server whose pages never end is stopped with an error.
//
// The secret key appears only inside request signatures: never in errors, logs, or the
// client's printed form.
package v1
