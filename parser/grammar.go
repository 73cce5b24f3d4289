package parser

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/snnc/snnc/lang/units"
)

// The participle grammar. These structs mirror the concrete syntax; convert.go
// turns them into the lang AST. Blocks are `{ (NL | ";" | item)* }`, so items
// are separated by newlines or semicolons, and two settings may share a line
// when the first ends in a token that cannot continue (e.g. `)` or a unit).

type gPos struct {
	Pos    lexer.Position
	EndPos lexer.Position
}

type gFile struct {
	gPos
	Decls []*gDecl `parser:"( NL | \";\" | @@ )*"`
}

type gDecl struct {
	gPos
	Import  *gImport  `parser:"  @@"`
	Func    *gFunc    `parser:"| @@"`
	Type    *gType    `parser:"| @@"`
	Network *gNetwork `parser:"| @@"`
	Run     *gRun     `parser:"| @@"`
}

type gName struct {
	gPos
	Name string `parser:"@Ident"`
}

type gString struct {
	gPos
	Value string `parser:"@String"`
}

type gImport struct {
	gPos
	Path *gString `parser:"\"import\" @@"`
}

type gFunc struct {
	gPos
	Name   *gName    `parser:"\"function\" @@ \"(\""`
	Params []*gParam `parser:"( @@ ( \",\" @@ )* )? \")\""`
	Result *gUnitAnn `parser:"( \":\" @@ )?"`
	Body   *gExpr    `parser:"\"=\" @@"`
}

type gParam struct {
	gPos
	Name *gName    `parser:"@@"`
	Unit *gUnitAnn `parser:"( \":\" @@ )?"`
}

type gType struct {
	gPos
	Kind    string     `parser:"@( \"neuron\" | \"synapse\" )"`
	Name    *gName     `parser:"@@ \"{\""`
	Members []*gMember `parser:"( NL | \";\" | @@ )* \"}\""`
}

type gMember struct {
	gPos
	Vars    *gVarBlock    `parser:"  @@"`
	Eqs     *gEquations   `parser:"| @@"`
	Inputs  *gInputs      `parser:"| @@"`
	On      *gOn          `parser:"| @@"`
	Dend    *gDendrite    `parser:"| @@"`
	Comp    *gCompartment `parser:"| @@"`
	Setting *gSetting     `parser:"| @@"`
}

type gVarBlock struct {
	gPos
	Kind string      `parser:"@( \"parameters\" | \"state\" ) \"{\""`
	Vars []*gVarDecl `parser:"( NL | \";\" | @@ )* \"}\""`
}

type gVarDecl struct {
	gPos
	Name  *gName    `parser:"@@"`
	Unit  *gUnitAnn `parser:"( \":\" @@ )?"`
	Value *gExpr    `parser:"\"=\" @@"`
}

type gEquations struct {
	gPos
	Items []*gEqItem `parser:"\"equations\" \"{\" ( NL | \";\" | @@ )* \"}\""`
}

type gEqItem struct {
	gPos
	Method *gName `parser:"(   \"method\" @@"`
	Lhs    *gName `parser:"  | @@"`
	Prime  bool   `parser:"    ( @\"'\""`
	DDt    bool   `parser:"    | @\"/\" \"dt\" )?"`
	Rhs    *gExpr `parser:"    \"=\" @@"`
	Unless bool   `parser:"    ( @( \"unless\" \"refractory\" )"`
	Keep   bool   `parser:"      @( \"except\" \"inputs\" )? )? )"`
}

type gInputs struct {
	gPos
	Ports []*gPort `parser:"\"inputs\" \"{\" ( NL | \";\" | @@ )* \"}\""`
}

type gPort struct {
	gPos
	Name    *gName    `parser:"@@ \":\""`
	Braced  bool      `parser:"(   @\"{\""`
	Body    []*gStmt  `parser:"    ( NL | \";\" | @@ )* \"}\""`
	Current bool      `parser:"  | @\"current\""`
	Cont    bool      `parser:"  | @\"continuous\""`
	Unit    *gUnitAnn `parser:"    @@?"`
	Single  *gStmt    `parser:"  | @@ )"`
}

