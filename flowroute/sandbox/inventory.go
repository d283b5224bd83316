package sandbox

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// DefaultInventorySize is the number of purchasable numbers a new state gets when
// Options.InventorySize is zero; MaxInventorySize bounds it.
const (
	DefaultInventorySize = 12000
	MaxInventorySize     = 1_000_000
)

// inventoryVersion names the generation algorithm below. It is saved in the state file: a
// state written by another version would regenerate a different inventory, so loading it fails.
const inventoryVersion = 1

// rateCenter is a real rate center and the exchanges (NXXs) the sandbox sells numbers in.
type rateCenter struct {
	npa, state, name string
	nxxs             []string
}

// rateCenters are real NPAs, states or provinces and rate-center names. The first NXXs of
// some carry the numbers used in the docs and the shared signing vectors.
var rateCenters = []rateCenter{
	{"202", "DC", "WASHINGTON", []string{"204", "215", "328", "462", "555", "688"}},
	{"206", "WA", "SEATTLE", []string{"209", "258", "743", "420", "682", "838"}},
	{"206", "WA", "BAINBRIDGE ISLAND", []string{"780", "842"}},
	{"212", "NY", "NEW YORK CITY", []string{"226", "380", "457", "518", "634", "972"}},
	{"214", "TX", "DALLAS", []string{"219", "346", "520", "741", "853"}},
	{"215", "PA", "PHILADELPHIA", []string{"240", "399", "545", "667", "832"}},
	{"303", "CO", "DENVER", []string{"244", "377", "534", "623", "825"}},
	{"303", "CO", "BOULDER", []string{"413", "442", "545"}},
	{"305", "FL", "MIAMI", []string{"222", "358", "456", "573", "674"}},
	{"305", "FL", "KEY WEST", []string{"292", "294"}},
	{"312", "IL", "CHICAGO", []string{"212", "346", "461", "583", "739", "920"}},
	{"313", "MI", "DETROIT", []string{"224", "309", "496", "571", "965"}},
	{"404", "GA", "ATLANTA", []string{"222", "343", "419", "521", "659", "885"}},
	{"415", "CA", "SAN FRANCISCO", []string{"227", "346", "392", "512", "621", "974"}},
	{"415", "CA", "SAN RAFAEL", []string{"444", "453", "485"}},
	{"416", "ON", "TORONTO", []string{"214", "364", "477", "596", "703"}},
	{"503", "OR", "PORTLAND", []string{"222", "360", "445", "525", "719"}},
	{"512", "TX", "AUSTIN", []string{"236", "320", "474", "580", "691", "904"}},
	{"512", "TX", "ROUND ROCK", []string{"244", "255", "310"}},
	{"514", "QC", "MONTREAL", []string{"227", "340", "482", "598", "871"}},
	{"585", "NY", "ROCHESTER", []string{"200", "232", "325", "454", "546"}},
	{"602", "AZ", "PHOENIX", []string{"253", "340", "495", "534", "682"}},
	{"604", "BC", "VANCOUVER", []string{"215", "336", "484", "569", "681", "899"}},
	{"612", "MN", "MINNEAPOLIS", []string{"226", "338", "455", "573", "672"}},
	{"615", "TN", "NASHVILLE", []string{"242", "320", "463", "515", "726"}},
	{"617", "MA", "BOSTON", []string{"227", "350", "426", "542", "695", "948"}},
	{"617", "MA", "CAMBRIDGE", []string{"225", "253", "492", "547"}},
	{"647", "ON", "TORONTO", []string{"699", "245", "352", "478", "567", "812"}},
	{"702", "NV", "LAS VEGAS", []string{"222", "384", "451", "598", "734", "892"}},
	{"704", "NC", "CHARLOTTE", []string{"227", "334", "358", "522", "716"}},
	{"713", "TX", "HOUSTON", []string{"222", "328", "464", "528", "651", "869"}},
	{"801", "UT", "SALT LAKE CITY", []string{"236", "355", "456", "532", "746"}},
}

// pinnedNumbers are always in a new inventory: the examples of the README and of the shared
// signing vectors, so that following the docs against the sandbox works.
var pinnedNumbers = []string{"12062092844", "12067439178", "15852003968", "16476998778"}

// available is one purchasable number.
type available struct {
	tn          string
	center      int16 // index into rateCenters
	initialCost string
	monthlyCost string
	meteredOnly bool // billing methods ["METERED"], else ["VPRI","METERED"]
	sold        bool // bought or added to the account: no longer for sale
}

// billingMethods lists the billing methods the number allows.
func (a *available) billingMethods() []string {
	if a.meteredOnly {
		return []string{"METERED"}
	}
	return []string{"VPRI", "METERED"}
}

// allows reports whether the number may be bought with method.
func (a *available) allows(method string) bool {
	return method == "METERED" || (method == "VPRI" && !a.meteredOnly)
}

// generateInventory returns size purchasable numbers in numerical order, the same for the same
// seed and size.
func generateInventory(seed int64, size int) ([]available, error) {
	if size < len(pinnedNumbers) || size > MaxInventorySize {
		return nil, fmt.Errorf("inventory size %d out of range %d..%d", size, len(pinnedNumbers), MaxInventorySize)
	}
	type exchange struct {
		center int
		prefix string // "1NPANXX"
	}
	var exchanges []exchange
	centerOf := map[string]int{}
	for i, rc := range rateCenters {
		for _, nxx := range rc.nxxs {
			p := "1" + rc.npa + nxx
			exchanges = append(exchanges, exchange{i, p})
			centerOf[p] = i
		}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), inventoryVersion))
	seen := make(map[string]bool, size)
	inv := make([]available, 0, size)
	add := func(tn string, center int) {
		seen[tn] = true
		a := available{tn: tn, center: int16(center), initialCost: "1.00", monthlyCost: "1.25"}
		switch r := rng.IntN(20); {
		case r < 2:
			a.initialCost = "0.00"
		case r < 4:
			a.initialCost = "1.50"
		}
		switch r := rng.IntN(20); {
		case r < 3:
			a.monthlyCost = "1.00"
		case r < 5:
			a.monthlyCost = "1.35"
		}
		if rs := rateCenters[center].state; rs == "ON" || rs == "QC" || rs == "BC" {
			a.monthlyCost = "1.50"
		}
		a.meteredOnly = rng.IntN(10) < 3
		inv = append(inv, a)
	}
	for _, tn := range pinnedNumbers {
		add(tn, centerOf[tn[:7]])
	}
	for len(inv) < size {
		e := exchanges[rng.IntN(len(exchanges))]
		tn := fmt.Sprintf("%s%04d", e.prefix, rng.IntN(10000))
		if !seen[tn] {
			add(tn, e.center)
		}
	}
	slices.SortFunc(inv, func(a, b available) int { return compareTN(a.tn, b.tn) })
	return inv, nil
}

// compareTN orders numbers numerically. Every number is 11 digits, so byte order is numerical
// order; the length check keeps it right for anything shorter.
func compareTN(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
