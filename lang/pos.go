package lang

import "strconv"

// Pos is a source position. Line and Col are 1-based; Col counts runes (what
// editors show; an invalid UTF-8 byte counts as one rune), Offset is a 0-based
// byte offset into the file. The zero Pos is invalid ("no position").
type Pos struct {
	File   string
	Offset int
	Line   int
	Col    int
}

// IsValid reports whether p refers to an actual source line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String returns "file:line:col", or "line:col" when File is empty.
// An invalid position prints as just the file name, or "-" when there is none.
// A position with Line but no Col prints as "file:line".
func (p Pos) String() string {
	if !p.IsValid() {
		if p.File != "" {
			return p.File
		}
		return "-"
	}
	s := strconv.Itoa(p.Line)
	if p.Col > 0 {
		s += ":" + strconv.Itoa(p.Col)
	}
	if p.File != "" {
		s = p.File + ":" + s
	}
	return s
}
