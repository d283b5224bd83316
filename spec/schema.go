package spec

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

//go:generate go run gen_schema.go

// Patterns the schema gives editors; Load checks the same rules, with better messages. They
// use only what both ECMA-262 (editors) and RE2 (Go validators) read: no lookaround.
const (
	numberPattern    = `^1[2-9][0-9]{2}[2-9][0-9]{6}$`
	routeNamePattern = `^[A-Za-z0-9._-]+$`
)

// Parts of the patterns of route values, as checkHost and checkURI have the rules.
var (
	portRE  = `(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])`
	octetRE = `(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])`
	ipv4RE  = `(?:` + octetRE + `\.){3}` + octetRE
	ipv6RE  = ipv6Pattern()
	labelRE = `[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?`
	// The last label of a host name is not all digits: it has a letter or a hyphen.
	lastLabelRE = `(?:[A-Za-z]|[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z]|` +
		`[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z-][A-Za-z0-9-]*[A-Za-z0-9])`
	hostNameRE = `(?:` + labelRE + `\.)*` + lastLabelRE + `\.?`
	// hostPortRE is an IPv4 address or host name with an optional port, or an IPv6 address in
	// brackets with one.
	hostPortRE = `(?:\[` + ipv6RE + `\](?::` + portRE + `)?|(?:` + ipv4RE + `|` + hostNameRE + `)(?::` + portRE + `)?)`
	hostRE     = `^(?:` + hostPortRE + `|` + ipv6RE + `)$`
	uriUserRE  = `(?:[A-Za-z0-9\-_.!~*'()&=+$,?/]|%[0-9A-Fa-f]{2})+`
	uriRE      = `^sips?:` + uriUserRE + `@` + hostPortRE + `(?:;transport=(?:udp|tcp|tls))?$`
)

// ipv6Pattern is RFC 3986's IPv6address (without a zone, which checkHost refuses).
func ipv6Pattern() string {
	const h16 = `[0-9A-Fa-f]{1,4}`
	ls32 := `(?:` + h16 + `:` + h16 + `|` + ipv4RE + `)`
	rep := func(n int) string { // n times h16 ":"
		if n == 0 {
			return ""
		}
		return fmt.Sprintf(`(?:%s:){%d}`, h16, n)
	}
	before := func(n int) string { // [ *n( h16 ":" ) h16 ]
		if n == 0 {
			return `(?:` + h16 + `)?`
		}
		return fmt.Sprintf(`(?:(?:%s:){0,%d}%s)?`, h16, n, h16)
	}
	alts := []string{
		rep(6) + ls32,
		`::` + rep(5) + ls32,
		before(0) + `::` + rep(4) + ls32,
		before(1) + `::` + rep(3) + ls32,
		before(2) + `::` + rep(2) + ls32,
		before(3) + `::` + rep(1) + ls32,
		before(4) + `::` + ls32,
		before(5) + `::` + h16,
		before(6) + `::`,
	}
	return `(?:` + strings.Join(alts, "|") + `)`
}

type object = map[string]any

