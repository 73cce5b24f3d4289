package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/snnc/snnc/ir"
)

// Which hand-written vector kernels a loop matches. The interpreter fuses
// the last operations of an Euler right side into the step's loop when the
// expression has one of the shapes conductance-based membranes are made
// of; these mirror its vector compiler's shapes (gosim vector.go).

// vshape is the fusable shape of an expression: k - x ('-'), k * x ('*'),
// -x ('n'), y * (k - x) ('m'), c * (k - x) ('q'), a + y*(k - x) ('A'),
// c*(k - x) + y*(k2 - z) ('P'), x * k ('c') or (-x) * k ('N'), 0 for none.
type vshape struct {
	shape   byte
	isConst bool
	ref     *ir.Var   // the expression is a bare variable
	refs    []*ir.Var // the variables the fused loop reads directly
	xn      *vshape   // 'c': its x operand; 'A': its a operand
}

func shapeOf(e ir.Expr) vshape {
	switch x := e.(type) {
	case *ir.Const, *ir.BoolConst:
		return vshape{isConst: true}
	case *ir.Ref:
		if x.Var.Kind == ir.Param {
			return shapeOf(x.Var.Value)
		}
		if x.Var.Kind == ir.Alias && x.Side == ir.Own {
			return shapeOf(x.Var.Value)
		}
		return vshape{ref: x.Var}
	case *ir.Unary:
		a := shapeOf(x.X)
		if a.isConst {
			return vshape{isConst: true}
		}
		if x.Op != "not" {
			return vshape{shape: 'n', refs: []*ir.Var{a.ref}}
		}
	case *ir.Binary:
		a, b := shapeOf(x.X), shapeOf(x.Y)
		if a.isConst && b.isConst {
			return vshape{isConst: true}
		}
		op := x.Op
		switch {
		case op == "+" && a.shape == 'q' && b.shape == 'm':
			return vshape{shape: 'P', refs: []*ir.Var{a.refs[0], b.refs[1], b.refs[0]}}
		case op == "+" && b.shape == 'm' && !a.isConst:
			return vshape{shape: 'A', refs: []*ir.Var{a.ref, b.refs[0], b.refs[1]}, xn: &a}
		case op == "+" && a.shape == 'm' && !b.isConst,
			op == "*" && a.shape == '-' && !b.isConst:
			return vshape{}
		case op == "*" && b.shape == '-' && !a.isConst:
			return vshape{shape: 'm', refs: []*ir.Var{b.refs[0], a.ref}} // x, y
		case op == "*" && b.shape == '-' && a.isConst:
			return vshape{shape: 'q', refs: []*ir.Var{b.refs[0]}}
		case op == "*" && a.shape == 'n' && b.isConst:
			return vshape{shape: 'N', refs: []*ir.Var{a.refs[0]}}
		case op == "+" && (a.shape == '*' && !b.isConst || b.shape == '*' && !a.isConst):
			return vshape{}
		}
		switch {
		case !b.isConst && a.isConst && (op == "-" || op == "*"):
			return vshape{shape: op[0], refs: []*ir.Var{b.ref}}
		case !a.isConst && b.isConst && op == "*":
			return vshape{shape: 'c', refs: []*ir.Var{a.ref}, xn: &a}
		}
	}
	return vshape{}
}

// eulerKernels names the Euler step kernel of each variable: eulerQMM,
// eulerAddM, eulerScaled (the right side's last operations in the step's
// loop) or euler.
func eulerKernels(sys *ir.System) string {
	// the step's loop may read only variables that have not moved yet
	unmoved := func(j int, refs ...*ir.Var) bool {
		for _, v := range refs {
			if k := slices.Index(sys.Vars, v); v != nil && k >= 0 && k < j {
				return false
			}
		}
		return true
	}
	var out []string
	for j, o := range sys.ODEs {
		if len(o.Noise) > 0 {
			out = append(out, "none "+sys.Vars[j].Name) // x + dt·f + noise: no kernel has that shape
			continue
		}
		rhs := o.Rhs
		for r, ok := rhs.(*ir.Ref); ok && r.Var.Kind == ir.Alias && r.Side == ir.Own; r, ok = rhs.(*ir.Ref) {
			rhs = r.Var.Value
		}
		_, isRef := rhs.(*ir.Ref)
		n := shapeOf(rhs)
		name := "euler"
		switch {
		case isRef || len(sys.ODEs) > 8:
		case n.shape == 'c' && n.xn.shape == 'A' && n.xn.xn.shape == 'P' &&
			unmoved(j, append(slices.Clone(n.xn.refs[1:]), n.xn.xn.refs...)...):
			name = "eulerQMM"
		case n.shape == 'c' && n.xn.shape == 'A' && unmoved(j, n.xn.refs...):
			name = "eulerAddM"
		case (n.shape == 'c' || n.shape == 'N') && unmoved(j, n.refs...):
			name = "eulerScaled"
		}
		out = append(out, name+" "+sys.Vars[j].Name)
	}
	return strings.Join(out, "; ")
}

// lifKernel reports whether a fused population's step is CUBA's (gosim
// lifShape): one exact system of three variables updated in place in the
// order v, g1, g2, v's row reading (v, g1, g2) and each g only itself, no
// inputs, the threshold testing v, and only v clamped.
func lifKernel(m *ir.Model, th *SimpleThreshold) bool {
	if len(m.Update) != 1 || th == nil {
		return false
	}
	sys := m.Update[0]
	if sys.Method != ir.Exact || len(sys.Vars) != 3 {
		return false
	}
	o := ir.InPlaceOrder(sys)
	rows := ir.Rows(sys.P, sys.Q, sys.R)
	if len(o) != 3 || sys.Vars[o[0]] != th.Var {
		return false
	}
	rv, r1, r2 := rows[o[0]], rows[o[1]], rows[o[2]]
	if !slices.Equal(rv.Xi, o) || !slices.Equal(r1.Xi, o[1:2]) || !slices.Equal(r2.Xi, o[2:3]) ||
		len(rv.Ui)+len(r1.Ui)+len(r2.Ui) != 0 {
		return false
	}
	return sys.PRef == nil || !sys.Clamped[o[1]] && !sys.Clamped[o[2]]
}

// String is a short description, for errors.
func (l *Loop) String() string { return fmt.Sprintf("loop %s over %s[%d]", l.Name, l.Over, l.N) }
