// Package account is the backend-neutral contract between the core (plan, apply) and the
// clients of the Flowroute APIs (v1, v2) or any test double: the account state in the spec's
// types, the reads plan needs, the writes apply needs, the neutral errors, and the
// Capabilities that say what a backend can do. plan and apply import this package and never an
// API client package.
package account
