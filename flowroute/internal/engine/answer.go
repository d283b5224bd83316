package engine

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// answerOptions are the rules an answer is decoded by: those of encoding/json/v2 (of which
// github.com/go-json-experiment/json is the mirror until the module's Go has it), which
// unmarshals in about two thirds of the CPU time of encoding/json: a walk of 100,000 numbers
// decodes 500 pages. What the clients' types rely on is as it was with encoding/json: a name
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

// Unmarshal decodes an answer's JSON document into out, by the rules Do decodes answers by.
func Unmarshal(body []byte, out any) error { return json.Unmarshal(body, out, answerOptions) }