// Schema returns the JSON Schema (draft 2020-12) of a spec file, indented, ending in a newline.
// schema/flowroute-numbers.schema.json is a copy that `go generate ./...` refreshes.
func Schema() []byte {
	routeRef := func(desc string) object {
		return object{
			"type":        "string",
			"description": desc,
			"pattern":     routeNamePattern,
		}
	}
	billing := object{
		"description": "How the number is billed: VPRI (flat rate, limited channels) or METERED (per minute). Chosen at purchase; v1 cannot change it.",
		"enum":        []string{BillingVPRI, BillingMetered},
	}
	numberFields := func(what string) object {
		return object{
			"billing_method": billing,
			"primary_route":  routeRef("Name of the route that receives " + what + " calls: a route declared under routes, or sip-reg."),
			"failover_route": routeRef("Name of the route used when the primary route fails: a route declared under routes, or sip-reg."),
			"alias": object{
				"description": fmt.Sprintf("A friendly name for the number (v2), of at most %d characters.", MaxAlias),
				"type":        "string",
				"maxLength":   MaxAlias,
				"pattern":     printablePattern,
			},
			"cnam_lookups": object{
				"description": "Whether inbound calls get caller-ID name lookups (v2).",
				"type":        "boolean",
			},
			"cnam": object{
				"description": fmt.Sprintf(`The caller-ID name (CNAM) presented on outbound calls (v2): at most %d characters, at least one letter; letters, digits, spaces and %s. Flowroute approves it, and stores it in upper case.`, MaxCNAM, cnamPunct),
				"type":        "string",
				"maxLength":   MaxCNAM,
				"pattern":     "^" + cnamChars + "*[A-Za-z]" + cnamChars + "*$",
			},
			"e911": object{
				"description": "Name of the emergency address of " + what + " calls, an entry of e911_addresses (v2).",
				"type":        "string",
				"minLength":   1,
			},
			"messaging": object{
				"description": "Messaging callback URLs (v2): where Flowroute posts inbound messages and delivery receipts.",
				"type":        []string{"object", "null"},
				"properties": object{
					"sms_callback":     callback("inbound SMS"),
					"mms_callback":     callback("inbound MMS"),
					"sms_dlr_callback": callback("SMS delivery receipts"),
					"mms_dlr_callback": callback("MMS delivery receipts"),
				},
				"additionalProperties": false,
			},
		}
	}
	s := object{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"title":       "flowroute-numbers spec",
		"description": "The desired inbound routes and phone numbers of a Flowroute account. A field left out is not managed: the tool keeps what the account has.",
		"type":        "object",
		"properties": object{
			"version": object{
				"description": "Spec format version; 1.",
				"const":       1,
			},
			"defaults": object{
				"description":          "Fields applied to every number that leaves them out.",
				"type":                 []string{"object", "null"},
				"properties":           numberFields("a number's"),
				"additionalProperties": false,
			},
			"routes": object{
				"description": "Inbound routes, keyed by name. Routes cannot be changed or deleted in v1; the built-in route sip-reg is never declared.",
				"type":        []string{"object", "null"},
				"propertyNames": object{
					"pattern": routeNamePattern,
					"not":     object{"enum": []string{BuiltinRoute, ".", ".."}},
				},
				"additionalProperties": object{"$ref": "#/$defs/route"},
			},
			"numbers": object{
				"description":          "Phone numbers the account owns or should own, keyed by 11-digit E.164 number 1NPANXXXXXX.",
				"type":                 []string{"object", "null"},
				"propertyNames":        object{"pattern": numberPattern},
				"additionalProperties": object{"$ref": "#/$defs/number"},
			},
			"e911_addresses": object{
				"description":          fmt.Sprintf("Emergency (E911) addresses, keyed by a name that numbers and defaults refer to with e911 (v2) and that is the address's label at Flowroute, of at most %d characters.", MaxE911Field),
				"type":                 []string{"object", "null"},
				"propertyNames":        object{"pattern": printablePattern, "maxLength": MaxE911Field},
				"additionalProperties": object{"$ref": "#/$defs/e911"},
			},
			"policy": object{
				"description": "Limits on what plan and apply may do.",
				"type":        []string{"object", "null"},
				"properties": object{
					"unmanaged": object{
						"description": "What to do about numbers and routes on the account but not in the spec: ignore, warn (default), error (the plan fails) or release (v2: release them, up to max_releases).",
						"enum":        unmanagedValues,
						"default":     UnmanagedWarn,
					},
					"max_purchases":     wholeSchema("Apply refuses a plan that buys more numbers than this; 0 forbids purchases.", 0, -1, DefaultMaxPurchases),
					"max_monthly_cost":  amountSchema(`Apply refuses a plan whose purchases add more than this to the monthly cost, a decimal string such as "50.00".`),
					"max_setup_cost":    amountSchema(`Apply refuses a plan whose purchases cost more than this once (setup fees), a decimal string such as "25.00".`),
					"max_releases":      wholeSchema("Plan refuses to release more numbers than this (with unmanaged: release); 0 forbids releases.", 0, -1, 0),
					"max_updates":       wholeSchema("Plan refuses to update more numbers than this; left out: no count limit.", 0, -1, -1),
					"max_route_deletes": wholeSchema("Plan refuses to delete more routes than this (with unmanaged: release); 0 forbids route deletions.", 0, -1, 0),
					"acknowledge": object{
						"description": "Digests of plans allowed past this policy's limits once (never past a limit set on the command line), as a threshold error prints them.",
						"type":        []string{"array", "null"},
						"items":       object{"type": "string", "pattern": digestPattern.String()},
					},
					"max_update_percent": wholeSchema(fmt.Sprintf("Plan refuses to update more than this percentage of the managed numbers, once at least %d are managed.", UpdatePercentFloor),
						1, 100, DefaultMaxUpdatePercent),
				},
				"additionalProperties": false,
			},
		},
		"anyOf": func() []object { // a spec declares one section at least, even an empty one
			var any []object
			for _, k := range topKeys {
				any = append(any, object{"required": []string{k}})
			}
			return any
		}(),
		"patternProperties": object{
			"^x-": object{"description": "Extension key, ignored: a place for YAML anchors to reuse."},
		},
		"additionalProperties": false,
		"$defs": object{
			"route": object{
				"description": "An inbound route: where calls to a number go.",
				"type":        "object",
				"required":    []string{"type", "value"},
				"properties": object{
					"type": object{
						"description": "HOST (an IP address or host name, optional :port), PSTN (an 11-digit number) or URI (sip:user@host[:port][;transport=udp|tcp|tls]).",
						"enum":        []string{RouteHost, RoutePSTN, RouteURI},
					},
					"value": object{
						"description": "Where the route sends calls; its form depends on type.",
						"type":        "string",
					},
					"edge_strategy": object{
						"description": "The id of the edge strategy (PoP) that sends the calls (v2), as GET /v2/routes/edge_strategies lists them.",
						"type":        []string{"integer", "string"},
						"minimum":     0,
						"pattern":     "^[0-9]+$",
					},
				},
				"additionalProperties": false,
				"allOf": []object{
					ifType(RouteHost, hostRE),
					ifType(RoutePSTN, numberPattern),
					ifType(RouteURI, uriRE),
				},
			},
			"e911": e911Schema(),
			"number": object{
				"description":          "A phone number; fields left out come from defaults or are not managed.",
				"type":                 []string{"object", "null"},
				"properties":           numberFields("the number's"),
				"additionalProperties": false,
			},
		},
	}
	poolSchemas(s)
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic(err) // the schema is constant data
	}
	return append(b, '\n')
}

