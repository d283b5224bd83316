package engine

import (
	"bytes"
	"errors"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// answerOptions are the rules an answer is decoded by: those of encoding/json/v2 (of which
// github.com/go-json-experiment/json is the mirror until the module's Go has it), which
// unmarshals a page of 200 v1 numbers in about 60% of the CPU time of encoding/json: a walk
// of 100,000 numbers decodes 500 pages. What the clients' types rely on is as it was with encoding/json: a name
// matches a field's without regard to case (as strings.EqualFold has it), and members no
// field names are ignored. Two things are stricter, on purpose: an object that names a member
// twice (a number twice on one page: which one is the account's?) and a string that is not
// UTF-8 are errors, never one of them kept or the bytes replaced without a word.
var answerOptions = json.JoinOptions(
	json.MatchCaseInsensitiveNames(true),
	jsonv1.MatchCaseSensitiveDelimiter(true),
	jsontext.AllowDuplicateNames(false),
	jsontext.AllowInvalidUTF8(false),
)

// errNull is the error of an answer that is null: no endpoint answers null, and encoding/json/v2
// would set out to its zero value, which for an answer that carries its own fields (how the v1
// client reads a list page) leaves nothing to read it with.
var errNull = errors.New("the answer is null, not a JSON document")

// Unmarshal decodes an answer's JSON document into out, by the rules Do decodes answers by;
// the clients' fuzz tests decode with it too. A document that is null is an error, and out is
// left as it was.
func Unmarshal(body []byte, out any) error {
	if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		return errNull
	}
	return json.Unmarshal(body, out, answerOptions)
}
