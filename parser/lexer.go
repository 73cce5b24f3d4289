package parser

import (
	"io"

	"github.com/alecthomas/participle/v2/lexer"
)

// The raw token rules. Newlines are tokens: they end block items, which is
// what lets `tau = 3` on one line and `y = 4` on the next never read as the
// number 3 with unit y.
var rawLexer = lexer.MustSimple([]lexer.SimpleRule{
	// Rules are tried in order, and no two can match at the same place:
	// the commonest tokens, blanks, come first.
	{Name: "NL", Pattern: `\n`},
	{Name: "Whitespace", Pattern: `[ \t\r]+`},
	{Name: "Comment", Pattern: `#[^\n]*`},
	{Name: "String", Pattern: `"(\\.|[^"\\\n])*"`},
	{Name: "Number", Pattern: `(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?`},
	{Name: "Ident", Pattern: `[A-Za-z_µμΩ][A-Za-z0-9_µμΩ]*`}, // µ micro sign and μ Greek mu both spell micro
	{Name: "Punct", Pattern: `->|\+=|-=|\*=|/=|<=|>=|==|!=|[-+*/%^<>=(){}\[\],:;.']`},
})

// snnLexer wraps rawLexer with Go-like newline handling: a newline inside
// parentheses or brackets, after a token that cannot end an item (an
// operator, '=', ',', '{', ...) or after another newline is dropped.
type snnLexer struct{}

var _ lexer.Definition = snnLexer{}

func (snnLexer) Symbols() map[string]lexer.TokenType { return rawLexer.Symbols() }

func (snnLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	l, err := rawLexer.Lex(filename, r)
	if err != nil {
		return nil, err
	}
	return &nlFilter{l: l}, nil
}

var (
	tokNL      = rawLexer.Symbols()["NL"]
	tokPunct   = rawLexer.Symbols()["Punct"]
	tokComment = rawLexer.Symbols()["Comment"]
	tokWS      = rawLexer.Symbols()["Whitespace"]
	tokIdent   = rawLexer.Symbols()["Ident"]
	tokNumber  = rawLexer.Symbols()["Number"]
	tokString  = rawLexer.Symbols()["String"]
)

// continuation tokens: a newline right after one of these does not end the item.
var continuation = map[string]bool{
	"->": true, "+=": true, "-=": true, "*=": true, "/=": true, "<=": true,
	">=": true, "==": true, "!=": true, "-": true, "+": true, "*": true,
	"/": true, "%": true, "^": true, "<": true, ">": true, "=": true,
	"(": true, "[": true, "{": true, ",": true, ":": true, ".": true, ";": true,
}

var continuationWords = map[string]bool{"and": true, "or": true, "not": true}

// Nesting limits keep a hostile file from exhausting the parser's stack.
const (
	maxDepth   = 200 // open ( [ {
	maxPrefix  = 100 // prefix operators in a row: - - - x
	maxIfsItem = 200 // if-expressions in one item
)

type nlFilter struct {
	l      lexer.Lexer
	depth  int  // open ( and [
	braces int  // open {
	last   bool // last significant token was a continuation (or none yet)
	init   bool
	prefix int // prefix operators in a row
	ifs    int // if-expressions in the current item
	pows   int // ^ in the current item (right-associative: each one nests)
}

func tooDeep(t lexer.Token, what string) error {
	return &lexer.Error{Msg: "input nested too deeply (" + what + ")", Pos: t.Pos}
}

func (f *nlFilter) Next() (lexer.Token, error) {
	if !f.init {
		f.init, f.last = true, true
	}
	for {
		t, err := f.l.Next()
		if err != nil || t.EOF() {
			return t, err
		}
		switch t.Type {
		case tokComment, tokWS:
			return t, nil
		case tokNL:
			if f.depth > 0 || f.last {
				continue
			}
			f.last = true // collapse runs of newlines
			f.ifs, f.pows = 0, 0
			return t, nil
		case tokPunct:
			switch t.Value {
			case "(", "[":
				f.depth++
			case ")", "]":
				if f.depth > 0 {
					f.depth--
				}
			case "{":
				f.braces++
			case "}":
				if f.braces > 0 {
					f.braces--
				}
			case "-", "+":
				if f.last {
					f.prefix++
				}
			case "^":
				if f.pows++; f.pows > maxIfsItem {
					return t, tooDeep(t, "powers")
				}
			}
			if f.depth+f.braces > maxDepth {
				return t, tooDeep(t, "brackets")
			}
			if !(t.Value == "-" || t.Value == "+") || !f.last {
				f.prefix = 0
			}
			if f.prefix > maxPrefix {
				return t, tooDeep(t, "prefix operators")
			}
			f.last = continuation[t.Value]
			return t, nil
		case tokIdent:
			switch t.Value {
			case "not":
				f.prefix++
			case "if":
				f.ifs++
				f.prefix = 0
			default:
				f.prefix = 0
			}
			if f.prefix > maxPrefix || f.ifs > maxIfsItem {
				return t, tooDeep(t, "expression")
			}
			f.last = continuationWords[t.Value]
			return t, nil
		default:
			f.prefix = 0
			f.last = false
			return t, nil
		}
	}
}
