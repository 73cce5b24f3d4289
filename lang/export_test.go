package lang

// OpenEndedSteps exposes the printer's step counter to lang_test.
var OpenEndedSteps = &openEndedSteps
