package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseError reports a malformed unit expression. Atom is the offending
// unit symbol when the problem is an unknown unit, so callers can build
// their own did-you-mean hints with Suggest.
type ParseError struct {
	Expr   string // the whole expression
	Offset int    // byte offset of the problem in Expr
	Atom   string // unknown unit symbol, "" for syntax errors
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("unit expression %q: %s", e.Expr, e.Msg)
}

// ParseExpr parses a unit expression such as "mV/ms", "nS*mV", "1/ms",
// "mV^2", "m^-2", "uF/cm^2" or "mol/(L*s)". '*' and '/' are
// left-associative with equal precedence, '^' takes an integer exponent
// (optionally signed or parenthesised) and binds tightest; "1" is the
// only number allowed. Blanks are ignored. The result's Symbol is the
// input with blanks removed.
func ParseExpr(s string) (Unit, error) {
	p := &exprParser{src: s}
	u, err := p.expr()
	if err == nil {
		p.skipSpace()
		if p.pos < len(s) {
			err = p.errorf("unexpected %q", p.peekRune())
		}
	}
	if err != nil {
		return Unit{}, err
	}
	u.Symbol = strings.Join(strings.Fields(s), "")
	return u, nil
}

type exprParser struct {
	src string
	pos int
}

func (p *exprParser) errorf(format string, args ...any) *ParseError {
	return &ParseError{Expr: p.src, Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *exprParser) skipSpace() {
	for p.pos < len(p.src) {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if !unicode.IsSpace(r) {
			return
		}
		p.pos += n
	}
}

func (p *exprParser) peekRune() rune {
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return r
}

// accept consumes c (after blanks) if it is next.
func (p *exprParser) accept(c byte) bool {
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

// expr := factor { ('*' | '/') factor }
func (p *exprParser) expr() (Unit, error) {
	u, err := p.factor()
	if err != nil {
		return Unit{}, err
	}
	for {
		var k int
		switch {
		case p.accept('*'):
			k = 1
		case p.accept('/'):
			k = -1
		default:
			return u, nil
		}
		v, err := p.factor()
		if err != nil {
			return Unit{}, err
		}
		d, ok := u.Dim.add(v.Dim, k)
		if !ok {
			return Unit{}, p.errorf("exponent out of range")
		}
		if k > 0 {
			u.Scale *= v.Scale
		} else {
			u.Scale /= v.Scale
		}
		u.Dim = d
	}
}

// factor := primary [ '^' int ]
func (p *exprParser) factor() (Unit, error) {
	u, err := p.primary()
	if err != nil || !p.accept('^') {
		return u, err
	}
	n, err := p.exponent()
	if err != nil {
		return Unit{}, err
	}
	d, ok := u.Dim.pow(n)
	if !ok {
		return Unit{}, p.errorf("exponent out of range")
	}
	return Unit{Dim: d, Scale: math.Pow(u.Scale, float64(n))}, nil
}

// exponent := ['+'|'-'] digits | '(' ['+'|'-'] digits ')'
func (p *exprParser) exponent() (int, error) {
	paren := p.accept('(')
	p.skipSpace()
	start := p.pos
	if p.pos < len(p.src) && (p.src[p.pos] == '-' || p.src[p.pos] == '+') {
		p.pos++
	}
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
	}
	n, err := strconv.Atoi(p.src[start:p.pos])
	if err != nil {
		p.pos = start
		return 0, p.errorf("expected integer exponent")
	}
	if paren && !p.accept(')') {
		return 0, p.errorf("missing ')'")
	}
	return n, nil
}

// primary := atom | '1' | '(' expr ')'
func (p *exprParser) primary() (Unit, error) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return Unit{}, p.errorf("missing unit")
	}
	start := p.pos
	switch r := p.peekRune(); {
	case r == '(':
		p.pos++
		u, err := p.expr()
		if err != nil {
			return Unit{}, err
		}
		if !p.accept(')') {
			return Unit{}, p.errorf("missing ')'")
		}
		return u, nil
	case r >= '0' && r <= '9':
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
		}
		if num := p.src[start:p.pos]; num != "1" {
			p.pos = start
			return Unit{}, p.errorf("only the number 1 may appear in a unit, got %s", num)
		}
		return One, nil
	case unicode.IsLetter(r):
		for p.pos < len(p.src) {
			r, n := utf8.DecodeRuneInString(p.src[p.pos:])
			if !unicode.IsLetter(r) {
				break
			}
			p.pos += n
		}
		sym := p.src[start:p.pos]
		u, ok := Lookup(sym)
		if !ok {
			p.pos = start
			e := p.errorf("unknown unit %q", sym)
			e.Atom = sym
			if s := Suggest(sym); s != "" {
				e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return Unit{}, e
		}
		return u, nil
	default:
		return Unit{}, p.errorf("unexpected %q", r)
	}
}

// MustParse is ParseExpr for unit expressions known to be valid (tables,
// tests); it panics on error.
func MustParse(s string) Unit {
	u, err := ParseExpr(s)
	if err != nil {
		panic(err)
	}
	return u
}
