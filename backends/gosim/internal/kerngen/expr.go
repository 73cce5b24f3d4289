package kerngen

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"

	"github.com/snnc/snnc/internal/simdops"
)

// node is a parsed element expression.
type node struct {
	op   string // "+", "-", "*", "/", "neg", "paren", "vec", "k", "flip"
	name string // vec, k: the parameter; flip: the flag
	l, r *node  // operands (unary ones: l)
}

// parse reads k's expression; every name must be one of its parameters.
func parse(k Kernel) (*node, error) {
	e, err := parser.ParseExpr(k.Expr)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", k.Name, err)
	}
	var walk func(e ast.Expr) (*node, error)
	walk = func(e ast.Expr) (*node, error) {
		switch e := e.(type) {
		case *ast.ParenExpr:
			x, err := walk(e.X)
			return &node{op: "paren", l: x}, err
		case *ast.Ident:
			switch {
			case slices.Contains(k.Vecs, e.Name):
				return &node{op: "vec", name: e.Name}, nil
			case slices.Contains(k.Ks, e.Name):
				return &node{op: "k", name: e.Name}, nil
			}
		case *ast.UnaryExpr:
			if e.Op == token.SUB {
				x, err := walk(e.X)
				return &node{op: "neg", l: x}, err
			}
		case *ast.BinaryExpr:
			switch e.Op {
			case token.ADD, token.SUB, token.MUL, token.QUO:
				l, err := walk(e.X)
				if err != nil {
					return nil, err
				}
				r, err := walk(e.Y)
				return &node{op: e.Op.String(), l: l, r: r}, err
			}
		case *ast.CallExpr:
			if f, ok := e.Fun.(*ast.Ident); ok && f.Name == "flip" && len(e.Args) == 2 {
				if g, ok := e.Args[0].(*ast.Ident); ok && slices.Contains(k.Flags, g.Name) {
					x, err := walk(e.Args[1])
					return &node{op: "flip", name: g.Name, l: x}, err
				}
			}
		}
		return nil, fmt.Errorf("%s: %q: not a kernel expression (parameters, + - * /, unary -, flip(flag, e))", k.Name, k.Expr)
	}
	return walk(e)
}

// scalar is n as Go on float64 values, element i of each slice.
func (n *node) scalar() string {
	switch n.op {
	case "vec":
		return n.name + "[i]"
	case "k":
		return n.name
	case "paren":
		return "(" + n.l.scalar() + ")"
	case "neg":
		return "-" + n.l.scalar()
	case "flip":
		return "flip(" + n.name + ", " + n.l.scalar() + ")"
	}
	if n.op == "*" {
		// the conversion rounds the product: the Go spec forbids fusing it
		// with an addition into an FMA, as GOAMD64=v3 builds do otherwise
		return "float64(" + n.l.scalar() + " * " + n.r.scalar() + ")"
	}
	return n.l.scalar() + " " + n.op + " " + n.r.scalar()
}

// vector is n as archsimd method calls on w lanes: each operation one call,
// in the tree's order.
func (n *node) vector(w int) string {
	switch n.op {
	case "vec":
		return "V" + n.name
	case "k":
		return "K" + n.name
	case "paren":
		return n.l.vector(w)
	case "neg":
		return fmt.Sprintf("neg%d(%s)", w, n.l.vector(w))
	case "flip":
		return fmt.Sprintf("flip%d(%s, %s)", w, n.name, n.l.vector(w))
	}
	return n.l.vector(w) + "." + simdops.Method[n.op] + "(" + n.r.vector(w) + ")"
}
