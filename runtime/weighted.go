package rt

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/snnc/snnc/internal/convgeom"
)

// Connectors that carry a weight per synapse (CSR.W): matrix (a dense
// weight matrix file, as NIR's Linear), conv2d/conv1d (a kernel shared by
// every output position, PyTorch's cross-correlation) and pool2d (sum
// pooling, every weight 1). Each synapse's weight is W times the
// projection's `weight`. They are expanded here, once, for every backend.

// Weighted reports whether a connector kind gives each synapse a weight.
func Weighted(kind string) bool { return convgeom.Weighted(kind) }

// WeightsOf is the per-synapse weight factors of stored connectivity (nil
// when its connector gives none).
func WeightsOf(c *CSR, r *Rows) []float64 {
	switch {
	case c != nil:
		return c.W
	case r != nil:
		return r.W
	}
	return nil
}

// ScaleWeights is the synapses' weights of a weighted connector: each
// factor times the projection's constant weight w.
func ScaleWeights(factors []float64, w float64) []float64 {
	out := make([]float64, len(factors))
	for i, f := range factors {
		out[i] = f * w
	}
	return out
}

// readNumbers reads the numbers of a CSV file row by row ('#' comments,
// blank lines skipped), for weight matrices and kernels.
func readNumbers(path string) (rows [][]float64, lines []int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		text := stripComment(sc.Text())
		if text == "" {
			continue
		}
		var row []float64
		for _, fld := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			v, err := strconv.ParseFloat(fld, 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s:%d: %q is not a number", path, line, fld)
			}
			row = append(row, v)
		}
		rows = append(rows, row)
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s:%d: %v", path, line+1, err)
	}
	return rows, lines, nil
}

// ReadMatrix reads a weight matrix file: one line per postsynaptic neuron,
// one column per presynaptic neuron (PyTorch's weight layout).
func ReadMatrix(path string, npre, npost int) ([][]float64, error) {
	rows, lines, err := readNumbers(path)
	if err != nil {
		return nil, err
	}
	if len(rows) != npost {
		return nil, fmt.Errorf("%s: %d rows, but the target has %d neurons (one row per target neuron)", path, len(rows), npost)
	}
	for k, r := range rows {
		if len(r) != npre {
			return nil, fmt.Errorf("%s:%d: %d values, but the source has %d neurons (one column per source neuron)", path, lines[k], len(r), npre)
		}
	}
	return rows, nil
}

