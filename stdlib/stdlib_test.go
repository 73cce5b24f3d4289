package stdlib

import (
	"bytes"
	_ "github.com/snnc/snnc/internal/golden" // defines -update for go test ./... -update
	"slices"
	"testing"
)

func TestNames(t *testing.T) {
	want := []string{"std/dendrites", "std/neurons", "std/nir", "std/plasticity", "std/synapses"}
	got := Names()
	if !slices.Equal(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
	if !slices.IsSorted(got) {
		t.Errorf("Names() not sorted: %q", got)
	}
}

func TestLookup(t *testing.T) {
	for _, p := range Names() {
		src, ok := Lookup(p)
		if !ok || len(src) == 0 {
			t.Errorf("Lookup(%q) = %d bytes, %v; want the module source", p, len(src), ok)
		}
	}
	src, ok := Lookup("std/neurons")
	if !ok || !bytes.Contains(src, []byte("neuron LIF {")) {
		t.Errorf("Lookup(std/neurons) does not hold neuron LIF")
	}
	for _, bad := range []string{
		"", "std/", "std", "neurons", "std/nope", "std/neurons.snn", "lib/neurons",
		"std/../stdlib.go", "std/./neurons", "std/a/b", `std\neurons`, "/std/neurons",
	} {
		if _, ok := Lookup(bad); ok {
			t.Errorf("Lookup(%q) succeeded, want false", bad)
		}
	}
}
