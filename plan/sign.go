package plan

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// signingLabel separates the plan-signing key from every other use of the secret key.
const signingLabel = "flowroute-numbers plan file signing key 1"

// SigningKey signs plan files. It is derived from the account's secret key and never is the
// key itself, so a plan file reveals nothing about it; only a holder of the credentials can
// make a plan file that applies.
type SigningKey struct{ key []byte }

// SigningKeyFor derives the plan-signing key from an account's secret key: HMAC-SHA256 of a
// fixed label under the secret key. The sandbox's own secret key gives the sandbox's.
func SigningKeyFor(secretKey string) SigningKey {
	m := hmac.New(sha256.New, []byte(secretKey))
	m.Write([]byte(signingLabel))
	return SigningKey{key: m.Sum(nil)}
}

// String never shows the key.
func (k SigningKey) String() string { return "plan.SigningKey(" + k.ID() + ")" }

// ID names the key without revealing it: the first 16 hex digits of its SHA-256. A plan file
// carries it, so that a file signed with other credentials is told apart from an altered one.
func (k SigningKey) ID() string {
	sum := sha256.Sum256(k.key)
	return hex.EncodeToString(sum[:8])
}

// Signature is a plan file's signature: an HMAC-SHA256 under a SigningKey of the file's
// content without its signature.
type Signature struct {
	Algorithm string `json:"alg"`
	KeyID     string `json:"key_id"`
	MAC       string `json:"mac"`
}

const signatureAlgorithm = "hmac-sha256"

// unsigned is what a signature signs: f's content without the signature, encoded.
func (f *File) unsigned() ([]byte, error) {
	out := *f
	out.Signature = nil
	return json.Marshal(&out)
}

// mac is the MAC of content under k.
func mac(k SigningKey, content []byte) string {
	m := hmac.New(sha256.New, k.key)
	m.Write(content)
	return hex.EncodeToString(m.Sum(nil))
}

// sign sets f's signature under k.
func (f *File) sign(k SigningKey) error {
	if len(k.key) == 0 {
		return fmt.Errorf("saving the plan: no signing key")
	}
	content, err := f.unsigned()
	if err != nil {
		return err
	}
	f.Signature = &Signature{Algorithm: signatureAlgorithm, KeyID: k.ID(), MAC: mac(k, content)}
	return nil
}

// Verify refuses a plan file that was not signed by plan --out with k (checking the content
// LoadFile read): an unsigned file, one
// signed with another key (other credentials, or re-signed), or one altered after it was signed.
// The error names the reason.
func (f *File) Verify(k SigningKey) error {
	s := f.Signature
	switch {
	case s == nil:
		return fmt.Errorf("the plan file is not signed, so it cannot be trusted: plan --out signs every plan file with a key derived from the secret key; run plan --out again")
	case s.Algorithm != signatureAlgorithm:
		return fmt.Errorf("the plan file is signed with %q, not %s: run plan --out again", s.Algorithm, signatureAlgorithm)
	case s.KeyID != k.ID():
		return fmt.Errorf("the plan file was signed with another key (key %s, this run's is %s): it was made with other credentials, or re-signed; plan --out again with the credentials of the account to apply to", s.KeyID, k.ID())
	}
	content := f.content
	if content == nil { // a File made in code, not read by LoadFile
		var err error
		if content, err = f.unsigned(); err != nil {
			return err
		}
	}
	if !hmac.Equal([]byte(mac(k, content)), []byte(s.MAC)) {
		return fmt.Errorf("the plan file was altered after it was signed (its signature does not match its content): a plan file is not edited by hand; run plan --out again and review the new plan")
	}
	return nil
}
