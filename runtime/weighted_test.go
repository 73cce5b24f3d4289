package rt

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// apply computes y = the connectivity applied to x (each synapse adds
// W·x[pre], or x[pre] without W).
func apply(c *CSR, x []float64) []float64 {
	y := make([]float64, c.NPost)
	for i := 0; i < c.NPre; i++ {
		for s := c.RowPtr[i]; s < c.RowPtr[i+1]; s++ {
			w := 1.0
			if c.W != nil {
				w = c.W[s]
			}
			y[c.Col[s]] += w * x[i]
		}
	}
	return y
}

func writeValues(t *testing.T, v []float64) string {
	var b strings.Builder
	for i, x := range v {
		fmt.Fprintf(&b, "%v", x)
		if i%7 == 6 {
			b.WriteString("\n")
		} else {
			b.WriteString(", ")
		}
	}
	p := filepath.Join(t.TempDir(), "k.csv")
	if err := os.WriteFile(p, []byte(strings.TrimSuffix(b.String(), ", ")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConv2dMatchesDefinition: conv2d's synapses compute PyTorch's
// cross-correlation y[o,i,j] = Σ W[o,c,u,v]·x[c, i·s+u·d−p, j·s+v·d−p]
// (zero padding, grouped channels) for every stride, padding, dilation
// and groups tried.
func TestConv2dMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ cin, cout, groups, h, w, kh, kw, sh, sw, ph, pw, dh, dw int }{
		{2, 3, 1, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1},
		{2, 4, 2, 7, 7, 3, 2, 2, 1, 0, 1, 1, 2},
		{1, 2, 1, 9, 4, 5, 1, 3, 1, 2, 0, 1, 1},
		{4, 4, 4, 5, 5, 3, 3, 1, 2, 1, 1, 2, 1},
	} {
		name := fmt.Sprintf("%+v", tc)
		ho := outSize(tc.h, tc.kh, tc.sh, tc.ph, tc.dh)
		wo := outSize(tc.w, tc.kw, tc.sw, tc.pw, tc.dw)
		cinG := tc.cin / tc.groups
		kern := make([]float64, tc.cout*cinG*tc.kh*tc.kw)
		for i := range kern {
			kern[i] = math.Round(rng.NormFloat64()*100) / 100
		}
		spec := ConnSpec{Kind: "conv2d", File: writeValues(t, kern), Kernel: []int{tc.cout, cinG, tc.kh, tc.kw}, Input: []int{tc.h, tc.w},
			Stride: []int{tc.sh, tc.sw}, Padding: []int{tc.ph, tc.pw}, Dilation: []int{tc.dh, tc.dw}, Groups: tc.groups}
		pre, post := Geometry{N: tc.cin * tc.h * tc.w}, Geometry{N: tc.cout * ho * wo}
		c, err := Connect(spec, pre, post, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := EstimateSynapses(spec, pre, post); n < float64(c.NumSynapses()) {
			t.Errorf("%s: estimate %v below the %d synapses", name, n, c.NumSynapses())
		}
		x := make([]float64, pre.N)
		for i := range x {
			x[i] = rng.Float64()
		}
		got := apply(c, x)
		for o := 0; o < tc.cout; o++ {
			for i := 0; i < ho; i++ {
				for j := 0; j < wo; j++ {
					want := 0.0
					g := o / (tc.cout / tc.groups)
					for cc := 0; cc < cinG; cc++ {
						for u := 0; u < tc.kh; u++ {
							for v := 0; v < tc.kw; v++ {
								y, xx := i*tc.sh+u*tc.dh-tc.ph, j*tc.sw+v*tc.dw-tc.pw
								if y >= 0 && y < tc.h && xx >= 0 && xx < tc.w {
									want += kern[((o*cinG+cc)*tc.kh+u)*tc.kw+v] * x[((g*cinG+cc)*tc.h+y)*tc.w+xx]
								}
							}
						}
					}
					if k := (o*ho+i)*wo + j; math.Abs(got[k]-want) > 1e-12 {
						t.Fatalf("%s: y[%d,%d,%d] = %v, want %v", name, o, i, j, got[k], want)
					}
				}
			}
		}
	}
}

func outSize(l, k, s, p, d int) int { return (l+2*p-d*(k-1)-1)/s + 1 }

// TestPool2dSums: pool2d sums each window (weight factors absent: 1).
func TestPool2dSums(t *testing.T) {
	spec := ConnSpec{Kind: "pool2d", Kernel: []int{2, 2}, Input: []int{4, 6}}
	c, err := Connect(spec, Geometry{N: 2 * 4 * 6}, Geometry{N: 2 * 2 * 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.W != nil {
		t.Fatal("pool2d has weight factors")
	}
	x := make([]float64, 48)
	for i := range x {
		x[i] = float64(i)
	}
	y := apply(c, x)
	// channel 1, window (1, 2): rows 2..3, columns 4..5 of the second 4x6 map
	want := x[24+2*6+4] + x[24+2*6+5] + x[24+3*6+4] + x[24+3*6+5]
	if y[6+1*3+2] != want {
		t.Errorf("y = %v, want %v at [1,1,2]", y, want)
	}
}

// TestMatrixConnector: rows are targets, columns sources; zeros make no
// synapse; a wrong shape names the file and line.
func TestMatrixConnector(t *testing.T) {
	p := filepath.Join(t.TempDir(), "w.csv")
	os.WriteFile(p, []byte("# weights\n1, 0, -2\n0.5, 0, 0\n"), 0o644)
	c, err := Connect(ConnSpec{Kind: "matrix", File: p}, Geometry{N: 3}, Geometry{N: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.NumSynapses() != 3 {
		t.Errorf("%d synapses, want 3", c.NumSynapses())
	}
	if y := apply(c, []float64{1, 10, 100}); y[0] != -199 || y[1] != 0.5 {
		t.Errorf("y = %v", y)
	}
	_, err = Connect(ConnSpec{Kind: "matrix", File: p}, Geometry{N: 4}, Geometry{N: 2}, nil)
	if err == nil || !strings.Contains(err.Error(), "w.csv:2: 3 values, but the source has 4 neurons") {
		t.Errorf("got %v", err)
	}
	if m, err := MaxAbsWeight(ConnSpec{Kind: "matrix", File: p}, Geometry{N: 3}, Geometry{N: 2}); err != nil || m != 2 {
		t.Errorf("MaxAbsWeight = %v, %v", m, err)
	}
}

// TestConv1dMatchesDefinition: conv1d is PyTorch's 1-D cross-correlation
// (padding and dilation along the one axis only).
func TestConv1dMatchesDefinition(t *testing.T) {
	cin, cout, l, k, s, p, d := 2, 3, 9, 3, 2, 2, 2
	kern := make([]float64, cout*cin*k)
	for i := range kern {
		kern[i] = float64(i%5) - 2
	}
	for _, stride := range [][]int{{s}, nil} {
		ss := s
		if stride == nil {
			ss = 1
		}
		lo := outSize(l, k, ss, p, d)
		spec := ConnSpec{Kind: "conv1d", File: writeValues(t, kern), Kernel: []int{cout, cin, k}, Input: []int{l}, Stride: stride, Padding: []int{p}, Dilation: []int{d}}
		c, err := Connect(spec, Geometry{N: cin * l}, Geometry{N: cout * lo}, nil)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, cin*l)
		for i := range x {
			x[i] = float64(i + 1)
		}
		got := apply(c, x)
		for o := 0; o < cout; o++ {
			for j := 0; j < lo; j++ {
				want := 0.0
				for ci := 0; ci < cin; ci++ {
					for v := 0; v < k; v++ {
						if xx := j*ss + v*d - p; xx >= 0 && xx < l {
							want += kern[(o*cin+ci)*k+v] * x[ci*l+xx]
						}
					}
				}
				if got[o*lo+j] != want {
					t.Fatalf("stride %v: y[%d,%d] = %v, want %v", stride, o, j, got[o*lo+j], want)
				}
			}
		}
	}
}
