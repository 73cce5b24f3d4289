package units

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// common ranks the units people usually mean, so ties in Suggest resolve
// to neuroscience units ("mv" -> "mV", not "MV").
var common = []string{
	"mV", "ms", "nS", "pA", "pF", "Hz", "Mohm", "mM", "uS", "nA", "uA",
	"mS", "s", "V", "A", "S", "F", "um", "mm", "cm", "m", "kHz", "pS",
	"nF", "uF", "nM", "uM", "M", "ohm", "kohm", "GOhm", "min", "h", "L",
	"mL", "g", "kg", "mol", "mmol", "K", "C", "pC", "nC", "J", "W",
}

// words maps spelt-out unit names and informal abbreviations to symbols.
var words = map[string]string{
	"second": "s", "sec": "s", "meter": "m", "metre": "m", "gram": "g",
	"amp": "A", "ampere": "A", "kelvin": "K", "mole": "mol",
	"candela": "cd", "hertz": "Hz", "newton": "N", "pascal": "Pa",
	"joule": "J", "watt": "W", "coulomb": "C", "volt": "V", "farad": "F",
	"ohm": "ohm", "siemens": "S", "liter": "L", "litre": "L",
	"molar": "M", "minute": "min", "hour": "h", "hr": "h",
}

// prefixWords maps spelt-out SI prefixes to their symbols.
var prefixWords = map[string]string{
	"yocto": "y", "zepto": "z", "atto": "a", "femto": "f", "pico": "p",
	"nano": "n", "micro": "u", "milli": "m", "centi": "c", "deci": "d",
	"kilo": "k", "mega": "M", "giga": "G", "tera": "T",
}

// candidates is every valid atom spelling, built once.
var candidates = func() []string {
	var c []string
	for a, def := range atoms {
		c = append(c, a)
		if def.prefixOK {
			for p := range prefixes {
				c = append(c, p+a)
			}
		}
	}
	sort.Strings(c)
	return c
}()

// Suggest returns a valid unit symbol close to the misspelt sym for
// did-you-mean hints: a case fix ("mv" -> "mV", "hz" -> "Hz"), a
// spelt-out name ("msec" -> "ms", "millivolts" -> "mV"), or a one- or
// two-letter typo. It returns "" when sym is already valid or nothing is
// close.
func Suggest(sym string) string {
	if sym == "" || IsUnitName(sym) {
		return ""
	}
	if s := fromWords(sym); s != "" {
		return s
	}
	n := utf8.RuneCountInString(sym)
	maxDist := 0 // too short to guess typos: "x" is near half the table
	switch {
	case n >= 6:
		maxDist = 2
	case n >= 3:
		maxDist = 1
	}
	low := []rune(strings.ToLower(sym))
	best, bestKey := "", [3]int{}
	for _, c := range candidates {
		if n > utf8.RuneCountInString(c)+maxDist || utf8.RuneCountInString(c) > n+maxDist {
			continue // the distance is at least the length difference (and a long name would cost its length times every candidate's)
		}
		d := distance(low, []rune(strings.ToLower(c)))
		if d > maxDist {
			continue
		}
		caseDiff := 0
		if d == 0 {
			caseDiff = countCaseDiff(sym, c)
		}
		key := [3]int{d, caseDiff, commonRank(c)}
		if best == "" || less(key, bestKey) {
			best, bestKey = c, key
		}
	}
	return best
}

// fromWords handles "msec", "millivolts", "Mohms": an optional prefix
// (symbol or word) followed by a unit word or symbol, optionally plural.
func fromWords(sym string) string {
	lower := strings.ToLower(sym)
	try := func(prefix, rest string) string {
		for _, r := range []string{rest, strings.TrimSuffix(rest, "s")} {
			base, ok := words[r]
			if !ok {
				if _, isAtom := atoms[r]; !isAtom || r == rest {
					continue // a bare symbol only counts once plural is stripped
				}
				base = r
			}
			if s := prefix + base; IsUnitName(s) {
				return s
			}
		}
		return ""
	}
	if s := try("", lower); s != "" {
		return s
	}
	for w, p := range prefixWords {
		if rest, ok := strings.CutPrefix(lower, w); ok {
			if s := try(p, rest); s != "" {
				return s
			}
		}
	}
	// A symbol prefix keeps its case ("Msec" is megasecond); the rest may
	// be a word or a pluralised symbol ("Mohms").
	for p := range prefixes {
		if rest, ok := strings.CutPrefix(sym, p); ok {
			if s := try(p, strings.ToLower(rest)); s != "" {
				return s
			}
			if s := try(p, rest); s != "" {
				return s
			}
		}
	}
	return ""
}

func less(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

func commonRank(s string) int {
	for i, c := range common {
		if c == s {
			return i
		}
	}
	return len(common)
}

// countCaseDiff counts positions where two case-insensitively equal
// strings differ in case.
func countCaseDiff(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for i := range ra {
		if i < len(rb) && ra[i] != rb[i] && unicode.ToLower(ra[i]) == unicode.ToLower(rb[i]) {
			n++
		}
	}
	return n
}

// distance is the optimal-string-alignment edit distance (Levenshtein
// plus adjacent transpositions, the commonest typo).
func distance(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
