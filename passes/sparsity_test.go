package passes_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSparsityBudget: static random rows are stored (2 bytes a target up
// to 65536 neurons, 4 beyond, plus 4 a row) while the network's fit in
// 8 MiB, and all regenerated otherwise. CUBA at N = 40000 (p = 80/N, 3.2 M
// synapses: 6.4 MB + 0.32 MB of row pointers) is stored; at N = 50000
// (4 M synapses, 8.4 MB) and at N = 80000 (6.4 M synapses at 4 bytes,
// beyond 65536 targets) it is regenerated. fan_in rows cannot be
// regenerated and stay stored whatever their size.
func TestSparsityBudget(t *testing.T) {
	src, err := os.ReadFile("../bench/models/cuba40k.snn")
	if err != nil {
		t.Fatal(err)
	}
	scaled := func(name string, ne, ni int, conn string) string {
		s := strings.ReplaceAll(string(src), "CubaLIF[32000]", "CubaLIF["+strconv.Itoa(ne)+"]")
		s = strings.ReplaceAll(s, "CubaLIF[8000]", "CubaLIF["+strconv.Itoa(ni)+"]")
		s = strings.ReplaceAll(s, "bernoulli(0.002)", conn)
		path := filepath.Join(t.TempDir(), name+".snn")
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, c := range []struct {
		path, want string
	}{
		{"../bench/models/cuba40k.snn", "csr"},
		{"../bench/models/coba40k.snn", "csr"},
		{"../examples/cuba.snn", "csr"},
		{scaled("cuba50k", 40000, 10000, "bernoulli(0.0016)"), "procedural"},
		{scaled("cuba80k", 64000, 16000, "bernoulli(0.001)"), "procedural"},
		{scaled("fanin80k", 64000, 16000, "fan_in(80)"), "csr"},
		{"../testdata/gocode/procedural.snn", "procedural"},
	} {
		_, diags := compile(t, c.path, "sparsity")
		n := 0
		for _, d := range diags {
			if m := d.Error(); strings.Contains(m, "sparsity: ") {
				n++
				if !strings.HasSuffix(m, "stored "+c.want) {
					t.Errorf("%s: %s, want stored %s", filepath.Base(c.path), m, c.want)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no sparsity notes", c.path)
		}
	}
}
