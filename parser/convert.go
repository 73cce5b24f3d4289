package parser

import (
	"strconv"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/snnc/snnc/lang"
)

// converter turns grammar structs into the lang AST, reporting what the
// grammar alone cannot reject (e.g. `on threshold` without a condition).
type converter struct {
	diags *lang.Diagnostics
}

func pos(p lexer.Position) lang.Pos {
	return lang.Pos{File: p.Filename, Offset: p.Offset, Line: p.Line, Col: p.Column}
}

func span(g gPos) lang.Span { return lang.Span{Pos: pos(g.Pos), End: pos(g.EndPos)} }

// slice converts a view [lo:hi]; without the colon ([k]) it is an error:
// one neuron is [k:k+1].
func (c *converter) slice(g *gSlice) *lang.Slice {
	if g == nil {
		return nil
	}
	sl := &lang.Slice{Span: span(g.gPos)}
	if g.Lo != nil {
		sl.Lo = c.expr(g.Lo)
	}
	if g.Hi != nil {
		sl.Hi = c.expr(g.Hi)
	}
	if !g.Colon {
		d := c.diags.Errorf(sl.Pos, sl.End, "a population view needs a colon: [lo:hi]")
		d.Hint = "the neurons lo..hi-1, e.g. E[0:50]; one neuron k is E[k:k+1]"
	}
	return sl
}

func (c *converter) name(g *gName) *lang.Ident {
	if g == nil {
		return nil
	}
	id := &lang.Ident{Span: span(g.gPos), Name: g.Name}
	switch {
	case g.Name == "else":
		c.diags.Errorf(id.Pos, id.End, "else must follow the closing brace of its if on the same line: } else {")
	case lang.Reserved[g.Name]:
		c.diags.Errorf(id.Pos, id.End, "%q is a keyword and cannot be used as a name", g.Name)
	}
	return id
}

func (c *converter) file(name string, g *gFile) *lang.File {
	f := &lang.File{Span: span(g.gPos), Name: name}
	for _, d := range g.Decls {
		if x := c.decl(d); x != nil {
			f.Decls = append(f.Decls, x)
		}
	}
	return f
}

func (c *converter) decl(g *gDecl) lang.Decl {
	switch {
	case g.Import != nil:
		return &lang.ImportDecl{Span: span(g.gPos), Path: c.str(g.Import.Path)}
	case g.Func != nil:
		fn := &lang.FuncDecl{Span: span(g.gPos), Name: c.name(g.Func.Name),
			Result: c.unitAnn(g.Func.Result), Body: c.expr(g.Func.Body)}
		for _, p := range g.Func.Params {
			fn.Params = append(fn.Params, &lang.Param{Span: span(p.gPos), Name: c.name(p.Name), Unit: c.unitAnn(p.Unit)})
		}
		return fn
	case g.Type != nil:
		return &lang.TypeDecl{Span: span(g.gPos), Kind: lang.TypeKind(g.Type.Kind),
			Name: c.name(g.Type.Name), Members: c.members(g.Type.Members)}
	case g.Network != nil:
		n := &lang.NetworkDecl{Span: span(g.gPos), Name: c.name(g.Network.Name)}
		for _, it := range g.Network.Items {
			n.Items = append(n.Items, c.netItem(it))
		}
		return n
	case g.Run != nil:
		r := &lang.RunDecl{Span: span(g.gPos), Network: c.name(g.Run.Network), Duration: c.expr(g.Run.Duration)}
		for _, it := range g.Run.Items {
			if it.Phase != nil {
				r.Phases = append(r.Phases, &lang.PhaseDecl{Span: span(it.gPos), Name: c.name(it.Phase.Name),
					At: c.expr(it.Phase.At), Body: c.stmts(it.Phase.Body)})
			} else {
				r.Settings = append(r.Settings, c.setting(it.Setting))
			}
		}
		return r
	}
	return nil
}

func (c *converter) str(g *gString) *lang.StringLit {
	if g == nil {
		return nil
	}
	return &lang.StringLit{Span: span(g.gPos), Value: g.Value}
}

