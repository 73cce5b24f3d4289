package main

import (
	"fmt"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/engine"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
)

// runFixed runs q, the integer program of p, bit-accurately, then the
// float64 interpreter for the same duration, and reports the quantization
// error between the two.
func runFixed(p *ir.Program, q *iir.Program, o engine.Options) (*fixed.Result, error) {
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
