// Package outname names the files a run writes for each record, in one
// place: the runtime's writers use it, and the checker uses it to refuse a
// model two of whose records would write the same file (the second would
// silently replace the first).
package outname

import (
	"fmt"
	"strings"
)

// Safe maps a model name to a file-name part: ASCII letters, digits, '_',
// '-' and (not first) '.' stay; other ASCII becomes '_'; any other
// character becomes _xHEX_ (µ is _xB5_), so that µ and Ω stay distinct.
// Two names can still meet (Eµ and E_xB5_): the checker reports that.
func Safe(s string) string {
	if s == "" {
		return "_"
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || (r == '.' && i > 0):
			b.WriteRune(r)
		case r < 128:
			b.WriteByte('_')
		default:
			fmt.Fprintf(&b, "_x%X_", r)
		}
	}
	return b.String()
}

// SpikesBase is the common start of the spike files of population (or
// input) name.
func SpikesBase(name string) string { return "spikes_" + Safe(name) }

// SamplesBase is the common start of the files of variable v of name (a
// population's state, a projection's weights or synapse state).
func SamplesBase(name, v string) string { return Safe(name) + "_" + Safe(v) }

// What each kind of record writes after its base name.
var (
	SpikeSuffixes  = []string{"_i.npy", "_t.npy", ".csv"}
	StateSuffixes  = []string{".npy", "_t.npy", "_index.npy", ".csv"}
	WeightSuffixes = []string{".npy", "_t.npy", "_index.npy", "_pre.npy", "_post.npy", ".csv"}
)

// SpikeFiles are the files of `record spikes(name)`.
func SpikeFiles(name string) []string { return with(SpikesBase(name), SpikeSuffixes) }

// StateFiles are the files of `record name.v`.
func StateFiles(name, v string) []string { return with(SamplesBase(name, v), StateSuffixes) }

// WeightFiles are the files of `record weights(name)` (v the recorded
// variable) and of a projection's `record name.v`.
func WeightFiles(name, v string) []string { return with(SamplesBase(name, v), WeightSuffixes) }

func with(base string, suffixes []string) []string {
	out := make([]string, len(suffixes))
	for i, s := range suffixes {
		out[i] = base + s
	}
	return out
}
