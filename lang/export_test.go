package lang

// OpenEndedSteps exposes the printer's step counter to lang_test.
var OpenEndedSteps = &openEndedSteps

// SetMaxExpanded changes the expansion limit until the test ends.
func SetMaxExpanded(t interface{ Cleanup(func()) }, n int) {
	old := maxExpanded
	maxExpanded = n
	t.Cleanup(func() { maxExpanded = old })
}

var MaxExpanded = maxExpanded