// ReadKernel reads a convolution kernel file: the values of the kernel
// [Cout, Cin/groups, (Kh,) Kw] in row-major order, any number per line.
func ReadKernel(path string, shape []int) ([]float64, error) {
	rows, _, err := readNumbers(path)
	if err != nil {
		return nil, err
	}
	var all []float64
	for _, r := range rows {
		all = append(all, r...)
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	if len(all) != n {
		return nil, fmt.Errorf("%s: %d values, but the kernel %v has %d", path, len(all), shape, n)
	}
	return all, nil
}

// MaxAbsWeight is the largest |W| a weighted connector gives (0 for the
// others), read from its file: the fixed-point profiles size the weight
// format with it.
func MaxAbsWeight(spec ConnSpec, pre, post Geometry) (float64, error) {
	var vals []float64
	switch spec.Kind {
	case "matrix":
		rows, err := ReadMatrix(spec.File, pre.N, post.N)
		if err != nil {
			return 0, err
		}
		for _, r := range rows {
			vals = append(vals, r...)
		}
	case "conv2d", "conv1d":
		k, err := ReadKernel(spec.File, spec.Kernel)
		if err != nil {
			return 0, err
		}
		vals = k
	}
	m := 0.0
	for _, v := range vals {
		m = max(m, abs(v))
	}
	return m, nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Conv returns the geometry of a conv1d, conv2d or pool2d spec between
// pre and post, or an error naming the parameter that does not fit.
func Conv(spec ConnSpec, pre, post Geometry) (convgeom.Geometry, error) {
	return convgeom.Of(convgeom.Spec{Kind: spec.Kind, Kernel: spec.Kernel, Input: spec.Input, Stride: spec.Stride,
		Padding: spec.Padding, Dilation: spec.Dilation, Groups: spec.Groups}, pre.N, post.N)
}

// connectWeighted builds a weighted connector's CSR with W, reading its
// file.
func connectWeighted(spec ConnSpec, pre, post Geometry) (*CSR, error) {
	if spec.Kind == "matrix" {
		m, err := ReadMatrix(spec.File, pre.N, post.N)
		if err != nil {
			return nil, err
		}
		rows := make([][]syn, pre.N)
		for j, r := range m {
			for i, w := range r {
				if w != 0 && !(spec.ExceptSelf && i == j) { // a zero entry is no synapse
					rows[i] = append(rows[i], syn{int32(j), w})
				}
			}
		}
		return fromRows(rows, pre.N, post.N, true), nil
	}
	var kern []float64
	if spec.Kind != "pool2d" {
		var err error
		if kern, err = ReadKernel(spec.File, spec.Kernel); err != nil {
			return nil, err
		}
	}
	return ConvCSR(spec, kern, pre, post)
}

type syn struct {
	col int32
	w   float64
}

// fromRows is the CSR of per-row synapse lists (sorted here by target).
func fromRows(rows [][]syn, npre, npost int, weighted bool) *CSR {
	c := &CSR{NPre: npre, NPost: npost, RowPtr: make([]int64, npre+1)}
	for i, r := range rows {
		c.RowPtr[i+1] = c.RowPtr[i] + int64(len(r))
	}
	c.Col = make([]int32, c.RowPtr[npre])
	if weighted {
		c.W = make([]float64, len(c.Col))
	}
	for i, r := range rows {
		slices.SortStableFunc(r, func(a, b syn) int { return int(a.col) - int(b.col) })
		for k, s := range r {
			c.Col[c.RowPtr[i]+int64(k)] = s.col
			if c.W != nil {
				c.W[c.RowPtr[i]+int64(k)] = s.w
			}
		}
	}
	return c
}

// ConvCSR expands a conv1d, conv2d (kern: the kernel's values, row-major)
// or pool2d (kern nil, weights 1) between pre and post: output (o, i, j)
// reads input (c, i·s + u·d − p, j·s + v·d − p) of its group's channels,
// PyTorch's cross-correlation with zero padding. snnc import applies NIR's
// Conv and pooling nodes with it too.
func ConvCSR(spec ConnSpec, kern []float64, pre, post Geometry) (*CSR, error) {
	g, err := Conv(spec, pre, post)
	if err != nil {
		return nil, err
	}
	rows := make([][]syn, pre.N)
	pool := spec.Kind == "pool2d"
	cinG, coutG := g.Cin/g.Groups, g.Cout/g.Groups
	if pool {
		cinG, coutG = 1, 1 // each channel pools itself
	}
	if !pool && len(kern) != g.Cout*cinG*g.Kh*g.Kw {
		return nil, fmt.Errorf("%s: %d kernel values for the kernel %v", spec.Kind, len(kern), spec.Kernel)
	}
	for o := 0; o < g.Cout; o++ {
		for i := 0; i < g.Ho; i++ {
			for j := 0; j < g.Wo; j++ {
				post := int32((o*g.Ho+i)*g.Wo + j)
				for cc := 0; cc < cinG; cc++ {
					c := (o/coutG)*cinG + cc
					for u := 0; u < g.Kh; u++ {
						y := i*g.Sh + u*g.Dh - g.Ph
						if y < 0 || y >= g.H {
							continue
						}
						for v := 0; v < g.Kw; v++ {
							x := j*g.Sw + v*g.Dw - g.Pw
							if x < 0 || x >= g.W {
								continue
							}
							w := 1.0
							if !pool {
								w = kern[((o*cinG+cc)*g.Kh+u)*g.Kw+v]
							}
							pre := (c*g.H+y)*g.W + x
							rows[pre] = append(rows[pre], syn{post, w})
						}
					}
				}
			}
		}
	}
	return fromRows(rows, pre.N, post.N, !pool), nil
}

// estimateWeighted is the synapse count of a weighted connector or pool2d
// (an upper bound for matrix: zero entries make none).
func estimateWeighted(spec ConnSpec, pre, post Geometry) float64 {
	if spec.Kind == "matrix" {
		return float64(pre.N) * float64(post.N)
	}
	g, err := Conv(spec, pre, post)
	if err != nil {
		return 0
	}
	return float64(post.N) * float64(g.Cin/g.Groups) * float64(g.Kh*g.Kw)
}
