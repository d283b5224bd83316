// Package v2 is a client of Flowroute's numbers API v2 (and the v2.1 bulk details), built
// from docs/flowroute-v2-api.md, and Backend, its adapter to the neutral contract of package
// account.
//
// # Requests
//
// Every request goes through the shared engine (flowroute/internal/engine), the same as the v1
// client's: HTTP Basic with the access key and secret key, the JSON:API media type, a
// client-side rate limit, a cap on the requests in flight, retries of reads on 429, 5xx and
// network errors with backoff and Retry-After, writes retried only on 429 or when they never
// left the client, no redirects followed, and errors that never show the secret. Error bodies
// are v2's {"errors": [...]} with detail a string or an object and title or id missing.
//
// # Writes whose answer is lost
//
// The engine never repeats a write that may have been carried out; it returns an
// *OutcomeUnknownError. The client then settles the write by reading the account:
//
//   - a purchase: GET the number; owned means bought;
//   - a release: GET the number; gone means released (a release is never sent again
//     before a read has shown the number still owned);
//   - a route creation: list the routes and look for the alias, type and value;
//   - an association (primary/failover route, CNAM, E911) and every PATCH: GET the number,
//     the route list, the record or the address, and compare;
//   - a CNAM record or E911 address creation: list them and look for the value or fields.
//
// Only when the reading shows the write not carried out is it sent again, once; a resend
// that fails is read the same way. When the reading fails too, the error still matches
// account.ErrOutcomeUnknown. Setting a callback URL and validating an address cannot double
// anything and are simply sent again once.
//
// # Decoding
//
// The decoders accept what the server and the SDK examples really send: ids as strings or
// integers, costs as JSON numbers, booleans as "true", null anywhere, a detail that is an
// object, links.self without "/v2" (create route), v2.1 relationship names
// (voice_primary_route), a 10-digit value beside an 11-digit id, a purchase answered 200, 201
// or 207 (bought; messaging provisioning failed: success with a warning).
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
