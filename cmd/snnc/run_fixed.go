package main

import (
	"fmt"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/ir"
)

// runFixed runs p bit-accurately for the fixed-point profile target, then
// the float64 interpreter for the same duration, and reports the
// quantization error between the two.
func runFixed(p *ir.Program, target string, o engine.Options) (*fixed.Result, error) {
	prof, err := fixed.LoadProfile(target)
	if err != nil {
		return nil, err
	}
	q, diags := fixed.For(p, prof)
	if q == nil {
		return nil, diags
	}
	res, err := fixed.Run(p, q, o)
	if err != nil || res.Interrupted {
		return res, err
	}
	fo := o
	fo.Progress = nil
	fo.Duration = res.Summary.Duration
	fres, err := gosim.Run(p, fo)
	if err != nil {
		return res, fmt.Errorf("the float64 run to compare with: %w", err)
	}
	res.Compare(&fres.Result)
	return res, nil
}
