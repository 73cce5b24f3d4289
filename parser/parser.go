// Package parser turns .snn source text into the lang AST using a
// participle grammar (grammar.go) and a conversion step (convert.go).
package parser

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/snnc/snnc/lang"
)

// Parse parses one file. It always returns a File (possibly partial) and the
// diagnostics found; a syntax error stops at the first one, as the grammar
// cannot resynchronise, but conversion problems are all collected.
func Parse(filename string, src []byte) (*lang.File, lang.Diagnostics) {
	src = Normalize(src) // callers that keep src for excerpts normalize it first
	var diags lang.Diagnostics
	if !utf8.Valid(src) {
		p := firstInvalidUTF8(filename, src)
		diags.Errorf(p, p, "file is not valid UTF-8 text").Hint = "a .snn file must be UTF-8 text; is this a binary file?"
		return &lang.File{Name: filename}, diags
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		p := posAt(filename, src, i)
		diags.Errorf(p, p, "file contains a NUL byte").Hint = "a .snn file must be text; is this a binary file?"
		return &lang.File{Name: filename}, diags
	}
	g, err := grammar.ParseBytes(filename, src)
	if err != nil {
		syntaxError(&diags, filename, src, err)
		return &lang.File{Name: filename}, diags
	}
	c := &converter{diags: &diags}
	f := c.file(filename, g)
	f.Comments = comments(filename, src)
	return f, diags
}

func syntaxError(diags *lang.Diagnostics, filename string, src []byte, err error) {
	var perr participle.Error
	if !errors.As(err, &perr) {
		p := lang.Pos{File: filename, Line: 1, Col: 1}
		diags.Errorf(p, p, "%s", err.Error())
		return
	}
	p := pos(perr.Position())
	if p.File == "" {
		p.File = filename
	}
	msg := perr.Message()
	var hint string
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		tok := ute.Unexpected
		what := describeToken(tok)
		msg = "unexpected " + what
		if ute.Expect != "" {
			msg += ", expected " + ute.Expect
		}
		if tok.EOF() {
			if open, ok := unclosedBrace(filename, src); ok {
				hint = fmt.Sprintf("the `{` at %d:%d is never closed", open.Line, open.Col)
			}
		} else if tok.Value == "\n" {
			hint = "an item ended here; continue a long line after an operator or inside parentheses"
		} else if next, ok := afterItemStart(filename, src, tok); ok {
			// `delivr w`, `w + = 1 mV`: the name started an item that then
			// went wrong; point at what followed it
			p = pos(next.Pos)
			msg = fmt.Sprintf("unexpected %s after %s", describeToken(next), tok.Value)
			hint = "an item is name = value, an assignment (x += ...), or starts with a keyword"
			if tok.Value == "else" {
				hint = "`else` must follow the closing brace on the same line: } else {"
			} else if k := lang.DidYouMean(tok.Value, statementKeywords); k != "" {
				hint = fmt.Sprintf("did you mean %s?", k)
			}
		} else if num, unit, ok := numberThenName(filename, src, tok); ok && strings.Contains(" = += -= *= /= ' : ", " "+tok.Value+" ") {
			// `x = 3 y = 4`: the name after the number was taken as its unit
			p = pos(unit.Pos)
			msg = fmt.Sprintf("%s after the number %s is read as its unit, so %q cannot follow", unit.Value, num.Value, tok.Value)
			hint = "two items on one line need ';' between them (x = 3; y = 4), or put each on its own line"
		}
	} else if strings.Contains(msg, "too many iterations") {
		msg = "item too long: split it into several items"
	} else if strings.HasPrefix(msg, "invalid escape sequence") {
		hint = `strings take Go escapes: \" \\ \n \t; write \\ for a backslash`
	} else if strings.Contains(msg, "invalid input text") {
		msg = "invalid character in source"
		hint = "identifiers use letters, digits and _; comments start with #; strings use double quotes"
	}
	d := diags.Errorf(p, p, "%s", msg)
	d.Hint = hint
}

var statementKeywords = []string{"deliver", "refractory", "if", "else", "parameters", "state",
	"equations", "inputs", "dendrite", "compartment", "population", "project", "input", "record",
	"normalize", "modulator", "method", "import", "function", "neuron", "synapse", "network", "run"}

