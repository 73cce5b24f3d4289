package lang

// The canonical printer behind `snnc fmt`.
//
// Canonical style:
//
//   - Indentation is 4 spaces; one item per line; `{` ends the line that opens
//     a block and `}` stands on its own line. An empty block prints as `{}`.
//   - Top-level declarations: blank lines between them are kept (at most one);
//     a declaration that prints on more than one line is always separated from
//     its neighbours by exactly one blank line, and so is every neuron,
//     synapse and network. One-line declarations (imports, functions, runs)
//     written on consecutive lines stay together.
//   - Inside blocks, blank lines between items are kept from the source (at
//     most one); blank lines right after `{` or before `}` are dropped.
//   - No trailing spaces; the output ends in exactly one newline.
//   - The `=` of consecutive lines is aligned, gofmt-style, in `parameters` and
//     `state` blocks, in `equations` blocks (the left-hand side is `v'` or
//     `dv/dt` as written), in dendrite settings (and nested setting blocks), in
//     settings directly in a neuron, synapse, compartment, network or run body.
//     A run of aligned lines is broken by a blank line, an own-line comment, a
//     line of another kind or a declaration with a unit annotation
//     (`g_c : nS = 2 nS` prints with single spaces). Settings in project bodies
//     and population overrides, and handler statements, are not aligned.
//   - Expressions print on one line with one space around binary operators,
//     `=` and `+=`, none inside parentheses or brackets: `f(a, b, name = c)`,
//     `x[0:5]`, `-x`, `not x`, `[1 ms, 2 ms]`, `if c then a else b`.
//   - Units: `20 ms`, `2 mV/ms`, `1/ms` (no space before a leading `/`),
//     `nS*mV`, `mV^2`. Number literals print their text as written; strings
//     are re-quoted with strconv.Quote.
//   - Parentheses are printed exactly where the source had them (ParenExpr).
//     Hand-built trees that would not read back the same get extra ones.
//   - Ports: `exc: ge += weight`, `I_ext: current`, `g: continuous nS`;
//     a braced body prints on one line as `inh: { a; b }` when it has at most
//     3 simple statements (no `if`), holds no comment and the line stays under
//     100 columns, else one statement per line.
//   - `if c {` / `} else if d {` / `} else {` / `}` on separate lines.
//   - Project bodies, population overrides and run settings print on one line,
//     `{ connect = all_to_all  weight = 1 mV }` (two spaces between items),
//     when the source had the whole declaration on one line and the printed
//     line stays under 100 columns; otherwise one item per line. When an
//     item other than the last ends in a number without unit, the items are
//     separated by `; ` instead (`{ a = 1; b = 2 }`): `1  b` would read as
//     the number 1 with unit b.
//   - In an equations block `method` comes first.
//   - Comments are attached by position. A comment on its own line prints (at
//     the current indentation) before the next item that starts after it;
//     a comment at the end of an item's last line stays after that item,
//     two spaces before the `#`; trailing comments of consecutive lines with
//     the same indentation are aligned. A comment after `{` stays on the `{`
//     line. Comments before a `}` stay inside the block; comments after the
//     last declaration stay at the end. A comment inside an item that prints
//     on one line (e.g. inside a multi-line expression) moves to its own line
//     before the item. No comment is ever dropped or duplicated.

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

const (
	fmtIndent   = "    "
	fmtMaxWidth = 100 // one-line forms must stay under this many columns
)

// Format prints f in canonical form. It never fails on an AST the parser produced.
func Format(f *File) []byte {
	if f == nil {
		return nil
	}
	p := &printer{group: 1}
	for _, c := range f.Comments {
		if c != nil {
			p.comments = append(p.comments, c)
		}
	}
	slices.SortStableFunc(p.comments, func(a, b *Comment) int { return a.Pos.Offset - b.Pos.Offset })
	p.file(f)
	return p.render()
}

// outLine is one line of output before alignment.
type outLine struct {
	indent  int
	text    string // the whole line, or the left-hand side of an aligned line
	rhs     string // aligned lines: the rest, starting with the operator
	group   int    // aligned lines with the same group share the `=` column; 0: none
	comment string // trailing comment
	blank   bool
}

type printer struct {
	comments []*Comment // sorted by offset
	next     int        // first comment not printed yet
	lines    []*outLine
	indent   int
	group    int  // alignment group for the next aligned line
	lastLine int  // source line where the last printed thing ended
	fresh    bool // at the start of a block: no blank line before the next thing
}

// entry is one line-starting item of a block.
type entry struct {
	span Span
	leaf bool // printed on one line: comments inside it move before it
	emit func()
}

// ---- output primitives ----

func (p *printer) line(text string) {
	p.lines = append(p.lines, &outLine{indent: p.indent, text: text})
	p.group++
}

func (p *printer) aligned(lhs, rhs string) {
	p.lines = append(p.lines, &outLine{indent: p.indent, text: lhs, rhs: rhs, group: p.group})
}