func (c *converter) members(gs []*gMember) []lang.Member {
	var out []lang.Member
	for _, m := range gs {
		out = append(out, c.member(m))
	}
	return out
}

func (c *converter) member(g *gMember) lang.Member {
	sp := span(g.gPos)
	switch {
	case g.Vars != nil:
		b := &lang.VarBlock{Span: sp, Kind: g.Vars.Kind}
		for _, v := range g.Vars.Vars {
			b.Vars = append(b.Vars, &lang.VarDecl{Span: span(v.gPos), Name: c.name(v.Name),
				Unit: c.unitAnn(v.Unit), Value: c.expr(v.Value)})
		}
		return b
	case g.Eqs != nil:
		b := &lang.EquationsBlock{Span: sp}
		for _, it := range g.Eqs.Items {
			switch {
			case it.Method != nil:
				if b.Method != nil {
					c.diags.Errorf(pos(it.Pos), pos(it.EndPos), "method given twice in one equations block")
				}
				b.Method = &lang.Ident{Span: span(it.Method.gPos), Name: it.Method.Name}
			case it.Prime || it.DDt:
				b.Items = append(b.Items, c.ode(it))
			default:
				b.Items = append(b.Items, &lang.Alias{Span: span(it.gPos), Name: c.name(it.Lhs), Value: c.expr(it.Rhs)})
				if it.Unless {
					c.diags.Errorf(pos(it.Pos), pos(it.EndPos), "`unless refractory` applies only to an ODE (x' = ...)")
				}
			}
		}
		return b
	case g.Inputs != nil:
		b := &lang.InputsBlock{Span: sp}
		for _, p := range g.Inputs.Ports {
			port := &lang.Port{Span: span(p.gPos), Name: c.name(p.Name),
				Continuous: p.Current || p.Cont, Current: p.Current, Unit: c.unitAnn(p.Unit), Braced: p.Braced}
			if p.Braced {
				port.Body = c.stmts(p.Body)
			} else if p.Single != nil {
				port.Body = []lang.Stmt{c.stmt(p.Single)}
			}
			b.Ports = append(b.Ports, port)
		}
		return b
	case g.On != nil:
		return c.on(g.On)
	case g.Dend != nil:
		return &lang.DendriteBlock{Span: sp, Name: c.name(g.Dend.Name),
			Continuous: g.Dend.Continuous, Settings: c.settings(g.Dend.Settings)}
	case g.Comp != nil:
		return &lang.CompartmentBlock{Span: sp, Name: c.name(g.Comp.Name), Members: c.members(g.Comp.Members)}
	default:
		return c.setting(g.Setting)
	}
}

func (c *converter) ode(it *gEqItem) *lang.ODE {
	o := &lang.ODE{Span: span(it.gPos), DDt: it.DDt, Rhs: c.expr(it.Rhs), UnlessRefractory: it.Unless, KeepInputs: it.Keep}
	v := &lang.Ident{Span: span(it.Lhs.gPos), Name: it.Lhs.Name}
	if it.DDt {
		// dx/dt: the variable is the name without its leading d.
		if len(v.Name) < 2 || v.Name[0] != 'd' {
			c.diags.Errorf(v.Pos, v.End, "%s/dt: expected d<variable>/dt, as in dv/dt", v.Name).Hint = "or write the derivative as x' = ..."
		} else {
			v.Name = v.Name[1:]
			v.Pos.Col++
			v.Pos.Offset++
		}
	}
	o.Var = v
	return o
}

var events = map[string]bool{"threshold": true, "pre": true, "post": true, "modulator": true, "dendrite": true}