type gOn struct {
	gPos
	Event  *gName   `parser:"\"on\" @@"`
	Cond   *gExpr   `parser:"@@?"`
	Rising bool     `parser:"@\"rising\"?"`
	Active bool     `parser:"@\"active\"? \"{\""`
	Body   []*gStmt `parser:"( NL | \";\" | @@ )* \"}\""`
}

type gDendrite struct {
	gPos
	Name       *gName      `parser:"\"dendrite\" @@"`
	Continuous bool        `parser:"@\"continuous\"? \"{\""`
	Settings   []*gSetting `parser:"( NL | \";\" | @@ )* \"}\""`
}

type gCompartment struct {
	gPos
	Name    *gName     `parser:"\"compartment\" @@ \"{\""`
	Members []*gMember `parser:"( NL | \";\" | @@ )* \"}\""`
}

type gSetting struct {
	gPos
	Name       *gName      `parser:"@@"`
	Value      *gExpr      `parser:"(   \"=\" @@"`
	ExceptSelf bool        `parser:"    @( \"except\" \"self\" )?"`
	IsBlock    bool        `parser:"  | @\"{\""`
	Block      []*gSetting `parser:"    ( NL | \";\" | @@ )* \"}\" )"`
}

// ---- statements ----

type gStmt struct {
	gPos
	If         *gIf      `parser:"  @@"`
	Refractory *gExpr    `parser:"| \"refractory\" @@"`
	Deliver    *gDeliver `parser:"| @@"`
	Assign     *gAssign  `parser:"| @@"`
}

type gIf struct {
	gPos
	Cond   *gExpr   `parser:"\"if\" @@ \"{\""`
	Then   []*gStmt `parser:"( NL | \";\" | @@ )* \"}\""`
	ElseIf *gIf     `parser:"( \"else\" ( @@"`
	Else   []*gStmt `parser:"          | \"{\" ( NL | \";\" | @@ )* \"}\" ) )?"`
}

type gDeliver struct {
	gPos
	Value *gExpr `parser:"\"deliver\" @@"`
	Port  *gName `parser:"( \"to\" @@ )?"`
}

type gAssign struct {
	gPos
	Target *gPostfix `parser:"@@"`
	Op     string    `parser:"@( \"=\" | \"+=\" | \"-=\" | \"*=\" | \"/=\" )"`
	Value  *gExpr    `parser:"@@"`
}

// ---- networks ----

type gNetwork struct {
	gPos
	Name  *gName      `parser:"\"network\" @@ \"{\""`
	Items []*gNetItem `parser:"( NL | \";\" | @@ )* \"}\""`
}

type gNetItem struct {
	gPos
	Pop     *gPopulation `parser:"  @@"`
	Input   *gInput      `parser:"| @@"`
	Project *gProject    `parser:"| @@"`
	Record  *gRecord     `parser:"| @@"`
	Wta     *gWta        `parser:"| @@"`
	Setting *gSetting    `parser:"| @@"`
}

// gWta is `wta Pop { k = 1; by = expr }`.
type gWta struct {
	gPos
	Pop      *gName      `parser:"\"wta\" @@ \"{\""`
	Settings []*gSetting `parser:"( NL | \";\" | @@ )* \"}\""`
}

type gPopulation struct {
	gPos
	Name      *gName      `parser:"\"population\" @@ \"=\""`
	Type      *gName      `parser:"@@"`
	Shape     []*gExpr    `parser:"( \"[\" @@ ( \",\" @@ )* \"]\" )?"`
	Braced    bool        `parser:"( @\"{\""`
	Overrides []*gSetting `parser:"  ( NL | \";\" | @@ )* \"}\" )?"`
}

type gInput struct {
	gPos
	Name   *gName `parser:"\"input\" @@ \"=\""`
	Source *gCall `parser:"@@"`
	Target *gEnd  `parser:"( \"->\" @@"`
	Port   *gName `parser:"  \":\" @@ )?"`
}

// gEnd is a population named in a projection or an input's target, with an
// optional view [lo:hi].
type gEnd struct {
	gPos
	Name  *gName  `parser:"@@"`
	Slice *gSlice `parser:"@@?"`
}

