// Package backend adapts the Flowroute clients (flowroute/v1, flowroute/v2) to the tool's
// backend-neutral contract (package account), so that plan and apply never import a client
// and the clients stay a Go library that knows nothing of specs or plans.
//
// NewV1 and NewV2 wrap a client. The adapters translate types (routes by name, numbers with
// their routes, offers, CNAM records, E911 addresses, messaging callbacks) and errors: a
// client's error of a kind the contract names (not found, conflict, outcome unknown, rate
// limited) also matches the account error of that kind, keeping its message and its chain,
// so that errors.As still finds the client's typed errors.
package backend