func (c *converter) on(g *gOn) *lang.OnBlock {
	b := &lang.OnBlock{Span: span(g.gPos), Event: g.Event.Name, Body: c.stmts(g.Body), Rising: g.Rising}
	ev := span(g.Event.gPos)
	if !events[b.Event] {
		c.diags.Errorf(ev.Pos, ev.End, "unknown event %q", b.Event).Hint =
			"handlers are: on threshold <condition>, on pre, on post, on modulator <name>, on dendrite <name> active"
		return b
	}
	switch b.Event {
	case "threshold":
		if g.Cond == nil {
			c.diags.Errorf(ev.Pos, ev.End, "on threshold needs a condition, as in `on threshold v > v_th`")
		}
		b.Cond = c.expr(g.Cond)
	case "modulator", "dendrite":
		id := c.bareIdent(g.Cond)
		if id == nil {
			c.diags.Errorf(ev.Pos, ev.End, "on %s needs a name, as in `on %s %s`", b.Event, b.Event,
				map[string]string{"modulator": "dopamine", "dendrite": "distal active"}[b.Event])
		}
		b.Name = id
		if b.Event == "dendrite" && !g.Active {
			c.diags.Errorf(ev.Pos, ev.End, "on dendrite %s: expected `active` after the dendrite name", nameOf(id))
		}
	default:
		if g.Cond != nil {
			e := span(g.Cond.gPos)
			if id, ok := c.expr(g.Cond).(*lang.Ident); ok && id.Name == "rising" {
				c.diags.Errorf(e.Pos, e.End, "`rising` applies only to on threshold (a spike when the condition becomes true)")
			} else {
				c.diags.Errorf(e.Pos, e.End, "on %s takes no condition", b.Event)
			}
		}
	}
	if g.Rising && b.Event != "threshold" {
		c.diags.Errorf(ev.Pos, ev.End, "`rising` applies only to on threshold (a spike when the condition becomes true)")
	}
	if g.Active && b.Event != "dendrite" {
		c.diags.Errorf(ev.Pos, ev.End, "`active` belongs to `on dendrite <name> active`")
	}
	return b
}

func nameOf(id *lang.Ident) string {
	if id == nil {
		return "<name>"
	}
	return id.Name
}

// bareIdent returns the identifier if the expression is exactly one name.
func (c *converter) bareIdent(g *gExpr) *lang.Ident {
	if g == nil {
		return nil
	}
	if id, ok := c.expr(g).(*lang.Ident); ok {
		return id
	}
	e := span(g.gPos)
	c.diags.Errorf(e.Pos, e.End, "expected a name")
	return nil
}

func (c *converter) settings(gs []*gSetting) []*lang.Setting {
	var out []*lang.Setting
	for _, s := range gs {
		out = append(out, c.setting(s))
	}
	return out
}

func (c *converter) setting(g *gSetting) *lang.Setting {
	s := &lang.Setting{Span: span(g.gPos), Name: c.name(g.Name), ExceptSelf: g.ExceptSelf, IsBlock: g.IsBlock}
	if g.IsBlock {
		s.Block = c.settings(g.Block)
	} else {
		s.Value = c.expr(g.Value)
	}
	return s
}

func (c *converter) stmts(gs []*gStmt) []lang.Stmt {
	var out []lang.Stmt
	for _, s := range gs {
		out = append(out, c.stmt(s))
	}
	return out
}

func (c *converter) stmt(g *gStmt) lang.Stmt {
	sp := span(g.gPos)
	switch {
	case g.If != nil:
		return c.ifStmt(g.If)
	case g.Refractory != nil:
		return &lang.RefractoryStmt{Span: sp, Duration: c.expr(g.Refractory)}
	case g.Deliver != nil:
		return &lang.DeliverStmt{Span: sp, Value: c.expr(g.Deliver.Value), Port: c.name(g.Deliver.Port)}
	default:
		a := g.Assign
		return &lang.AssignStmt{Span: sp, Target: c.postfix(a.Target), Op: a.Op, Value: c.expr(a.Value)}
	}
}

func (c *converter) ifStmt(g *gIf) *lang.IfStmt {
	s := &lang.IfStmt{Span: span(g.gPos), Cond: c.expr(g.Cond), Then: c.stmts(g.Then)}
	if g.ElseIf != nil {
		s.Else = []lang.Stmt{c.ifStmt(g.ElseIf)}
	} else {
		s.Else = c.stmts(g.Else)
	}
	return s
}