func (p *printer) blank() {
	if n := len(p.lines); n > 0 && !p.lines[n-1].blank {
		p.lines = append(p.lines, &outLine{blank: true})
	}
	p.group++
}

// space starts a new thing at source line l: it prints a blank line if the
// source had one before it.
func (p *printer) space(l int) {
	if !p.fresh && l > 0 && p.lastLine > 0 && l > p.lastLine+1 {
		p.blank()
	}
	p.fresh = false
	if l > p.lastLine {
		p.lastLine = l
	}
}

// flush prints the comments that start before offset off on their own lines.
func (p *printer) flush(off int) {
	for p.next < len(p.comments) && p.comments[p.next].Pos.Offset < off {
		c := p.comments[p.next]
		p.next++
		p.space(c.Pos.Line)
		p.line(c.Text)
		if c.Pos.Line > 0 {
			p.lastLine = c.Pos.Line
		}
	}
}

// commentBefore reports whether a comment not printed yet starts before off.
func (p *printer) commentBefore(off int) bool {
	return p.next < len(p.comments) && p.comments[p.next].Pos.Offset < off
}

// commentIn reports whether a comment not printed yet lies inside sp.
func (p *printer) commentIn(sp Span) bool {
	for _, c := range p.comments[p.next:] {
		if c.Pos.Offset >= sp.End.Offset {
			break
		}
		if c.Pos.Offset >= sp.Pos.Offset {
			return true
		}
	}
	return false
}

// trailing attaches the comment that follows end on the same source line
// (and starts before limit) to the last printed line.
func (p *printer) trailing(end Pos, limit int) {
	if !end.IsValid() || p.next >= len(p.comments) || len(p.lines) == 0 {
		return
	}
	c := p.comments[p.next]
	if c.Pos.Line != end.Line || c.Pos.Offset < end.Offset || c.Pos.Offset >= limit {
		return
	}
	p.next++
	if last := p.lines[len(p.lines)-1]; !last.blank && last.comment == "" {
		last.comment = c.Text
		return
	}
	p.line(c.Text)
}

// entries prints the items of a block at the current indentation. end is the
// source end of the block (comments at or after it are not the items').
func (p *printer) entries(es []entry, end Pos) {
	for i, e := range es {
		limit := math.MaxInt
		if end.IsValid() {
			limit = end.Offset
		}
		for _, n := range es[i+1:] {
			if n.span.Pos.IsValid() {
				limit = n.span.Pos.Offset
				break
			}
		}
		p.entry(e, limit)
	}
}

func (p *printer) entry(e entry, limit int) {
	sp := e.span
	if sp.Pos.IsValid() {
		p.flush(sp.Pos.Offset)
	}
	p.space(sp.Pos.Line)
	if e.leaf && sp.End.IsValid() {
		p.flushInside(sp.End.Offset)
	}
	e.emit()
	p.trailing(sp.End, limit)
	if sp.End.Line > p.lastLine {
		p.lastLine = sp.End.Line
	}
}

// flushInside prints comments inside an item before it, without blank lines.
func (p *printer) flushInside(off int) {
	for p.next < len(p.comments) && p.comments[p.next].Pos.Offset < off {
		p.line(p.comments[p.next].Text)
		p.next++
	}
}

// block prints `head {`, the entries one level deeper and `}`. headEnd is the
// source end of the header (a comment after it on its line stays on the `{`
// line); end is the source end of the block.
func (p *printer) block(head string, headEnd Pos, es []entry, end Pos) {
	if headEnd.IsValid() {
		p.flushInside(headEnd.Offset)
	}
	endOff := math.MaxInt
	if end.IsValid() {
		endOff = end.Offset
	} else if len(es) == 0 {
		endOff = 0
	}
	if len(es) == 0 && !p.commentBefore(endOff) {
		p.line(head + " {}")
		return
	}
	p.line(head + " {")
	first := endOff
	if len(es) > 0 && es[0].span.Pos.IsValid() {
		first = es[0].span.Pos.Offset
	}
	p.trailing(headEnd, first)
	if headEnd.Line > p.lastLine {
		p.lastLine = headEnd.Line
	}
	p.body(es, end)
	p.line("}")
}

// body prints entries one level deeper, then the comments before end.
func (p *printer) body(es []entry, end Pos) {
	p.bodyUpTo(es, end, true)
}

// bodyUpTo prints entries one level deeper; end bounds their trailing
// comments and, with flushEnd, the comments before end are printed too.
func (p *printer) bodyUpTo(es []entry, end Pos, flushEnd bool) {
	p.indent++
	p.fresh = true
	p.group++
	p.entries(es, end)
	if flushEnd && end.IsValid() {
		p.flush(end.Offset)
	}
	p.indent--
	p.fresh = false
}

// ---- rendering ----

func width(s string) int { return utf8.RuneCountInString(s) }

