package parser

import (
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
	Decls []*gDecl `( NL | ";" | @@ )*`
}

type gDecl struct {
	gPos
	Import  *gImport  `  @@`
	Func    *gFunc    `| @@`
	Type    *gType    `| @@`
	Network *gNetwork `| @@`
	Run     *gRun     `| @@`
}

type gName struct {
	gPos
	Name string `@Ident`
}

type gString struct {
	gPos
	Value string `@String`
}

type gImport struct {
	gPos
	Path *gString `"import" @@`
}

type gFunc struct {
	gPos
	Name   *gName     `"function" @@ "("`
	Params []*gParam  `( @@ ( "," @@ )* )? ")"`
	Result *gUnitAnn  `( ":" @@ )?`
	Body   *gExpr     `"=" @@`
}

type gParam struct {
	gPos
	Name *gName    `@@`
	Unit *gUnitAnn `( ":" @@ )?`
}

type gType struct {
	gPos
	Kind    string     `@( "neuron" | "synapse" )`
	Name    *gName     `@@ "{"`
	Members []*gMember `( NL | ";" | @@ )* "}"`
}

type gMember struct {
	gPos
	Vars    *gVarBlock    `  @@`
	Eqs     *gEquations   `| @@`
	Inputs  *gInputs      `| @@`
	On      *gOn          `| @@`
	Dend    *gDendrite    `| @@`
	Comp    *gCompartment `| @@`
	Setting *gSetting     `| @@`
}

type gVarBlock struct {
	gPos
	Kind string     `@( "parameters" | "state" ) "{"`
	Vars []*gVarDecl `( NL | ";" | @@ )* "}"`
}

type gVarDecl struct {
	gPos
	Name  *gName    `@@`
	Unit  *gUnitAnn `( ":" @@ )?`
	Value *gExpr    `"=" @@`
}

type gEquations struct {
	gPos
	Items []*gEqItem `"equations" "{" ( NL | ";" | @@ )* "}"`
}

type gEqItem struct {
	gPos
	Method *gName `(   "method" @@`
	Lhs    *gName `  | @@`
	Prime  bool   `    ( @"'"`
	DDt    bool   `    | @"/" "dt" )?`
	Rhs    *gExpr `    "=" @@`
	Unless bool   `    @( "unless" "refractory" )? )`
}

type gInputs struct {
	gPos
	Ports []*gPort `"inputs" "{" ( NL | ";" | @@ )* "}"`
}

type gPort struct {
	gPos
	Name    *gName    `@@ ":"`
	Braced  bool      `(   @"{"`
	Body    []*gStmt  `    ( NL | ";" | @@ )* "}"`
	Current bool      `  | @"current"`
	Cont    bool      `  | @"continuous"`
	Unit    *gUnitAnn `    @@?`
	Single  *gStmt    `  | @@ )`
}

type gOn struct {
	gPos
	Event  *gName   `"on" @@`
	Cond   *gExpr   `@@?`
	Active bool     `@"active"? "{"`
	Body   []*gStmt `( NL | ";" | @@ )* "}"`
}

type gDendrite struct {
	gPos
	Name       *gName      `"dendrite" @@`
	Continuous bool        `@"continuous"? "{"`
	Settings   []*gSetting `( NL | ";" | @@ )* "}"`
}

type gCompartment struct {
	gPos
	Name    *gName     `"compartment" @@ "{"`
	Members []*gMember `( NL | ";" | @@ )* "}"`
}

type gSetting struct {
	gPos
	Name       *gName      `@@`
	Value      *gExpr      `(   "=" @@`
	ExceptSelf bool        `    @( "except" "self" )?`
	IsBlock    bool        `  | @"{"`
	Block      []*gSetting `    ( NL | ";" | @@ )* "}" )`
}

// ---- statements ----

type gStmt struct {
	gPos
	If         *gIf       `  @@`
	Refractory *gExpr     `| "refractory" @@`
	Deliver    *gDeliver  `| @@`
	Assign     *gAssign   `| @@`
}

type gIf struct {
	gPos
	Cond   *gExpr   `"if" @@ "{"`
	Then   []*gStmt `( NL | ";" | @@ )* "}"`
	ElseIf *gIf     `( "else" ( @@`
	Else   []*gStmt `          | "{" ( NL | ";" | @@ )* "}" ) )?`
}

type gDeliver struct {
	gPos
	Value *gExpr `"deliver" @@`
	Port  *gName `( "to" @@ )?`
}

type gAssign struct {
	gPos
	Target *gPostfix `@@`
	Op     string    `@( "=" | "+=" | "-=" | "*=" | "/=" )`
	Value  *gExpr    `@@`
}

// ---- networks ----

type gNetwork struct {
	gPos
	Name  *gName     `"network" @@ "{"`
	Items []*gNetItem `( NL | ";" | @@ )* "}"`
}

type gNetItem struct {
	gPos
	Pop     *gPopulation `  @@`
	Input   *gInput      `| @@`
	Project *gProject    `| @@`
	Record  *gRecord     `| @@`
	Setting *gSetting    `| @@`
}