func (c *converter) netItem(g *gNetItem) lang.NetItem {
	sp := span(g.gPos)
	switch {
	case g.Pop != nil:
		p := &lang.PopulationDecl{Span: sp, Name: c.name(g.Pop.Name), Type: c.name(g.Pop.Type),
			Overrides: c.settings(g.Pop.Overrides)}
		for _, e := range g.Pop.Shape {
			p.Shape = append(p.Shape, c.expr(e))
		}
		return p
	case g.Input != nil:
		in := &lang.InputDecl{Span: sp, Name: c.name(g.Input.Name), Source: c.call(g.Input.Source), Port: c.name(g.Input.Port)}
		if t := g.Input.Target; t != nil {
			in.Target, in.Slice = c.name(t.Name), c.slice(t.Slice)
		}
		return in
	case g.Project != nil:
		gp := g.Project
		p := &lang.ProjectDecl{Span: sp, Name: c.name(gp.Name), Port: c.name(gp.Port), Synapse: c.name(gp.Synapse)}
		sliced := false
		for _, n := range append(append([]*gEnd{}, gp.Pre...), gp.Post...) {
			sliced = sliced || n.Slice != nil
		}
		for _, n := range gp.Pre {
			p.Pre = append(p.Pre, c.name(n.Name))
			if sliced {
				p.PreSlice = append(p.PreSlice, c.slice(n.Slice))
			}
		}
		for _, n := range gp.Post {
			p.Post = append(p.Post, c.name(n.Name))
			if sliced {
				p.PostSlice = append(p.PostSlice, c.slice(n.Slice))
			}
		}
		for _, it := range gp.Items {
			isp := span(it.gPos)
			switch {
			case it.Normalize != nil:
				n := it.Normalize
				p.Items = append(p.Items, &lang.NormalizeStmt{Span: isp, Func: c.name(n.Func), Var: c.name(n.Var),
					Target: c.expr(n.Target), Every: c.expr(n.Every)})
			case it.Modulator != nil:
				p.Items = append(p.Items, &lang.ModulatorItem{Span: isp, Name: c.name(it.Modulator.Name),
					Source: c.name(it.Modulator.Source), PerPost: it.Modulator.PerPost})
			default:
				p.Items = append(p.Items, c.setting(it.Setting))
			}
		}
		return p
	case g.Wta != nil:
		return &lang.WtaDecl{Span: sp, Pop: c.name(g.Wta.Pop), Settings: c.settings(g.Wta.Settings)}
	case g.Record != nil:
		r := &lang.RecordDecl{Span: sp, AtEnd: g.Record.AtEnd}
		for _, t := range g.Record.Targets {
			r.Targets = append(r.Targets, c.expr(t))
		}
		if g.Record.Every != nil {
			r.Every = c.expr(g.Record.Every)
		}
		return r
	default:
		return c.setting(g.Setting)
	}
}

// ---- expressions ----

func (c *converter) expr(g *gExpr) lang.Expr {
	if g == nil {
		return nil
	}
	x := c.and(g.X)
	for _, r := range g.Rest {
		y := c.and(r)
		x = binary("or", x, y)
	}
	return x
}

func binary(op string, x, y lang.Expr) lang.Expr {
	return &lang.BinaryExpr{Span: lang.Span{Pos: x.Range().Pos, End: y.Range().End}, Op: op, X: x, Y: y}
}

func (c *converter) and(g *gAnd) lang.Expr {
	x := c.not(g.X)
	for _, r := range g.Rest {
		x = binary("and", x, c.not(r))
	}
	return x
}

func (c *converter) not(g *gNot) lang.Expr {
	if g.Not != nil {
		return &lang.UnaryExpr{Span: span(g.gPos), Op: "not", X: c.not(g.Not)}
	}
	x := c.sum(g.Cmp.X)
	if g.Cmp.Op != "" {
		x = binary(g.Cmp.Op, x, c.sum(g.Cmp.Y))
	}
	return x
}

func (c *converter) sum(g *gSum) lang.Expr {
	x := c.prod(g.X)
	for _, r := range g.Rest {
		x = binary(r.Op, x, c.prod(r.X))
	}
	return x
}