// afterItemStart: tok is a name that starts an item (after a newline, '{'
// or ';'); it returns the token that followed it if that cannot continue an
// item (not an assignment, '\”, '/', ':', '(' or '.').
func afterItemStart(filename string, src []byte, tok lexer.Token) (lexer.Token, bool) {
	if tok.Type != tokIdent {
		return tok, false
	}
	var prev, next *lexer.Token
	for t := range rawTokens(filename, src) {
		if t.Type == tokWS || t.Type == tokComment {
			continue
		}
		if t.Pos.Offset < tok.Pos.Offset {
			prev = &t
		} else if t.Pos.Offset > tok.Pos.Offset {
			next = &t
			break
		}
	}
	if prev != nil && prev.Type != tokNL && prev.Value != "{" && prev.Value != ";" {
		return tok, false
	}
	if next == nil || next.Type == tokNL {
		return tok, false
	}
	switch next.Value {
	case "=", "+=", "-=", "*=", "/=", "'", "/", ":", "(", ".", "{", "}":
		return tok, false
	}
	return *next, true
}

// numberThenName reports whether the two significant tokens before tok are
// a number and a name.
func numberThenName(filename string, src []byte, tok lexer.Token) (num, name lexer.Token, ok bool) {
	var sig []lexer.Token
	for t := range rawTokens(filename, src) {
		if t.Pos.Offset >= tok.Pos.Offset {
			break
		}
		if t.Type != tokWS && t.Type != tokComment {
			sig = append(sig, t)
		}
	}
	k := len(sig) - 1
	for k >= 2 && sig[k].Type == tokIdent && sig[k-1].Value == "." { // `0.5  E.v = ...` in a phase
		k -= 2
	}
	if k >= 1 && sig[k].Type == tokIdent && sig[k-1].Type == tokNumber {
		return sig[k-1], sig[k], true
	}
	return num, name, false
}

func describeToken(t lexer.Token) string {
	switch {
	case t.EOF():
		return "end of file"
	case t.Value == "\n":
		return "end of line"
	case t.Type == tokIdent:
		return fmt.Sprintf("name %q", t.Value)
	case t.Type == tokNumber:
		return fmt.Sprintf("number %s", t.Value)
	case t.Type == tokString:
		return "string " + t.Value
	default:
		return fmt.Sprintf("%q", t.Value)
	}
}

// rawTokens lexes src without the newline filter; errors end the stream.
// It yields tokens one by one rather than building a slice, so that a long
// file (say, megabytes of blank lines) costs no memory per token.
func rawTokens(filename string, src []byte) iter.Seq[lexer.Token] {
	return func(yield func(lexer.Token) bool) {
		l, err := rawLexer.LexString(filename, string(src))
		if err != nil {
			return
		}
		for {
			t, err := l.Next()
			if err != nil || t.EOF() || !yield(t) {
				return
			}
		}
	}
}

func unclosedBrace(filename string, src []byte) (lang.Pos, bool) {
	var stack []lexer.Position
	for t := range rawTokens(filename, src) {
		if t.Type != tokPunct {
			continue
		}
		switch t.Value {
		case "{":
			stack = append(stack, t.Pos)
		case "}":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) == 0 {
		return lang.Pos{}, false
	}
	return pos(stack[len(stack)-1]), true
}

func comments(filename string, src []byte) []*lang.Comment {
	if bytes.IndexByte(src, '#') < 0 {
		return nil // no comment: spare a second lexing pass
	}
	var out []*lang.Comment
	for t := range rawTokens(filename, src) {
		if t.Type == tokComment {
			out = append(out, &lang.Comment{Span: lang.Span{Pos: pos(t.Pos), End: pos(endOf(t))}, Text: strings.TrimRight(t.Value, " \t\r")})
		}
	}
	return out
}

func posAt(filename string, src []byte, off int) lang.Pos {
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return lang.Pos{File: filename, Offset: off, Line: line, Col: 1 + utf8.RuneCount(src[start:off])}
}

func firstInvalidUTF8(filename string, src []byte) lang.Pos {
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			return posAt(filename, src, i)
		}
		i += n
	}
	return lang.Pos{File: filename, Line: 1, Col: 1}
}