type gSlice struct {
	gPos
	Lo    *gExpr `parser:"\"[\" @@?"`
	Colon bool   `parser:"@\":\"?"`
	Hi    *gExpr `parser:"@@? \"]\""`
}

type gProject struct {
	gPos
	Name    *gName       `parser:"\"project\" ( @@ \"=\" )?"`
	Pre     []*gEnd      `parser:"@@ ( \",\" @@ )*"`
	Post    []*gEnd      `parser:"\"->\" @@ ( \",\" @@ )*"`
	Port    *gName       `parser:"\":\" @@"`
	Synapse *gName       `parser:"( \"using\" @@ )?"`
	Braced  bool         `parser:"( @\"{\""`
	Items   []*gProjItem `parser:"  ( NL | \";\" | @@ )* \"}\" )?"`
}

type gProjItem struct {
	gPos
	Normalize *gNormalize `parser:"  @@"`
	Modulator *gModulator `parser:"| @@"`
	Setting   *gSetting   `parser:"| @@"`
}

type gNormalize struct {
	gPos
	Func   *gName `parser:"\"normalize\" @@ \"(\""`
	Var    *gName `parser:"@@ \")\" \"=\""`
	Target *gExpr `parser:"@@"`
	Every  *gExpr `parser:"\"every\" @@"`
}

type gModulator struct {
	gPos
	Name    *gName `parser:"\"modulator\" @@ \"=\""`
	Source  *gName `parser:"@@"`
	PerPost bool   `parser:"@\"one_to_one\"?"`
}

type gRecord struct {
	gPos
	Targets []*gExpr `parser:"\"record\" @@ ( \",\" @@ )*"`
	Every   *gExpr   `parser:"( \"every\" @@ )?"`
	AtEnd   bool     `parser:"( \"at\" @\"end\" )?"`
}

type gRun struct {
	gPos
	Network  *gName      `parser:"\"run\" @@"`
	Duration *gExpr      `parser:"\"for\" @@"`
	Braced   bool        `parser:"( @\"{\""`
	Items    []*gRunItem `parser:"  ( NL | \";\" | @@ )* \"}\" )?"`
}

type gRunItem struct {
	gPos
	Phase   *gPhase   `parser:"  @@"`
	Setting *gSetting `parser:"| @@"`
}

// gPhase is `phase NAME at T { Pop.var = value ... }` in a run.
type gPhase struct {
	gPos
	Name *gName   `parser:"\"phase\" @@"`
	At   *gExpr   `parser:"\"at\" @@ \"{\""`
	Body []*gStmt `parser:"( NL | \";\" | @@ )* \"}\""`
}

// ---- expressions, one level per precedence ----

type gExpr struct {
	gPos
	X    *gAnd   `parser:"@@"`
	Rest []*gAnd `parser:"( \"or\" @@ )*"`
}

type gAnd struct {
	gPos
	X    *gNot   `parser:"@@"`
	Rest []*gNot `parser:"( \"and\" @@ )*"`
}

type gNot struct {
	gPos
	Not *gNot `parser:"  \"not\" @@"`
	Cmp *gCmp `parser:"| @@"`
}

type gCmp struct {
	gPos
	X  *gSum  `parser:"@@"`
	Op string `parser:"( @( \"<\" | \"<=\" | \">\" | \">=\" | \"==\" | \"!=\" )"`
	Y  *gSum  `parser:"  @@ )?"`
}

type gSum struct {
	gPos
	X    *gProd     `parser:"@@"`
	Rest []*gOpProd `parser:"@@*"`
}

type gOpProd struct {
	gPos
	Op string `parser:"@( \"+\" | \"-\" )"`
	X  *gProd `parser:"@@"`
}

type gProd struct {
	gPos
	X    *gUnary     `parser:"@@"`
	Rest []*gOpUnary `parser:"@@*"`
}

type gOpUnary struct {
	gPos
	Op string  `parser:"@( \"*\" | \"/\" | \"%\" )"`
	X  *gUnary `parser:"@@"`
}

