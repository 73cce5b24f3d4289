package plan

import (
	"fmt"
	"math"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/runtime"
)

// InputRate lowers the rate of a poisson input once, for every executor:
// a constant, one rate per source (a list, or an expression of the source
// index i alone, evaluated here), an expression of t (and i) evaluated by
// the runtime at each step, or a file the executor loads with
// rt.LoadRates.
func InputRate(in *ir.Input) (rt.Rate, error) {
	if f, ok := in.Str["rate"]; ok {
		return rt.Rate{File: f}, nil
	}
	if l, ok := in.Lists["rate"]; ok {
		return rt.Rate{PerSource: l}, nil
	}
	e, ok := in.Exprs["rate"]
	if !ok {
		return rt.Rate{Hz: in.Num["rate"]}, nil
	}
	var ops []rt.RateOp
	var err error
	if ops, err = rateOps(ops, e); err != nil {
		return rt.Rate{}, fmt.Errorf("input %s: rate %s: %w", in.Name, ir.ExprString(e), err)
	}
	reads := map[string]bool{}
	for _, op := range ops {
		reads["t"] = reads["t"] || op.Code == rt.RTime
		reads["i"] = reads["i"] || op.Code == rt.RIndex
	}
	r := rt.Rate{Expr: ops, PerI: reads["i"]}
	if reads["t"] {
		return r, nil
	}
	// static: one rate per source, checked here
	per := make([]float64, in.Size)
	for i := range per {
		per[i] = rt.EvalRate(ops, 0, i)
		if !(per[i] >= 0) || math.IsInf(per[i], 0) {
			return rt.Rate{}, fmt.Errorf("input %s: the rate of source %d is %g Hz; rates must be finite and >= 0", in.Name, i, per[i])
		}
	}
	return rt.Rate{PerSource: per}, nil
}

// InputCurrent is a current_step input's current (its amplitude a
// constant or an expression of t), lowered once for every executor.
func InputCurrent(in *ir.Input) (rt.CurrentStep, error) {
	c := rt.CurrentStep{Amplitude: in.Num["amplitude"], Start: in.Num["start"], Stop: in.Num["stop"]}
	if e, ok := in.Exprs["amplitude"]; ok {
		var err error
		if c.Expr, err = rateOps(nil, e); err != nil {
			return c, fmt.Errorf("input %s: amplitude %s: %w", in.Name, ir.ExprString(e), err)
		}
	}
	return c, nil
}

// rateOps appends e in postfix order.
func rateOps(ops []rt.RateOp, e ir.Expr) ([]rt.RateOp, error) {
	var err error
	switch x := e.(type) {
	case *ir.Const:
		return append(ops, rt.RateOp{Code: rt.RConst, K: x.V}), nil
	case *ir.BoolConst:
		return append(ops, rt.RateOp{Code: rt.RConst, K: b2f(x.V)}), nil
	case *ir.Time:
		return append(ops, rt.RateOp{Code: rt.RTime}), nil
	case *ir.Index:
		return append(ops, rt.RateOp{Code: rt.RIndex}), nil
	case *ir.Unary:
		if ops, err = rateOps(ops, x.X); err != nil {
			return nil, err
		}
		return append(ops, rt.RateOp{Code: rt.RUnary, Fn: x.Op}), nil
	case *ir.Binary:
		if ops, err = rateOps(ops, x.X); err != nil {
			return nil, err
		}
		if ops, err = rateOps(ops, x.Y); err != nil {
			return nil, err
		}
		return append(ops, rt.RateOp{Code: rt.RBinary, Fn: x.Op}), nil
	case *ir.Cond:
		for _, y := range []ir.Expr{x.C, x.A, x.B} {
			if ops, err = rateOps(ops, y); err != nil {
				return nil, err
			}
		}
		return append(ops, rt.RateOp{Code: rt.RSelect}), nil
	case *ir.Call:
		if err := checkCall(x.Fn, len(x.Args)); err != nil {
			return nil, err
		}
		for _, y := range x.Args {
			if ops, err = rateOps(ops, y); err != nil {
				return nil, err
			}
		}
		return append(ops, rt.RateOp{Code: rt.RCall, K: float64(len(x.Args)), Fn: x.Fn}), nil
	}
	return nil, fmt.Errorf("cannot be computed at run time (%T)", e)
}

// rateForm says how a rate is computed, for Print.
func rateForm(r *rt.Rate) string {
	switch {
	case r.File != "":
		return "rates from " + r.File
	case r.Expr != nil && r.PerI:
		return "counts, rate of t and i"
	case r.Expr != nil:
		return "counts, rate of t"
	case r.PerSource != nil:
		return "counts, a rate per source"
	}
	return fmt.Sprintf("counts, %g Hz", r.Hz)
}
