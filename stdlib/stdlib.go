// Package stdlib holds the standard library of .snn model types, embedded in
// the compiler. A source file brings one module into scope with
// `import "std/NAME"`, which resolves to NAME.snn in this package:
//
//	std/neurons     LIF, CondLIF, AdaptiveLIF, Izhikevich, AdEx, IF
//	std/synapses    Static
//	std/plasticity  PairSTDP, NearestSTDP, MultSTDP, TripletSTDP, SymSTDP,
//	                RSTDP, Hebb, Oja, BCM
//	std/dendrites   Pyramidal, TwoCompartment, ActiveDendriteCell
//	std/nir         NirLIF, NirLI, NirIF, NirI, NirCubaLIF(Sub, Euler, EulerSub),
//	                NirCubaLI(Euler), NirThreshold: NIR's neurons (snnc import)
package stdlib

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.snn
var files embed.FS

// Prefix is the import-path prefix of the standard library.
const Prefix = "std/"

// Lookup returns the source of the standard-library module with the given
// import path ("std/neurons" -> neurons.snn). It reports false for a path
// outside std/ or a module that does not exist.
func Lookup(path string) ([]byte, bool) {
	name, ok := strings.CutPrefix(path, Prefix)
	if !ok || name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".snn") {
		return nil, false
	}
	src, err := files.ReadFile(name + ".snn")
	if err != nil {
		return nil, false
	}
	return src, true
}

// Names returns the import paths of all standard-library modules, sorted.
func Names() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".snn"); ok && !e.IsDir() {
			out = append(out, Prefix+n)
		}
	}
	sort.Strings(out)
	return out
}
