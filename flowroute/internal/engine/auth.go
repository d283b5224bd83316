package engine

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"time"
)

// Auth authenticates the attempts of a request: v1 signs each one (flowroute's HMAC signer),
// v2 sends the keys with BasicAuth.
type Auth interface {
	// Authenticate sets the headers that authenticate req, an attempt whose body is body (nil
	// when there is none) made at now. It is called once per attempt, after every other
	// header is set.
	Authenticate(req *http.Request, body []byte, now time.Time) error
	// Secrets are the values no error or log may show, beyond the Authorization header the
	// engine redacts by itself: the secret key at least.
	Secrets() []string
}

// BasicAuth is HTTP Basic authentication with the access key as user and the secret key as
// password, as v2 wants: "Authorization: Basic base64(access:secret)". It never prints the
// secret key.
type BasicAuth struct {
	AccessKey string
	SecretKey Secret
}

// Authenticate sets the Authorization header.
func (a BasicAuth) Authenticate(req *http.Request, _ []byte, _ time.Time) error {
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(a.AccessKey+":"+string(a.SecretKey))))
	return nil
}

// Secrets is the secret key.
func (a BasicAuth) Secrets() []string { return []string{string(a.SecretKey)} }

// Secret is a string that never prints itself, so that a secret key inside a struct cannot
// leak through fmt.
type Secret string

func (Secret) String() string   { return "[redacted]" }
func (Secret) GoString() string { return "[redacted]" }

// Format prints "[redacted]" for every verb.
func (Secret) Format(f fmt.State, verb rune) { fmt.Fprint(f, "[redacted]") }
