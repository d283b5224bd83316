// Package engine is the request machinery every Flowroute API client shares: the v1 client
// (flowroute/v1) and the v2 client (flowroute/v2) build on it, so that the rules that keep
// an account safe are written once.
//
// An Engine is made from a base URL, an Auth (how a request is authenticated: v1 signs each
// request with HMAC-SHA1, v2 uses BasicAuth) and Options. Every request goes through Do, which
//
//   - refuses plain http except on loopback addresses, and never follows redirects;
//   - authenticates each attempt, waits for the client-side rate limit and for a free slot
//     among the requests in flight;
//   - detects with httptrace whether a request was written to a connection at all;
//   - retries reads on 429, 5xx and network errors, and writes only on 429 or when they
//     provably never left the client; a write that may have been carried out gives an
//     *OutcomeUnknownError and is never repeated;
//   - backs off exponentially with jitter and honours Retry-After; 429 answers have their own
//     budget (RetryPolicy.RateLimitAttempts, RateLimitWait) and slow the client-side rate
//     down adaptively;
//   - checks successful answers: an empty body where a document is wanted, or an error
//     envelope, is an error; no answer may exceed MaxBody;
//   - decodes error answers with a pluggable ErrorDecoder (SingleError for v1's
//     {"error": …}, ErrorList for v2's {"errors": […]}), redacting every secret and cutting
//     server text to a readable length (Snippet, Quote).
//
// Walk reads every page of a list, several at once, in page order, bounded in pages and
// items (WithWalkLimits); the same key on two pages with different data is an error.
//
// Errors match a sentinel of their kind with errors.Is: a 404 matches ErrNotFound, a 409
// ErrConflict, a 429 that outlasts the retries ErrRateLimited, and an *OutcomeUnknownError
// ErrOutcomeUnknown; callers never need the HTTP status. The engine imports nothing of the
// tool: the adapters in internal/backend make these errors match package account's.
package engine