func (c *converter) prod(g *gProd) lang.Expr {
	x := c.unary(g.X)
	for _, r := range g.Rest {
		x = binary(r.Op, x, c.unary(r.X))
	}
	return x
}

func (c *converter) unary(g *gUnary) lang.Expr {
	if g.Pow == nil {
		return &lang.UnaryExpr{Span: span(g.gPos), Op: g.Op, X: c.unary(g.X)}
	}
	x := c.postfix(g.Pow.X)
	if g.Pow.Exp != nil {
		x = binary("^", x, c.unary(g.Pow.Exp))
	}
	return x
}

func (c *converter) postfix(g *gPostfix) lang.Expr {
	x := c.primary(g.X)
	for _, s := range g.Suffixes {
		sp := lang.Span{Pos: x.Range().Pos, End: pos(s.EndPos)}
		if s.Field != nil {
			x = &lang.FieldExpr{Span: sp, X: x, Name: c.name(s.Field)}
			continue
		}
		ix := &lang.IndexExpr{Span: sp, X: x, IsSlice: s.Colon}
		if s.Lo != nil {
			ix.Lo = c.expr(s.Lo)
		}
		if s.Hi != nil {
			ix.Hi = c.expr(s.Hi)
		}
		if !s.Colon && ix.Lo == nil {
			c.diags.Errorf(pos(s.Pos), pos(s.EndPos), "empty index []")
		}
		x = ix
	}
	return x
}

func (c *converter) primary(g *gPrimary) lang.Expr {
	sp := span(g.gPos)
	switch {
	case g.Number != nil:
		v, err := strconv.ParseFloat(g.Number.Value, 64)
		if err != nil {
			c.diags.Errorf(sp.Pos, sp.End, "number %s is out of range (float64)", g.Number.Value)
		}
		return &lang.NumberLit{Span: sp, Text: g.Number.Value, Value: v, Unit: c.unitLit(g.Number.Unit)}
	case g.String != nil:
		return c.str(g.String)
	case g.Bool != nil:
		return &lang.BoolLit{Span: sp, Value: g.Bool.Value == "true"}
	case g.If != nil:
		return &lang.IfExpr{Span: sp, Cond: c.expr(g.If.Cond), Then: c.expr(g.If.Then), Else: c.expr(g.If.Else)}
	case g.Call != nil:
		return c.call(g.Call)
	case g.Ident != nil:
		return c.name(g.Ident)
	case g.Paren != nil:
		return &lang.ParenExpr{Span: sp, X: c.expr(g.Paren)}
	default:
		l := &lang.ListExpr{Span: sp}
		for _, e := range g.List.Elems {
			l.Elems = append(l.Elems, c.expr(e))
		}
		return l
	}
}

func (c *converter) call(g *gCall) *lang.CallExpr {
	if g == nil {
		return nil
	}
	call := &lang.CallExpr{Span: span(g.gPos), Fun: c.name(g.Fun)}
	for _, a := range g.Args {
		call.Args = append(call.Args, &lang.Arg{Span: span(a.gPos), Name: c.name(a.Name), Value: c.expr(a.Value)})
	}
	return call
}

func factors(fs []*gUnitFactor) []*lang.UnitFactor {
	out := make([]*lang.UnitFactor, len(fs))
	for i, f := range fs {
		out[i] = &lang.UnitFactor{Span: lang.Span{Pos: pos(f.Pos), End: pos(f.EndPos)}, Name: f.Name, Exp: f.Exp, Div: f.Div}
	}
	return out
}

func (c *converter) unitLit(g *gUnitLit) *lang.UnitExpr {
	if g == nil {
		return nil
	}
	return &lang.UnitExpr{Span: lang.Span{Pos: pos(g.Pos), End: pos(g.EndPos)}, Factors: factors(g.Factors)}
}

func (c *converter) unitAnn(g *gUnitAnn) *lang.UnitExpr {
	if g == nil {
		return nil
	}
	return &lang.UnitExpr{Span: lang.Span{Pos: pos(g.Pos), End: pos(g.EndPos)}, Factors: factors(g.Factors)}
}
