package lang

import (
	"strings"

	"github.com/snnc/snnc/lang/units"
)

// White noise in equations, as Brian2's xi: `v' = (E - v)/tau +
// sigma*sqrt(2/tau)*xi`. xi is a name, not a variable: in the right side
// of a neuron's differential equation, `xi` and every `xi_<suffix>` stand
// for independent Gaussian white noises of unit s^-1/2 (the same name in
// two equations of one neuron is the same noise). An equation must be
// linear in its noises, f + g1*xi_1 + g2*xi_2 + ..., and each coefficient
// g must not read a variable the model integrates (additive noise: the
// Euler–Maruyama step is then exact in distribution for what Brian2's
// `euler` integrates).

// NoiseDim is the unit of white noise: s^-1/2.
var NoiseDim = units.Dim{units.Time: -1, units.HalfTime: 1}

// IsNoiseName reports whether name is a white noise: xi or xi_<suffix>.
func IsNoiseName(name string) bool {
	if name == "xi" {
		return true
	}
	rest, ok := strings.CutPrefix(name, "xi_")
	return ok && rest != ""
}

// NoiseTerm is one term g*xi of an equation's right side.
type NoiseTerm struct {
	Name string // xi, xi_1, ...
	Coef Expr   // g (nil: 1)
	Neg  bool   // the term is subtracted: -g*xi
	Pos  Span   // the noise's name
}

// SplitNoise splits the right side of an equation into its deterministic
// part f (nil when every term is noise) and its noise terms. bad is the
// node where a noise appears other than as a factor of a term (inside a
// call, a condition, a power, a denominator, times another noise), with
// why; nil when the split succeeded. Without noise, det is x itself.
func SplitNoise(x Expr) (det Expr, terms []NoiseTerm, bad Node, why string) {
	if !HasNoise(x) {
		return x, nil, nil, ""
	}
	type term struct {
		e   Expr
		neg bool
	}
	var flat []term
	var walk func(e Expr, neg bool)
	walk = func(e Expr, neg bool) {
		switch y := e.(type) {
		case *ParenExpr:
			walk(y.X, neg)
			return
		case *UnaryExpr:
			if y.Op == "-" || y.Op == "+" {
				walk(y.X, neg != (y.Op == "-"))
				return
			}
		case *BinaryExpr:
			if y.Op == "+" || y.Op == "-" {
				walk(y.X, neg)
				walk(y.Y, neg != (y.Op == "-"))
				return
			}
		}
		flat = append(flat, term{e, neg})
	}
	walk(x, false)
	for _, t := range flat {
		if !HasNoise(t.e) {
			if det == nil {
				det = t.e
				if t.neg {
					det = &UnaryExpr{Span: t.e.Range(), Op: "-", X: t.e}
				}
				continue
			}
			op := "+"
			if t.neg {
				op = "-"
			}
			det = &BinaryExpr{Span: Span{Pos: det.Range().Pos, End: t.e.Range().End}, Op: op, X: det, Y: t.e}
			continue
		}
		nt := NoiseTerm{Neg: t.neg}
		coef, b, w := removeNoise(t.e, &nt)
		if b != nil {
			return nil, nil, b, w
		}
		nt.Coef = coef
		terms = append(terms, nt)
	}
	return det, terms, nil, ""
}

// removeNoise returns the factor e with its one noise removed (nil: the
// factor was the noise itself), recording the noise's name in nt.
func removeNoise(e Expr, nt *NoiseTerm) (Expr, Node, string) {
	switch y := e.(type) {
	case *Ident:
		if IsNoiseName(y.Name) {
			nt.Name, nt.Pos = y.Name, y.Span
			return nil, nil, ""
		}
	case *ParenExpr:
		return removeNoise(y.X, nt)
	case *UnaryExpr:
		if y.Op == "-" {
			nt.Neg = !nt.Neg
			return removeNoise(y.X, nt)
		}
	case *BinaryExpr:
		switch y.Op {
		case "*":
			nx, ny := HasNoise(y.X), HasNoise(y.Y)
			if nx && ny {
				return nil, y, "a product of two noises"
			}
			if nx {
				c, b, w := removeNoise(y.X, nt)
				if c == nil || b != nil {
					return y.Y, b, w
				}
				return &BinaryExpr{Span: y.Span, Op: "*", X: c, Y: y.Y}, nil, ""
			}
			c, b, w := removeNoise(y.Y, nt)
			if c == nil || b != nil {
				return y.X, b, w
			}
			return &BinaryExpr{Span: y.Span, Op: "*", X: y.X, Y: c}, nil, ""
		case "/":
			if HasNoise(y.Y) {
				return nil, y.Y, "a noise in a denominator"
			}
			c, b, w := removeNoise(y.X, nt)
			if b != nil {
				return nil, b, w
			}
			if c == nil {
				c = &NumberLit{Span: y.X.Range(), Text: "1", Value: 1}
			}
			return &BinaryExpr{Span: y.Span, Op: "/", X: c, Y: y.Y}, nil, ""
		case "+", "-":
			return nil, y, "a noise inside a parenthesised sum that is multiplied or divided"
		}
	}
	return nil, e, "a noise inside " + describeNode(e)
}

func describeNode(e Expr) string {
	switch y := e.(type) {
	case *CallExpr:
		return "a call of " + y.Fun.Name
	case *IfExpr:
		return "an if expression"
	case *BinaryExpr:
		return "the operator " + y.Op
	case *UnaryExpr:
		return "the operator " + y.Op
	}
	return "this expression"
}

// HasNoise reports whether x names a white noise.
func HasNoise(x Expr) bool {
	found := false
	WalkExpr(x, func(e Expr) {
		if id, ok := e.(*Ident); ok && IsNoiseName(id.Name) {
			found = true
		}
	})
	return found
}