func (p *printer) render() []byte {
	colw := map[int]int{}
	for _, l := range p.lines {
		if l.group > 0 {
			colw[l.group] = max(colw[l.group], width(l.text))
		}
	}
	texts := make([]string, len(p.lines))
	for i, l := range p.lines {
		if l.blank {
			continue
		}
		s := strings.Repeat(fmtIndent, l.indent) + l.text
		if l.group > 0 {
			s += strings.Repeat(" ", colw[l.group]-width(l.text)) + " " + l.rhs
		}
		texts[i] = strings.TrimRight(s, " \t")
	}
	// Trailing comments of consecutive lines with the same indentation share
	// a column.
	for i := 0; i < len(p.lines); {
		if p.lines[i].comment == "" {
			i++
			continue
		}
		j, w := i, 0
		for ; j < len(p.lines) && p.lines[j].comment != "" && p.lines[j].indent == p.lines[i].indent; j++ {
			w = max(w, width(texts[j]))
		}
		for k := i; k < j; k++ {
			texts[k] += strings.Repeat(" ", w-width(texts[k])+2) + p.lines[k].comment
		}
		i = j
	}
	// Drop blank lines at the ends.
	lo, hi := 0, len(p.lines)
	for lo < hi && p.lines[lo].blank {
		lo++
	}
	for hi > lo && p.lines[hi-1].blank {
		hi--
	}
	var b strings.Builder
	for _, s := range texts[lo:hi] {
		b.WriteString(strings.TrimRight(s, " \t"))
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// ---- declarations ----

func (p *printer) file(f *File) {
	p.fresh = true
	after, prevMulti := -1, false
	decls := slices.DeleteFunc(slices.Clone(f.Decls), func(d Decl) bool { return isNil(d) })
	for i, d := range decls {
		limit := math.MaxInt
		for _, n := range decls[i+1:] {
			if sp := rangeOf(n); sp.Pos.IsValid() {
				limit = sp.Pos.Offset
				break
			}
		}
		var start int
		e := p.declEntry(d)
		emit := e.emit
		e.emit = func() { start = len(p.lines); emit() }
		p.entry(e, limit)
		multi := len(p.lines)-start > 1 || isBlockDecl(d)
		if after >= 0 && (multi || prevMulti) && after < len(p.lines) && !p.lines[after].blank {
			p.lines = slices.Insert(p.lines, after, &outLine{blank: true})
		}
		after, prevMulti = len(p.lines), multi
	}
	p.flush(math.MaxInt)
}

// isBlockDecl reports whether d is a neuron, synapse or network, which is
// always set off by blank lines.
func isBlockDecl(d Decl) bool {
	switch d.(type) {
	case *TypeDecl, *NetworkDecl:
		return true
	}
	return false
}

func (p *printer) declEntry(d Decl) entry {
	sp := rangeOf(d)
	switch d := d.(type) {
	case *ImportDecl:
		return entry{sp, true, func() {
			s := `import ""`
			if d.Path != nil {
				s = "import " + strconv.Quote(d.Path.Value)
			}
			p.line(s)
		}}
	case *FuncDecl:
		return entry{sp, true, func() { p.line(p.funcDecl(d)) }}
	case *TypeDecl:
		return entry{sp, false, func() {
			p.block(string(d.Kind)+" "+ident(d.Name), rangeOf(d.Name).End, p.members(d.Members, true), d.End)
		}}
	case *NetworkDecl:
		return entry{sp, false, func() {
			p.block("network "+ident(d.Name), rangeOf(d.Name).End, p.netItems(d.Items), d.End)
		}}
	case *RunDecl:
		head := "run " + ident(d.Network) + " for " + expr(d.Duration)
		return p.bodyEntry(sp, head, rangeOf(d.Duration).End, settingsInline(d.Settings),
			func() []entry { return p.runItems(d) }, len(d.Settings)+len(d.Phases))
	}
	return entry{sp, true, func() {}}
}

func (p *printer) funcDecl(d *FuncDecl) string {
	var b strings.Builder
	b.WriteString("function " + ident(d.Name) + "(")
	for i, prm := range d.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		if prm == nil {
			continue
		}
		b.WriteString(ident(prm.Name))
		if prm.Unit != nil {
			b.WriteString(": " + unitString(prm.Unit))
		}
	}
	b.WriteString(")")
	if d.Result != nil {
		b.WriteString(": " + unitString(d.Result))
	}
	b.WriteString(" = " + expr(d.Body))
	return b.String()
}

// oneLine returns `head { items }` if the node at sp was written on one line,
// holds no comment and the result fits.
func (p *printer) oneLine(sp Span, head string, items []inlineItem) (string, bool) {
	if !sp.Pos.IsValid() || sp.Pos.Line != sp.End.Line || p.commentIn(sp) {
		return "", false
	}
	s := head + " " + joinInline(items)
	return s, p.fits(s)
}

// inlineItem is the one-line form of a body item; open marks text that ends
// in a number without unit, which would take a following name as its unit.
type inlineItem struct {
	text string
	open bool
}

// joinInline returns `{ a = f(1)  b = 2 ms }`: items are separated by two
// spaces, or by `; ` when an item other than the last ends in a bare number
// (`{ a = 1; b = 2 }`, as `1  b` would read as the number 1 with unit b).
func joinInline(items []inlineItem) string {
	if len(items) == 0 {
		return "{}"
	}
	sep := "  "
	texts := make([]string, len(items))
	for i, it := range items {
		texts[i] = it.text
		if it.open && i < len(items)-1 {
			sep = "; "
		}
	}
	return "{ " + strings.Join(texts, sep) + " }"
}

func (p *printer) fits(s string) bool {
	return p.indent*len(fmtIndent)+width(s) < fmtMaxWidth
}

// ---- members ----

// members returns the entries of a neuron, synapse or compartment body.
func (p *printer) members(ms []Member, align bool) []entry {
	var es []entry
	for _, m := range ms {
		if isNil(m) {
			continue
		}
		sp := rangeOf(m)
		switch m := m.(type) {
		case *VarBlock:
			es = append(es, entry{sp, false, func() {
				var vs []entry
				for _, v := range m.Vars {
					if v == nil {
						continue
					}
					vs = append(vs, entry{v.Span, true, func() {
						if v.Unit != nil {
							p.line(ident(v.Name) + " : " + unitString(v.Unit) + " = " + expr(v.Value))
						} else {
							p.aligned(ident(v.Name), "= "+expr(v.Value))
						}
					}})
				}
				p.block(m.Kind, keywordEnd(m.Pos, m.Kind), vs, m.End)
			}})
		case *EquationsBlock:
			es = append(es, entry{sp, false, func() { p.equations(m) }})
		case *InputsBlock:
			es = append(es, entry{sp, false, func() {
				var ps []entry
				for _, port := range m.Ports {
					if port != nil {
						ps = append(ps, p.port(port))
					}
				}
				p.block("inputs", keywordEnd(m.Pos, "inputs"), ps, m.End)
			}})
		case *OnBlock:
			es = append(es, entry{sp, false, func() {
				head := "on " + m.Event
				headEnd := m.Pos
				switch {
				case m.Cond != nil:
					head += " " + expr(m.Cond)
					headEnd = rangeOf(m.Cond).End
				case m.Name != nil:
					head += " " + m.Name.Name
				}
				if m.Event == "dendrite" {
					head += " active"
				}
				if m.Rising {
					head += " rising"
				}
				p.block(head, headEnd, p.stmts(m.Body), m.End)
			}})
		case *DendriteBlock:
			es = append(es, entry{sp, false, func() {
				head := "dendrite " + ident(m.Name)
				if m.Continuous {
					head += " continuous"
				}
				p.block(head, m.Pos, p.settings(m.Settings, true), m.End)
			}})
		case *CompartmentBlock:
			es = append(es, entry{sp, false, func() {
				p.block("compartment "+ident(m.Name), m.Pos, p.members(m.Members, align), m.End)
			}})
		case *Setting:
			es = append(es, p.setting(m, align))
		}
	}
	return es
}

// keywordEnd is the end of a keyword written at pos.
func keywordEnd(pos Pos, kw string) Pos {
	if !pos.IsValid() {
		return pos
	}
	pos.Offset += len(kw)
	pos.Col += utf8.RuneCountInString(kw)
	return pos
}

func (p *printer) equations(b *EquationsBlock) {
	var es []entry
	if b.Method != nil {
		sp := b.Method.Span
		if len(b.Items) > 0 && !isNil(b.Items[0]) && rangeOf(b.Items[0]).Pos.Offset < sp.Pos.Offset {
			sp = Span{} // moved to the front: leave its comments where they are
		}
		es = append(es, entry{sp, true, func() { p.line("method " + b.Method.Name) }})
	}
	for _, it := range b.Items {
		switch it := it.(type) {
		case *ODE:
			es = append(es, entry{it.Span, true, func() {
				lhs := ident(it.Var) + "'"
				if it.DDt {
					lhs = "d" + ident(it.Var) + "/dt"
				}
				rhs := "= " + expr(it.Rhs)
				if it.UnlessRefractory {
					rhs += " unless refractory"
					if it.KeepInputs {
						rhs += " except inputs"
					}
				}
				p.aligned(lhs, rhs)
			}})
		case *Alias:
			es = append(es, entry{it.Span, true, func() { p.aligned(ident(it.Name), "= "+expr(it.Value)) }})
		}
	}
	p.block("equations", keywordEnd(b.Pos, "equations"), es, b.End)
}

func (p *printer) port(port *Port) entry {
	name := ident(port.Name) + ":"
	switch {
	case port.Continuous && port.Current:
		return entry{port.Span, true, func() { p.line(name + " current") }}
	case port.Continuous:
		s := name + " continuous"
		if port.Unit != nil {
			s += " " + unitString(port.Unit)
		}
		return entry{port.Span, true, func() { p.line(s) }}
	case !port.Braced && len(port.Body) == 1 && !isNil(port.Body[0]):
		if s, ok := simpleStmt(port.Body[0]); ok {
			return entry{port.Span, true, func() { p.line(name + " " + s) }}
		}
		if is, ok := port.Body[0].(*IfStmt); ok {
			return entry{port.Span, false, func() { p.ifStmt(is, name+" ") }}
		}
	}
	return entry{port.Span, false, func() {
		if len(port.Body) <= 3 && !p.commentIn(port.Span) {
			var parts []string
			for _, s := range port.Body {
				if str, ok := simpleStmt(s); ok {
					parts = append(parts, str)
				}
			}
			if len(parts) == len(port.Body) {
				s := name + " { " + strings.Join(parts, "; ") + " }"
				if len(parts) == 0 {
					s = name + " {}"
				}
				if p.fits(s) {
					p.line(s)
					return
				}
			}
		}
		p.block(name, rangeOf(port.Name).End, p.stmts(port.Body), port.End)
	}}
}

// ---- settings ----

func (p *printer) settings(ss []*Setting, align bool) []entry {
	var es []entry
	for _, s := range ss {
		if s != nil {
			es = append(es, p.setting(s, align))
		}
	}
	return es
}

func (p *printer) setting(s *Setting, align bool) entry {
	if s.IsBlock {
		return entry{s.Span, false, func() {
			p.block(ident(s.Name), s.Pos, p.settings(s.Block, align), s.End)
		}}
	}
	return entry{s.Span, true, func() {
		rhs := "= " + expr(s.Value)
		if s.ExceptSelf {
			rhs += " except self"
		}
		if align {
			p.aligned(ident(s.Name), rhs)
		} else {
			p.line(ident(s.Name) + " " + rhs)
		}
	}}
}

func settingInline(s *Setting) inlineItem {
	if s.IsBlock {
		return inlineItem{text: ident(s.Name) + " " + joinInline(settingsInline(s.Block))}
	}
	str := ident(s.Name) + " = " + expr(s.Value)
	if s.ExceptSelf {
		return inlineItem{text: str + " except self"}
	}
	return inlineItem{str, endsInBareNumber(s.Value)}
}

func settingsInline(ss []*Setting) []inlineItem {
	var out []inlineItem
	for _, s := range ss {
		if s != nil {
			out = append(out, settingInline(s))
		}
	}
	return out
}

// ---- statements ----

func (p *printer) stmts(ss []Stmt) []entry {
	var es []entry
	for _, s := range ss {
		if isNil(s) {
			continue
		}
		if str, ok := simpleStmt(s); ok {
			es = append(es, entry{rangeOf(s), true, func() { p.line(str) }})
		} else if is, ok := s.(*IfStmt); ok {
			es = append(es, entry{is.Span, false, func() { p.ifStmt(is, "") }})
		}
	}
	return es
}

// simpleStmt returns the one-line form of a statement other than `if`.
func simpleStmt(s Stmt) (string, bool) {
	switch s := s.(type) {
	case *AssignStmt:
		return expr(s.Target) + " " + s.Op + " " + expr(s.Value), true
	case *RefractoryStmt:
		return "refractory " + expr(s.Duration), true
	case *DeliverStmt:
		str := "deliver " + expr(s.Value)
		if s.Port != nil {
			str += " to " + s.Port.Name
		}
		return str, true
	}
	return "", false
}

// ifStmt prints an if statement whose first line starts with prefix.
func (p *printer) ifStmt(s *IfStmt, prefix string) {
	condEnd := rangeOf(s.Cond).End
	if condEnd.IsValid() {
		p.flushInside(condEnd.Offset)
	}
	p.line(prefix + "if " + expr(s.Cond) + " {")
	var elseIf *IfStmt
	if len(s.Else) == 1 {
		elseIf, _ = s.Else[0].(*IfStmt)
	}
	thenEnd := s.End
	if len(s.Else) > 0 {
		if sp := rangeOf(s.Else[0]); sp.Pos.IsValid() {
			thenEnd = sp.Pos
		}
	}
	then := p.stmts(s.Then)
	first := thenEnd.Offset
	if len(then) > 0 && then[0].span.Pos.IsValid() {
		first = then[0].span.Pos.Offset
	}
	p.trailing(condEnd, first)
	switch {
	case elseIf != nil:
		// Comments before `} else if` (and inside its condition) end the
		// then-block.
		end := rangeOf(elseIf.Cond).End
		if !end.IsValid() {
			end = thenEnd
		}
		p.body(then, end)
		p.ifStmt(elseIf, "} else ")
		return
	case len(s.Else) > 0:
		// The position of `else` is not known: comments between the two
		// bodies go into the else-body.
		p.bodyUpTo(then, thenEnd, false)
		p.line("} else {")
		p.body(p.stmts(s.Else), s.End)
	default:
		p.body(then, s.End)
	}
	p.line("}")
	if s.End.Line > p.lastLine {
		p.lastLine = s.End.Line
	}
}

// ---- network items ----

func (p *printer) netItems(items []NetItem) []entry {
	var es []entry
	for _, it := range items {
		if isNil(it) {
			continue
		}
		sp := rangeOf(it)
		switch it := it.(type) {
		case *Setting:
			es = append(es, p.setting(it, true))
		case *PopulationDecl:
			head := "population " + ident(it.Name) + " = " + ident(it.Type)
			headEnd := rangeOf(it.Type).End
			if len(it.Shape) > 0 {
				head += "[" + exprList(it.Shape) + "]"
				if e := rangeOf(it.Shape[len(it.Shape)-1]).End; e.IsValid() {
					headEnd = e
				}
			}
			es = append(es, p.bodyEntry(sp, head, headEnd, settingsInline(it.Overrides),
				func() []entry { return p.settings(it.Overrides, false) }, len(it.Overrides)))
		case *InputDecl:
			s := "input " + ident(it.Name) + " = "
			if it.Source != nil {
				s += expr(it.Source)
			}
			if it.Target != nil {
				s += " -> " + it.Target.Name + sliceText(it.Slice)
				if it.Port != nil {
					s += " : " + it.Port.Name
				}
			}
			es = append(es, entry{sp, true, func() { p.line(s) }})
		case *ProjectDecl:
			head := "project "
			if it.Name != nil {
				head += it.Name.Name + " = "
			}
			head += endList(it.Pre, it.PreSlice) + " -> " + endList(it.Post, it.PostSlice) + " : " + ident(it.Port)
			headEnd := rangeOf(it.Port).End
			if it.Synapse != nil {
				head += " using " + it.Synapse.Name
				headEnd = it.Synapse.End
			}
			var inline []inlineItem
			for _, pi := range it.Items {
				if s, ok := projItemInline(pi); ok {
					inline = append(inline, s)
				}
			}
			es = append(es, p.bodyEntry(sp, head, headEnd, inline,
				func() []entry { return p.projItems(it.Items) }, len(it.Items)))
		case *WtaDecl:
			es = append(es, p.bodyEntry(sp, "wta "+ident(it.Pop), rangeOf(it.Pop).End, settingsInline(it.Settings),
				func() []entry { return p.settings(it.Settings, true) }, len(it.Settings)))
		case *RecordDecl:
			s := "record " + exprList(it.Targets)
			if it.Every != nil {
				s += " every " + expr(it.Every)
			}
			if it.AtEnd {
				s += " at end"
			}
			es = append(es, entry{sp, true, func() { p.line(s) }})
		}
	}
	return es
}

// bodyEntry is a network item with an optional `{ ... }` body of n items:
// one line when the source had it on one line and it fits.
func (p *printer) bodyEntry(sp Span, head string, headEnd Pos, inline []inlineItem, items func() []entry, n int) entry {
	if n == 0 {
		return entry{sp, true, func() { p.line(head) }}
	}
	// Not a leaf: when the body holds a comment it prints as a block, and
	// the one-line form is chosen only when there is none.
	return entry{sp, false, func() {
		if s, ok := p.oneLine(sp, head, inline); ok && len(inline) == n {
			p.line(s)
			return
		}
		p.block(head, headEnd, items(), sp.End)
	}}
}

// runItems prints a run's settings and phases in source order.
func (p *printer) runItems(d *RunDecl) []entry {
	es := p.settings(d.Settings, true)
	for _, ph := range d.Phases {
		if ph == nil {
			continue
		}
		head := "phase " + ident(ph.Name) + " at " + expr(ph.At)
		es = append(es, entry{ph.Span, false, func() {
			p.block(head, rangeOf(ph.At).End, p.stmts(ph.Body), ph.End)
		}})
	}
	slices.SortStableFunc(es, func(x, y entry) int {
		if a, b := x.span.Pos, y.span.Pos; a.IsValid() && b.IsValid() {
			return a.Offset - b.Offset
		}
		return 0
	})
	return es
}

func projItemInline(it ProjItem) (inlineItem, bool) {
	switch it := it.(type) {
	case *Setting:
		if it != nil {
			return settingInline(it), true
		}
	case *NormalizeStmt:
		if it != nil {
			return inlineItem{normalizeString(it), endsInBareNumber(it.Every)}, true
		}
	case *ModulatorItem:
		if it != nil {
			text := "modulator " + ident(it.Name) + " = " + ident(it.Source)
			if it.PerPost {
				text += " one_to_one"
			}
			return inlineItem{text: text}, true
		}
	}
	return inlineItem{}, false
}

func normalizeString(n *NormalizeStmt) string {
	return "normalize " + ident(n.Func) + "(" + ident(n.Var) + ") = " + expr(n.Target) + " every " + expr(n.Every)
}

func (p *printer) projItems(items []ProjItem) []entry {
	var es []entry
	for _, it := range items {
		if isNil(it) {
			continue
		}
		if s, ok := it.(*Setting); ok {
			es = append(es, p.setting(s, false))
			continue
		}
		if item, ok := projItemInline(it); ok {
			es = append(es, entry{rangeOf(it), true, func() { p.line(item.text) }})
		}
	}
	return es
}

// ---- expressions ----

// Precedence levels, low to high.
const (
	precOr = iota + 1
	precAnd
	precNot
	precCmp
	precSum
	precProd
	precUnary
	precPow
	precPostfix
)

func binaryPrec(op string) int {
	switch op {
	case "or":
		return precOr
	case "and":
		return precAnd
	case "<", "<=", ">", ">=", "==", "!=":
		return precCmp
	case "+", "-":
		return precSum
	case "*", "/", "%":
		return precProd
	case "^":
		return precPow
	}
	return precCmp
}

func precOf(e Expr) int {
	switch e := e.(type) {
	case *BinaryExpr:
		return binaryPrec(e.Op)
	case *UnaryExpr:
		if e.Op == "not" {
			return precNot
		}
		return precUnary
	}
	// An if-expression is a primary, but its else-branch swallows whatever
	// follows: see openEnded.
	return precPostfix
}

// openEndedSteps counts the nodes openEnded looks at, so that a test can
// check that printing an expression stays linear in its size.
var openEndedSteps atomic.Int64

// openEnded reports whether the printed form of e ends in an if-expression's
// else-branch that would swallow an operator printed after it.
func openEnded(e Expr) bool {
	openEndedSteps.Add(1)
	switch e := e.(type) {
	case *IfExpr:
		return true
	case *UnaryExpr:
		return !unaryNeedsParens(e) && openEnded(e.X)
	case *BinaryExpr:
		// only the right operand's parentheses matter here; asking
		// binaryNeedsParens would also walk e.X and make printing a long
		// sum quadratic
		_, right := precParens(e)
		return !right && openEnded(e.Y)
	}
	return false
}

// endsInBareNumber reports whether the printed form of e ends in a number
// literal without unit.
func endsInBareNumber(e Expr) bool {
	switch e := e.(type) {
	case *NumberLit:
		return e != nil && (e.Unit == nil || len(e.Unit.Factors) == 0)
	case *UnaryExpr:
		return e != nil && !unaryNeedsParens(e) && endsInBareNumber(e.X)
	case *BinaryExpr:
		if e == nil {
			return false
		}
		_, right := precParens(e)
		return !right && endsInBareNumber(e.Y)
	case *IfExpr:
		return e != nil && endsInBareNumber(e.Else)
	}
	return false
}

func unaryNeedsParens(e *UnaryExpr) bool {
	if e.Op == "not" {
		return precOf(e.X) < precNot
	}
	return precOf(e.X) < precUnary
}

func binaryNeedsParens(e *BinaryExpr) (left, right bool) {
	left, right = precParens(e)
	left = left || openEnded(e.X)
	return left, right
}

// precParens is binaryNeedsParens from precedence alone, without looking
// into the operands' printed forms.
func precParens(e *BinaryExpr) (left, right bool) {
	pr := binaryPrec(e.Op)
	lp, rp := precOf(e.X), precOf(e.Y)
	switch {
	case e.Op == "^":
		// x ^ y: x is a postfix expression, y a unary one (right-associative).
		left = lp < precPostfix
		if n, ok := e.X.(*NumberLit); ok && n.Unit != nil {
			left = true // `2 mV ^ 2` would read as the unit mV^2
		}
		right = rp < precUnary
	case pr == precCmp:
		left, right = lp <= precCmp, rp <= precCmp
	default:
		left, right = lp < pr, rp <= pr
	}
	return left, right
}

func expr(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func exprList(es []Expr) string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		writeExpr(&b, e)
	}
	return b.String()
}

