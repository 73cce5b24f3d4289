package gocode

import "github.com/snnc/snnc/ir"

// stmtPos is the model position of a statement (for //line directives).
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