// printablePattern is a non-empty string without control characters.
const printablePattern = `^[^\x00-\x1f\x7f-\x9f]+$`

// cnamChars is a character a CNAM may hold.
const cnamChars = `[A-Za-z0-9 \-_.,@+&'/"]`

// callbackRE is an absolute http or https URL as checkCallback has it.
var callbackRE = `^https?://(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?` + hostPortRE + `(?:[/?#](?:[!-$&-~]|%[0-9A-Fa-f]{2})*)?$`

func callback(what string) object {
	return object{
		"description": "The absolute http or https URL that receives " + what + ".",
		"type":        "string",
		"pattern":     callbackRE,
	}
}

// e911Schema is an E911 address, checked as far as checkE911 does.
func e911Schema() object {
	// Flowroute takes at most MaxE911Field characters in a field of free text.
	text := func(desc string) object {
		return object{"description": desc, "type": "string", "pattern": `\S`, "maxLength": MaxE911Field}
	}
	number := func(desc string) object {
		return object{"description": desc, "type": []string{"string", "integer"}, "pattern": `\S`}
	}
	streetNumber := number("Street number, such as 1218.")
	streetNumber["maxLength"] = MaxE911Field
	var types []string
	for _, t := range AddressTypes { // any case, without (?i), which ECMA-262 editors may not read
		var b strings.Builder
		for _, r := range t {
			fmt.Fprintf(&b, "[%c%c]", unicode.ToUpper(r), unicode.ToLower(r))
		}
		types = append(types, b.String())
	}
	var all []string
	var byCountry []object
	for _, c := range []string{"US", "CA"} {
		all = append(all, States[c]...)
		zip := zipPatternUS
		if c == "CA" {
			zip = zipPatternCA
		}
		byCountry = append(byCountry, object{
			"if":   object{"properties": object{"country": object{"const": c}}, "required": []string{"country"}},
			"then": object{"properties": object{"state": object{"enum": States[c]}, "zip": object{"pattern": zip}}},
		})
	}
	slices.Sort(all)
	return object{
		"description": fmt.Sprintf("An emergency address, validated offline as far as possible (fields of text of at most %d characters); Flowroute validates it when it is created.", MaxE911Field),
		"type":        "object",
		"required":    e911Required,
		"properties": object{
			"first_name":          text("First name of the caller to send help to."),
			"last_name":           text("Last name."),
			"street_number":       streetNumber,
			"street_name":         text("Street name, such as 3rd Ave."),
			"address_type":        object{"description": "Apartment, Suite, Floor, ... (any case); needs address_type_number.", "type": "string", "pattern": "^(?:" + strings.Join(types, "|") + ")$"},
			"address_type_number": number("The apartment, suite or unit number, such as 600 or A-1; needs address_type."),
			"city":                text("City."),
			"state":               object{"description": "Two-letter state or province code, in upper case.", "enum": all},
			"country":             object{"description": "US or CA.", "enum": []string{"US", "CA"}},
			"zip":                 object{"description": "ZIP code (98104 or 98104-1234) or Canadian postal code (M4C 5K7), as a string.", "type": "string"},
		},
		"dependentRequired":    object{"address_type": []string{"address_type_number"}, "address_type_number": []string{"address_type"}},
		"additionalProperties": false,
		"allOf":                byCountry,
	}
}

func ifType(typ, valuePattern string) object {
	return object{
		"if":   object{"properties": object{"type": object{"const": typ}}},
		"then": object{"properties": object{"value": object{"pattern": valuePattern}}},
	}
}

// wholeSchema is a whole number from lo to hi (hi < 0: no upper bound) with a default (< 0:
// none).
func wholeSchema(desc string, lo, hi, def int) object {
	o := object{"description": desc, "type": "integer", "minimum": lo}
	if hi >= 0 {
		o["maximum"] = hi
	}
	if def >= 0 {
		o["default"] = def
	}
	return o
}

// amountSchema is a decimal amount of dollars, 0 or more with at most 4 decimal places, as
// a string or a number.
func amountSchema(desc string) object {
	return object{
		"description": desc,
		"type":        []string{"string", "number"},
		"pattern":     `^[0-9]+(\.[0-9]{1,4})?$`,
		"minimum":     0,
		"multipleOf":  0.0001,
	}
}
