// Package flowroute is a client for the Flowroute numbers API v1: the inventory of purchasable
// numbers, the numbers an account owns and its inbound routes.
//
// # Requests
//
// Every call goes through one request engine (flowroute/internal/engine, shared with the v2
// client), with v1's HMAC signer as its authentication step. It signs the request (HMAC-SHA1,
// see Signature), waits for the client-side rate limit (WithRateLimit, default
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
//     unknown because the real server may have carried the write out before failing. Read the
//     account (GetNumber, AllRoutes) to learn what happened.
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
