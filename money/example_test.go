package money_test

import (
	"fmt"

	"github.com/flowroute-numbers/flowroute-numbers/money"
)

// Prices add exactly: 0.1 three times is 0.30, not 0.30000000000000004.
func ExampleParse() {
	var total money.Amount
	for _, price := range []string{"0.1", "0.1", "0.1", "0.0035"} {
		a, err := money.Parse(price)
		if err != nil {
			fmt.Println(err)
			return
		}
		total += a
	}
	fmt.Println(total)
	// Output: 0.3035
}