func writeParen(b *strings.Builder, e Expr, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	writeExpr(b, e)
	if paren {
		b.WriteByte(')')
	}
}

// writePostfixBase writes the operand of `.name` or `[...]`.
func writePostfixBase(b *strings.Builder, x Expr) {
	writeParen(b, x, precOf(x) < precPostfix || openEnded(x))
	if n, ok := x.(*NumberLit); ok && n.Unit == nil {
		b.WriteByte(' ') // `2.x` would read as the number `2.` with unit x
	}
}

func writeExpr(b *strings.Builder, e Expr) {
	if isNil(e) {
		return
	}
	switch e := e.(type) {
	case *NumberLit:
		if e.Text != "" {
			b.WriteString(e.Text)
		} else {
			b.WriteString(strconv.FormatFloat(e.Value, 'g', -1, 64))
		}
		if e.Unit != nil && len(e.Unit.Factors) > 0 {
			if f := e.Unit.Factors[0]; f == nil || !f.Div {
				b.WriteByte(' ')
			}
			b.WriteString(unitString(e.Unit))
		}
	case *StringLit:
		b.WriteString(strconv.Quote(e.Value))
	case *BoolLit:
		b.WriteString(strconv.FormatBool(e.Value))
	case *Ident:
		b.WriteString(e.Name)
	case *UnaryExpr:
		b.WriteString(e.Op)
		if e.Op == "not" {
			b.WriteByte(' ')
		}
		writeParen(b, e.X, unaryNeedsParens(e))
	case *BinaryExpr:
		left, right := binaryNeedsParens(e)
		writeParen(b, e.X, left)
		b.WriteString(" " + e.Op + " ")
		writeParen(b, e.Y, right)
	case *ParenExpr:
		writeParen(b, e.X, true)
	case *CallExpr:
		b.WriteString(ident(e.Fun) + "(")
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			if a == nil {
				continue
			}
			if a.Name != nil {
				b.WriteString(a.Name.Name + " = ")
			}
			writeExpr(b, a.Value)
		}
		b.WriteByte(')')
	case *FieldExpr:
		writePostfixBase(b, e.X)
		b.WriteString("." + ident(e.Name))
	case *IndexExpr:
		writePostfixBase(b, e.X)
		b.WriteByte('[')
		writeExpr(b, e.Lo)
		if e.IsSlice {
			b.WriteByte(':')
			writeExpr(b, e.Hi)
		}
		b.WriteByte(']')
	case *IfExpr:
		b.WriteString("if ")
		writeExpr(b, e.Cond)
		b.WriteString(" then ")
		writeExpr(b, e.Then)
		b.WriteString(" else ")
		writeExpr(b, e.Else)
	case *ListExpr:
		b.WriteString("[" + exprList(e.Elems) + "]")
	}
}

