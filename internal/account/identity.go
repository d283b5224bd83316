package account

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Identity names the account a backend reads and writes, without any secret: a plan records
// it, and apply refuses a plan made for another account, so that nobody applies to production
// a plan reviewed against the sandbox.
type Identity struct {
	// API is the backend's API: "v1", "v2".
	API string `json:"api"`
	// Endpoint is the base URL the backend speaks to, or, for the in-process sandbox, the
	// sandbox and its state file.
	Endpoint string `json:"endpoint"`
	// KeyFingerprint is Fingerprint of the access key.
	KeyFingerprint string `json:"key_fingerprint"`
}

// fingerprintHex is how many hex digits of the hash a fingerprint keeps: 64 bits tell
// accounts apart and say nothing usable about the key.
const fingerprintHex = 16

// Fingerprint is a short hash of an access key, "sha256:0123456789abcdef": enough to tell two
// accounts apart in a plan file or a message, never the key.
func Fingerprint(accessKey string) string {
	sum := sha256.Sum256([]byte(accessKey))
	return "sha256:" + hex.EncodeToString(sum[:])[:fingerprintHex]
}

// String is "v1 https://api.flowroute.com/v1, access key sha256:0123456789abcdef".
func (id Identity) String() string {
	return fmt.Sprintf("%s %s, access key %s", id.API, id.Endpoint, id.KeyFingerprint)
}
