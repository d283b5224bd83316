// Package v2 is a client of Flowroute's numbers API v2 (and the v2.1 bulk details), built
// from docs/flowroute-v2-api.md.
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
// The client sends every write once. The engine retries a write only where that cannot double
// it (the request never reached the server, or a 429), and returns an *OutcomeUnknownError,
// matching ErrOutcomeUnknown, when a write may have been carried out and its answer
// was lost (a timeout, a connection closed after sending, a 5xx). The client neither reads the
// account to settle such a write nor sends it again: only the caller knows what it needs to
// read, and apply does it, once, for every backend.
//
// A write the server acknowledged without the document it returns was carried out: the client
// reads the object back (a created route, CNAM record or E911 address is looked for by its
// fields), so that the caller gets it with its id.
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
