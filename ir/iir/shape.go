package iir

// SimpleThreshold recognises Out = [not refractory and] x > c (or >=).
func SimpleThreshold(k *Kernel) (*Var, string, int64, bool) {
	o := k.Out
	if o == nil {
		return nil, "", 0, false
	}
	if o.Code == OpAnd && o.Args[1].Code == OpCmp {
		o = o.Args[1]
	}
	if o.Code != OpCmp || o.Args[0].Code != OpLoad || o.Args[1].Code != OpConst {
		return nil, "", 0, false
	}
	switch o.Cmp {
	case ">", ">=":
		return o.Args[0].Var, o.Cmp, o.Args[1].Imm, true
	}
	return nil, "", 0, false
}

// Additive recognises a port kernel x ← resize(x ± weight).
func Additive(k *Kernel) (*Var, bool, *Op, bool) {
	if len(k.Ops) != 5 {
		return nil, false, nil, false
	}
	var ld, w, op, rs, st *Op
	for _, o := range k.Ops {
		switch o.Code {
		case OpLoad:
			ld = o
		case OpWeight:
			w = o
		case OpAdd, OpSub:
			op = o
		case OpResize:
			rs = o
		case OpStore:
			st = o
		}
	}
	if ld == nil || w == nil || op == nil || rs == nil || st == nil {
		return nil, false, nil, false
	}
	if op.Args[0] != ld || op.Args[1] != w || rs.Args[0] != op || st.Args[0] != rs || st.Var != ld.Var {
		return nil, false, nil, false
	}
	return ld.Var, op.Code == OpSub, rs, true
}