type gUnary struct {
	gPos
	Op  string  `parser:"(   @( \"-\" | \"+\" )"`
	X   *gUnary `parser:"    @@"`
	Pow *gPow   `parser:"  | @@ )"`
}

type gPow struct {
	gPos
	X   *gPostfix `parser:"@@"`
	Exp *gUnary   `parser:"( \"^\" @@ )?"`
}

type gPostfix struct {
	gPos
	X        *gPrimary  `parser:"@@"`
	Suffixes []*gSuffix `parser:"@@*"`
}

type gSuffix struct {
	gPos
	Field   *gName `parser:"(   \".\" @@"`
	Bracket bool   `parser:"  | @\"[\""`
	Lo      *gExpr `parser:"    @@?"`
	Colon   bool   `parser:"    @\":\"?"`
	Hi      *gExpr `parser:"    @@? \"]\" )"`
}

type gPrimary struct {
	gPos
	Number *gNumber `parser:"  @@"`
	String *gString `parser:"| @@"`
	Bool   *gBool   `parser:"| @@"`
	If     *gIfExpr `parser:"| @@"`
	Call   *gCall   `parser:"| @@"`
	Ident  *gName   `parser:"| @@"`
	Paren  *gExpr   `parser:"| \"(\" @@ \")\""`
	List   *gList   `parser:"| @@"`
}

type gNumber struct {
	gPos
	Value string    `parser:"@Number"`
	Unit  *gUnitLit `parser:"@@?"`
}

type gBool struct {
	gPos
	Value string `parser:"@( \"true\" | \"false\" )"`
}

type gIfExpr struct {
	gPos
	Cond *gExpr `parser:"\"if\" @@"`
	Then *gExpr `parser:"\"then\" @@"`
	Else *gExpr `parser:"\"else\" @@"`
}

type gCall struct {
	gPos
	Fun  *gName  `parser:"@@ \"(\""`
	Args []*gArg `parser:"( @@ ( \",\" @@ )* \",\"? )? \")\""`
}

type gArg struct {
	gPos
	Name  *gName `parser:"( @@ \"=\" )?"`
	Value *gExpr `parser:"@@"`
}

type gList struct {
	gPos
	Elems []*gExpr `parser:"\"[\" ( @@ ( \",\" @@ )* \",\"? )? \"]\""`
}

// ---- units (hand-written: the grammar depends on the unit table) ----

// gUnitFactor is one atom of a unit expression.
type gUnitFactor struct {
	Pos, EndPos lexer.Position
	Name        string
	Exp         int
	Div         bool
}

// gUnitLit is the unit after a number literal. The first identifier is
// always read as a unit (so `3 y` is an error about `y`, never silently a
// product), except keywords that may follow a number (`then`, `every`, ...).
// After that, `*` or `/` continues the unit only when the next identifier is
// a unit name: `2 mV/ms` is one literal, `2 mV / tau` is a division.
type gUnitLit struct {
	Pos, EndPos lexer.Position
	Factors     []*gUnitFactor
}

// gUnitAnn is a unit annotation (`x : mV/ms = ...`); its first atom may be
// any identifier or `1`.
type gUnitAnn struct {
	Pos, EndPos lexer.Position
	Factors     []*gUnitFactor
}

// Words that may follow a number literal and are never units.
var afterNumber = map[string]bool{
	"and": true, "or": true, "not": true, "then": true, "else": true,
	"unless": true, "every": true, "except": true, "for": true, "to": true,
	"using": true, "if": true, "active": true, "rising": true, "at": true,
	// words that start items: `w_max = 0.02  normalize sum(w) = ...`
	"normalize": true, "modulator": true, "record": true, "input": true,
	"population": true, "project": true, "deliver": true, "refractory": true,
	"on": true, "dendrite": true, "compartment": true, "parameters": true,
	"state": true, "equations": true, "inputs": true, "method": true,
	"run": true, "import": true, "function": true, "neuron": true,
	"synapse": true, "network": true, "phase": true, "wta": true, "by": true,
}

