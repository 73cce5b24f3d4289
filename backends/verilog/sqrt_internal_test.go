package verilog

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/snnc/snnc/ir/iir"
)

// TestSqrtNet: the unrolled square root the kernels emit gives iir.Sqrt
// bit for bit in Icarus, for signed inputs of 1 to 48 bits (odd and even
// widths): every value up to 10 bits, and the extremes, squares and
// their neighbours and random values of the wide ones.
func TestSqrtNet(t *testing.T) {
	if _, err := exec.LookPath("iverilog"); err != nil {
		t.Fatal("TestSqrtNet needs iverilog: apt-get install -y iverilog")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	b.WriteString("module tb;\n")
	var cases []struct {
		w int
		x int64
	}
	for w := 1; w <= 48; w++ {
		top := int64(1)<<uint(w-1) - 1 // the largest positive value
		var xs []int64
		if w <= 10 {
			for x := -top - 1; x <= top; x++ {
				xs = append(xs, x)
			}
		} else {
			xs = append(xs, -top-1, -1, 0, 1, top, top-1)
			for range 60 {
				r := rng.Int64N(iir.Sqrt(top) + 1)
				xs = append(xs, r*r, max(r*r-1, 0), min(r*r+1, top), rng.Int64N(top+1))
			}
		}
		g := &kgen{b: &b}
		in := fmt.Sprintf("x%d", w)
		fmt.Fprintf(&b, "    reg signed [%d:0] %s;\n", w-1, in)
		out := g.sqrt(fmt.Sprintf("s%d", w), w, sig{in, w})
		fmt.Fprintf(&b, "    initial begin\n        #%d;\n", w*100000)
		for k, x := range xs {
			fmt.Fprintf(&b, "        %s = %s; #1 $display(\"%d %%0d\", %s);\n", in, lit(x, w), len(cases)+k, out.name)
		}
		b.WriteString("    end\n")
		for _, x := range xs {
			cases = append(cases, struct {
				w int
				x int64
			}{w, x})
		}
	}
	b.WriteString("endmodule\n")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tb.v"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][]string{{"iverilog", "-g2005", "-o", "sim", "tb.v"}, {"vvp", "-n", "sim"}} {
		cmd := exec.Command(c[0], c[1:]...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(c, " "), err, out)
		}
		if c[0] != "vvp" {
			continue
		}
		seen := 0
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 2 {
				continue
			}
			k, _ := strconv.Atoi(f[0])
			got, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || k >= len(cases) {
				t.Fatalf("bad line %q", sc.Text())
			}
			if want := iir.Sqrt(cases[k].x); got != want {
				t.Fatalf("%d-bit sqrt(%d): Verilog %d, iir.Sqrt %d", cases[k].w, cases[k].x, got, want)
			}
			seen++
		}
		if seen != len(cases) {
			t.Fatalf("%d results for %d cases", seen, len(cases))
		}
		t.Logf("%d square roots identical", seen)
	}
}