type gPopulation struct {
	gPos
	Name      *gName      `"population" @@ "="`
	Type      *gName      `@@`
	Shape     []*gExpr    `( "[" @@ ( "," @@ )* "]" )?`
	Braced    bool        `( @"{"`
	Overrides []*gSetting `  ( NL | ";" | @@ )* "}" )?`
}

type gInput struct {
	gPos
	Name   *gName `"input" @@ "="`
	Source *gCall `@@`
	Target *gName `( "->" @@`
	Port   *gName `  ":" @@ )?`
}

type gProject struct {
	gPos
	Pre     []*gName     `"project" @@ ( "," @@ )*`
	Post    []*gName     `"->" @@ ( "," @@ )*`
	Port    *gName       `":" @@`
	Synapse *gName       `( "using" @@ )?`
	Braced  bool         `( @"{"`
	Items   []*gProjItem `  ( NL | ";" | @@ )* "}" )?`
}

type gProjItem struct {
	gPos
	Normalize *gNormalize `  @@`
	Modulator *gModulator `| @@`
	Setting   *gSetting   `| @@`
}

type gNormalize struct {
	gPos
	Func   *gName `"normalize" @@ "("`
	Var    *gName `@@ ")" "="`
	Target *gExpr `@@`
	Every  *gExpr `"every" @@`
}

type gModulator struct {
	gPos
	Name   *gName `"modulator" @@ "="`
	Source *gName `@@`
}

type gRecord struct {
	gPos
	Targets []*gExpr `"record" @@ ( "," @@ )*`
	Every   *gExpr   `( "every" @@ )?`
}

type gRun struct {
	gPos
	Network  *gName      `"run" @@`
	Duration *gExpr      `"for" @@`
	Braced   bool        `( @"{"`
	Settings []*gSetting `  ( NL | ";" | @@ )* "}" )?`
}

// ---- expressions, one level per precedence ----

type gExpr struct {
	gPos
	X    *gAnd   `@@`
	Rest []*gAnd `( "or" @@ )*`
}

type gAnd struct {
	gPos
	X    *gNot   `@@`
	Rest []*gNot `( "and" @@ )*`
}

type gNot struct {
	gPos
	Not *gNot `  "not" @@`
	Cmp *gCmp `| @@`
}

type gCmp struct {
	gPos
	X  *gSum  `@@`
	Op string `( @( "<" | "<=" | ">" | ">=" | "==" | "!=" )`
	Y  *gSum  `  @@ )?`
}

type gSum struct {
	gPos
	X    *gProd     `@@`
	Rest []*gOpProd `@@*`
}

type gOpProd struct {
	gPos
	Op string `@( "+" | "-" )`
	X  *gProd `@@`
}

type gProd struct {
	gPos
	X    *gUnary     `@@`
	Rest []*gOpUnary `@@*`
}

type gOpUnary struct {
	gPos
	Op string  `@( "*" | "/" | "%" )`
	X  *gUnary `@@`
}

type gUnary struct {
	gPos
	Op  string  `(   @( "-" | "+" )`
	X   *gUnary `    @@`
	Pow *gPow   `  | @@ )`
}

type gPow struct {
	gPos
	X   *gPostfix `@@`
	Exp *gUnary   `( "^" @@ )?`
}

type gPostfix struct {
	gPos
	X        *gPrimary  `@@`
	Suffixes []*gSuffix `@@*`
}

type gSuffix struct {
	gPos
	Field   *gName `(   "." @@`
	Bracket bool   `  | @"["`
	Lo      *gExpr `    @@?`
	Colon   bool   `    @":"?`
	Hi      *gExpr `    @@? "]" )`
}

type gPrimary struct {
	gPos
	Number *gNumber `  @@`
	String *gString `| @@`
	Bool   *gBool   `| @@`
	If     *gIfExpr `| @@`
	Call   *gCall   `| @@`
	Ident  *gName   `| @@`
	Paren  *gExpr   `| "(" @@ ")"`
	List   *gList   `| @@`
}

type gNumber struct {
	gPos
	Value string    `@Number`
	Unit  *gUnitLit `@@?`
}

type gBool struct {
	gPos
	Value string `@( "true" | "false" )`
}

type gIfExpr struct {
	gPos
	Cond *gExpr `"if" @@`
	Then *gExpr `"then" @@`
	Else *gExpr `"else" @@`
}

type gCall struct {
	gPos
	Fun  *gName  `@@ "("`
	Args []*gArg `( @@ ( "," @@ )* ","? )? ")"`
}

type gArg struct {
	gPos
	Name  *gName `( @@ "=" )?`
	Value *gExpr `@@`
}

type gList struct {
	gPos
	Elems []*gExpr `"[" ( @@ ( "," @@ )* ","? )? "]"`
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
	"using": true, "if": true, "active": true,
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
		if n := lex.Peek(); n.Type != tokIdent || !units.IsUnitName(n.Value) {
			lex.LoadCheckpoint(cp)
			return fs, end, nil
		}
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

// grammar is built in init: it needs rawLexer, which the initialisation order
// cannot see through the snnLexer interface value.
var grammar *participle.Parser[gFile]

func init() {
	grammar = participle.MustBuild[gFile](
		participle.Lexer(snnLexer{}),
		participle.Elide("Comment", "Whitespace"),
		participle.Unquote("String"),
		participle.UseLookahead(4),
	)
}