// unitString prints a unit: `ms`, `mV/ms`, `/ms` (after a number: `1/ms`),
// `nS*mV`, `mV^2`.
func unitString(u *UnitExpr) string {
	if u == nil {
		return ""
	}
	var b strings.Builder
	for i, f := range u.Factors {
		if f == nil {
			continue
		}
		switch {
		case f.Div:
			b.WriteByte('/')
		case i > 0:
			b.WriteByte('*')
		}
		b.WriteString(f.Name)
		if f.Exp != 1 {
			b.WriteString("^" + strconv.Itoa(f.Exp))
		}
	}
	return b.String()
}

// ---- helpers ----

func ident(id *Ident) string {
	if id == nil {
		return ""
	}
	return id.Name
}

// endList prints a projection's ends with their views.
func endList(ids []*Ident, slices []*Slice) string {
	names := make([]string, 0, len(ids))
	for k, id := range ids {
		n := ident(id)
		if k < len(slices) {
			n += sliceText(slices[k])
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// sliceText prints a view [lo:hi] ("" for none).
func sliceText(s *Slice) string {
	if s == nil {
		return ""
	}
	t := "["
	if s.Lo != nil {
		t += expr(s.Lo)
	}
	t += ":"
	if s.Hi != nil {
		t += expr(s.Hi)
	}
	return t + "]"
}

// isNil reports whether n is nil or a typed nil pointer.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	switch n := n.(type) {
	case *Ident:
		return n == nil
	case *NumberLit:
		return n == nil
	case *StringLit:
		return n == nil
	case *BoolLit:
		return n == nil
	case *UnaryExpr:
		return n == nil
	case *BinaryExpr:
		return n == nil
	case *ParenExpr:
		return n == nil
	case *CallExpr:
		return n == nil
	case *FieldExpr:
		return n == nil
	case *IndexExpr:
		return n == nil
	case *IfExpr:
		return n == nil
	case *ListExpr:
		return n == nil
	case *ImportDecl:
		return n == nil
	case *FuncDecl:
		return n == nil
	case *TypeDecl:
		return n == nil
	case *NetworkDecl:
		return n == nil
	case *RunDecl:
		return n == nil
	case *PhaseDecl:
		return n == nil
	case *WtaDecl:
		return n == nil
	case *VarBlock:
		return n == nil
	case *EquationsBlock:
		return n == nil
	case *InputsBlock:
		return n == nil
	case *OnBlock:
		return n == nil
	case *DendriteBlock:
		return n == nil
	case *CompartmentBlock:
		return n == nil
	case *Setting:
		return n == nil
	case *ODE:
		return n == nil
	case *Alias:
		return n == nil
	case *AssignStmt:
		return n == nil
	case *RefractoryStmt:
		return n == nil
	case *DeliverStmt:
		return n == nil
	case *IfStmt:
		return n == nil
	case *PopulationDecl:
		return n == nil
	case *InputDecl:
		return n == nil
	case *ProjectDecl:
		return n == nil
	case *RecordDecl:
		return n == nil
	case *NormalizeStmt:
		return n == nil
	case *ModulatorItem:
		return n == nil
	case *UnitExpr:
		return n == nil
	case *UnitFactor:
		return n == nil
	case *Param:
		return n == nil
	case *Arg:
		return n == nil
	case *VarDecl:
		return n == nil
	case *Port:
		return n == nil
	case *File:
		return n == nil
	}
	return false
}

// rangeOf is n.Range(), or the zero Span for a nil node.
func rangeOf(n Node) Span {
	if isNil(n) {
		return Span{}
	}
	return n.Range()
}