func (u *gUnitLit) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	first := t.Type == tokIdent && !afterNumber[t.Value]
	leadingDiv := false
	if !first && t.Type == tokPunct && t.Value == "/" {
		cp := lex.MakeCheckpoint()
		lex.Next()
		if n := lex.Peek(); n.Type == tokIdent && units.IsUnitName(n.Value) {
			leadingDiv = true
		}
		lex.LoadCheckpoint(cp)
	}
	if !first && !leadingDiv {
		return participle.NextMatch
	}
	u.Pos = t.Pos
	var err error
	u.Factors, u.EndPos, err = parseUnitFactors(lex, leadingDiv)
	return err
}

func (u *gUnitAnn) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != tokIdent && !(t.Type == tokNumber && t.Value == "1") {
		return participle.NextMatch
	}
	u.Pos = t.Pos
	var err error
	u.Factors, u.EndPos, err = parseUnitFactors(lex, false)
	return err
}

// parseUnitFactors reads atom [^ int] { (*|/) unit-atom [^ int] }. With
// leadingDiv the expression starts with '/' (as in `1/ms`).
func parseUnitFactors(lex *lexer.PeekingLexer, leadingDiv bool) ([]*gUnitFactor, lexer.Position, error) {
	var fs []*gUnitFactor
	var end lexer.Position
	div := false
	if leadingDiv {
		lex.Next()
		div = true
	}
	for {
		t := lex.Next()
		f := &gUnitFactor{Pos: t.Pos, Name: t.Value, Exp: 1, Div: div}
		end = endOf(*t)
		// optional ^int or ^-int
		if p := lex.Peek(); p.Type == tokPunct && p.Value == "^" {
			cp := lex.MakeCheckpoint()
			lex.Next()
			neg := false
			if m := lex.Peek(); m.Type == tokPunct && m.Value == "-" {
				lex.Next()
				neg = true
			}
			if n := lex.Peek(); n.Type == tokNumber && isSmallInt(n.Value) {
				lex.Next()
				f.Exp = atoiSmall(n.Value)
				if neg {
					f.Exp = -f.Exp
				}
				end = endOf(*n)
			} else {
				lex.LoadCheckpoint(cp)
			}
		}
		f.EndPos = end
		fs = append(fs, f)
		// continue with * or / only when a unit name follows
		p := lex.Peek()
		if p.Type != tokPunct || (p.Value != "*" && p.Value != "/") {
			return fs, end, nil
		}
		cp := lex.MakeCheckpoint()
		lex.Next()
		n := lex.Next()
		called := lex.Peek().Value == "(" // `2 mV * min(a, b)`: a call, not the unit minute
		lex.LoadCheckpoint(cp)
		if n.Type != tokIdent || !units.IsUnitName(n.Value) || called {
			return fs, end, nil
		}
		lex.Next()
		div = p.Value == "/"
	}
}

func endOf(t lexer.Token) lexer.Position {
	p := t.Pos
	p.Advance(t.Value)
	return p
}

func isSmallInt(s string) bool {
	if len(s) == 0 || len(s) > 2 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func atoiSmall(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// unquoteToken replaces participle.Unquote, which builds the value by
// string concatenation and so takes time quadratic in the literal's length.
func unquoteToken(t lexer.Token) (lexer.Token, error) {
	s := t.Value[1 : len(t.Value)-1]
	var b strings.Builder
	b.Grow(len(s))
	for s != "" {
		r, _, tail, err := strconv.UnquoteChar(s, '"')
		if err != nil {
			// point at the bad escape, and do not echo the whole literal
			p := t.Pos
			p.Advance(t.Value[:len(t.Value)-1-len(s)])
			return t, &lexer.Error{Msg: "invalid escape sequence in string", Pos: p}
		}
		b.WriteRune(r)
		s = tail
	}
	t.Value = b.String()
	return t, nil
}

// grammar is built in init: it needs rawLexer, which the initialisation order
// cannot see through the snnLexer interface value.
var grammar *participle.Parser[gFile]

func init() {
	grammar = participle.MustBuild[gFile](
		participle.Lexer(snnLexer{}),
		participle.Elide("Comment", "Whitespace"),
		participle.Map(unquoteToken, "String"),
		participle.UseLookahead(1),
	)
}
