// Package convgeom is the geometry of the convolution and pooling
// connectors (conv1d, conv2d, pool2d): checked at check time by lang and
// expanded at run time by runtime, with one definition.
package convgeom

import "fmt"

// Spec is a connector's parameters (see rt.ConnSpec).
type Spec struct {
	Kind                                     string
	Kernel, Input, Stride, Padding, Dilation []int
	Groups                                   int
}

// Geometry is a convolution's or pooling's shapes, 1-D ones as 2-D
// with height 1.
type Geometry struct {
	Cin, Cout, Groups int
	H, W, Ho, Wo      int
	Kh, Kw            int
	Sh, Sw, Ph, Pw    int
	Dh, Dw            int
}

// OutSize is PyTorch's output length: floor((L + 2p - d(k-1) - 1)/s) + 1.
func OutSize(l, k, s, p, d int) int {
	n := l + 2*p - d*(k-1) - 1
	if n < 0 {
		return 0
	}
	return n/s + 1
}

// axes2 reads a list parameter of one (1-D) or two (2-D) entries; an
// absent one is def on every axis. A 1-D convolution is a 2-D one of
// height 1, whose height axis takes the neutral value (stride and
// dilation 1, padding 0).
func axes2(v []int, dims int, def, neutral int, name string) (int, int, error) {
	switch {
	case len(v) == 0 && dims == 1:
		return neutral, def, nil
	case len(v) == 0:
		return def, def, nil
	case len(v) != dims:
		return 0, 0, fmt.Errorf("%s needs %d value(s), got %v", name, dims, v)
	case dims == 1:
		return neutral, v[0], nil
	}
	return v[0], v[1], nil
}

// Of returns the geometry of a conv1d, conv2d or pool2d spec between
// npre and npost neurons, or an error naming the parameter that does not fit.
func Of(spec Spec, npre, npost int) (Geometry, error) {
	g, err := Out(spec, npre)
	if err != nil {
		return g, err
	}
	if want := g.Cout * g.Ho * g.Wo; npost != want {
		out := fmt.Sprintf("[%d, %d, %d]", g.Cout, g.Ho, g.Wo)
		if spec.Kind == "conv1d" {
			out = fmt.Sprintf("[%d, %d]", g.Cout, g.Wo)
		}
		return g, fmt.Errorf("%s: the target has %d neurons, but the output is %s = %d", spec.Kind, npost, out, want)
	}
	return g, nil
}

// Out is the geometry of a spec on npre neurons, the output size
// included, or an error naming the parameter that does not fit.
func Out(spec Spec, npre int) (Geometry, error) {
	var g Geometry
	dims := 2
	if spec.Kind == "conv1d" {
		dims = 1
	}
	kind := spec.Kind
	var err error
	if len(spec.Input) != dims {
		return g, fmt.Errorf("%s: input needs the %d spatial size(s) of the source, got %v", kind, dims, spec.Input)
	}
	g.H, g.W = 1, spec.Input[0]
	if dims == 2 {
		g.H, g.W = spec.Input[0], spec.Input[1]
	}
	if g.Sh, g.Sw, err = axes2(spec.Stride, dims, 0, 1, "stride"); err != nil {
		return g, fmt.Errorf("%s: %v", kind, err)
	}
	if g.Ph, g.Pw, err = axes2(spec.Padding, dims, 0, 0, "padding"); err != nil {
		return g, fmt.Errorf("%s: %v", kind, err)
	}
	if g.Dh, g.Dw, err = axes2(spec.Dilation, dims, 1, 1, "dilation"); err != nil {
		return g, fmt.Errorf("%s: %v", kind, err)
	}
	g.Groups = max(spec.Groups, 1)
	if kind == "pool2d" {
		if len(spec.Kernel) != 2 {
			return g, fmt.Errorf("pool2d: kernel needs 2 values (height, width), got %v", spec.Kernel)
		}
		g.Kh, g.Kw = spec.Kernel[0], spec.Kernel[1]
		if g.H*g.W <= 0 || npre%(g.H*g.W) != 0 {
			return g, fmt.Errorf("pool2d: the source has %d neurons, not a multiple of input %v", npre, spec.Input)
		}
		g.Cin = npre / (g.H * g.W)
		g.Cout, g.Groups = g.Cin, g.Cin
		if g.Dh != 1 || g.Dw != 1 || len(spec.Dilation) > 0 {
			return g, fmt.Errorf("pool2d takes no dilation")
		}
	} else {
		if len(spec.Kernel) != dims+2 {
			return g, fmt.Errorf("%s: kernel needs %d values [out channels, in channels / groups, size...], got %v", kind, dims+2, spec.Kernel)
		}
		g.Cout, g.Cin = spec.Kernel[0], spec.Kernel[1]*g.Groups
		g.Kh, g.Kw = 1, spec.Kernel[dims+1]
		if dims == 2 {
			g.Kh = spec.Kernel[2]
		}
		if g.Cout%g.Groups != 0 {
			return g, fmt.Errorf("%s: %d output channels are not divisible by groups = %d", kind, g.Cout, g.Groups)
		}
	}
	if len(spec.Stride) == 0 { // stride defaults to 1, pooling's to the kernel
		g.Sh, g.Sw = 1, 1
		if kind == "pool2d" {
			g.Sh, g.Sw = g.Kh, g.Kw
		}
	}
	for _, v := range []struct {
		name string
		x    int
		min  int
	}{{"kernel", min(g.Kh, g.Kw, g.Cout, g.Cin), 1}, {"stride", min(g.Sh, g.Sw), 1}, {"padding", min(g.Ph, g.Pw), 0}, {"dilation", min(g.Dh, g.Dw), 1}, {"input", min(g.H, g.W), 1}} {
		if v.x < v.min {
			return g, fmt.Errorf("%s: %s must be >= %d", kind, v.name, v.min)
		}
	}
	g.Ho, g.Wo = OutSize(g.H, g.Kh, g.Sh, g.Ph, g.Dh), OutSize(g.W, g.Kw, g.Sw, g.Pw, g.Dw)
	if dims == 1 {
		g.Ho = 1
	}
	if g.Ho <= 0 || g.Wo <= 0 {
		return g, fmt.Errorf("%s: the kernel does not fit in the padded input %v", kind, spec.Input)
	}
	if want := g.Cin * g.H * g.W; npre != want {
		return g, fmt.Errorf("%s: the source has %d neurons, but %d channels of %v make %d", kind, npre, g.Cin, spec.Input, want)
	}
	return g, nil
}

// Weighted reports whether a connector kind gives each synapse its own
// weight factor (rt.CSR.W), times the projection's constant weight:
// matrix, conv1d and conv2d (pool2d's are all 1).
func Weighted(kind string) bool {
	return kind == "matrix" || kind == "conv2d" || kind == "conv1d"
}
