package gocode

import (
	"fmt"
	"strconv"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/plan"
)

// stmtGen writes kernel statements (resets, ports, synaptic handlers).
type stmtGen struct {
	g       *gen
	f       *fnb
	en      *env
	target  func(v *ir.Var) (string, error)
	refract func(steps string) string        // nil: no refractory statement here
	deliver func(value code) (string, error) // nil: no deliver statement here
	// refractory is the Go condition "this neuron is refractory", under
	// which a Held assignment (ir.Assign) is skipped ("": none here).
	refractory string
}

func (sc *stmtGen) stmts(ss []ir.Stmt) error {
	for _, s := range ss {
		if err := sc.stmt(s); err != nil {
			return err
		}
	}
	return nil
}

func stmtPos(s ir.Stmt) (string, int) {
	switch s := s.(type) {
	case *ir.Assign:
		return s.Pos.Pos.File, s.Pos.Pos.Line
	case *ir.Refractory:
		return s.Pos.Pos.File, s.Pos.Pos.Line
	case *ir.Deliver:
		return s.Pos.Pos.File, s.Pos.Pos.Line
	case *ir.If:
		return s.Pos.Pos.File, s.Pos.Pos.Line
	}
	return "", 0
}

func (sc *stmtGen) stmt(s ir.Stmt) error {
	f := sc.f
	file, line := stmtPos(s)
	back := sc.g.lineTo(&f.buf, file, line)
	defer back()
	switch s := s.(type) {
	case *ir.Assign:
		v, err := sc.en.num(s.Value)
		if err != nil {
			return err
		}
		lhs, err := sc.target(s.Var)
		if err != nil {
			return err
		}
		if s.Held {
			if sc.refractory == "" {
				return fmt.Errorf("%s is held while refractory outside a neuron's port", s.Var.Name)
			}
			f.line("if !(%s) { // dropped while refractory", sc.refractory)
			defer f.line("}")
		}
		switch s.Op {
		case "=", "*=", "/=":
			f.line("%s %s %s", lhs, s.Op, v.s)
		case "+=", "-=":
			// the interpreter computes the value, then adds it
			f.line("%s %s %s", lhs, s.Op, operand(v, precAdd, true))
		default:
			return fmt.Errorf("unknown assignment %s", s.Op)
		}
	case *ir.Refractory:
		if sc.refract == nil {
			// the interpreter compiles the duration first
			if _, err := sc.en.num(s.Duration); err != nil {
				return err
			}
			return fmt.Errorf("refractory outside a neuron's reset")
		}
		steps := ""
		if d, ok := constValue(false, s.Duration); ok {
			steps = strconv.Itoa(plan.RefractorySteps(d, sc.g.p.Schedule.Dt))
		} else {
			d, err := sc.en.num(s.Duration)
			if err != nil {
				return err
			}
			// plan.RefractorySteps at run time
			shift := strconv.FormatFloat(plan.RefractoryShift(sc.g.p.Schedule.Dt), 'g', -1, 64)
			steps = "int((" + operand(d, precAdd, true) + " + " + shift + ") / dt)"
		}
		f.line("%s", sc.refract(steps))
	case *ir.Deliver:
		v, err := sc.en.num(s.Value)
		if err != nil {
			return err
		}
		if sc.deliver == nil {
			return fmt.Errorf("deliver outside a synapse's on_pre")
		}
		code, err := sc.deliver(v)
		if err != nil {
			return err
		}
		f.line("%s", code)
	case *ir.If:
		c, err := sc.en.cond(s.Cond)
		if err != nil {
			return err
		}
		f.line("if %s {", c.s)
		if err := sc.stmts(s.Then); err != nil {
			return err
		}
		if len(s.Else) > 0 {
			f.line("} else {")
			if err := sc.stmts(s.Else); err != nil {
				return err
			}
		}
		f.line("}")
	default:
		return fmt.Errorf("cannot compile statement %T", s)
	}
	return nil
}
