package lsp

import (
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/snnc/snnc/lang"
)

// Positions: LSP counts lines from 0 and columns in UTF-16 code units;
// lang.Pos counts both from 1, columns in runes, and carries a byte offset.
// lines converts between them over one text.

// lines indexes the line starts of a text. A line ends at "\n", "\r\n" or
// a lone "\r", as LSP counts them.
type lines struct {
	text   string
	starts []int
}

func newLines(text string) *lines {
	l := &lines{text: text, starts: []int{0}}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			l.starts = append(l.starts, i+1)
		case '\n':
			l.starts = append(l.starts, i+1)
		}
	}
	return l
}

// line returns line n's text (0-based) without its end, "" past the end.
func (l *lines) line(n int) (start int, s string) {
	if n < 0 || n >= len(l.starts) {
		return len(l.text), ""
	}
	start, end := l.starts[n], len(l.text)
	if n+1 < len(l.starts) {
		end = l.starts[n+1]
	}
	return start, strings.TrimRight(l.text[start:end], "\r\n")
}

// offset is the byte offset of an LSP position, clamped to the text (a
// client may send a position past a line's end or the text's).
func (l *lines) offset(p protocol.Position) int {
	if int(p.Line) >= len(l.starts) {
		return len(l.text)
	}
	start, s := l.line(int(p.Line))
	units := 0
	for i, r := range s {
		if units >= int(p.Character) {
			return start + i
		}
		units += utf16Len(r)
	}
	return start + len(s)
}

// position is the LSP position of a byte offset.
func (l *lines) position(off int) protocol.Position {
	off = max(0, min(off, len(l.text)))
	n := 0
	for lo, hi := 0, len(l.starts)-1; lo <= hi; { // last start <= off
		m := (lo + hi) / 2
		if l.starts[m] <= off {
			n, lo = m, m+1
		} else {
			hi = m - 1
		}
	}
	start, s := l.line(n)
	return protocol.Position{Line: uint32(n), Character: uint32(utf16Count(s[:min(off-start, len(s))]))}
}

// fromPos is the LSP position of a lang.Pos of this text: its byte offset
// when that is on its line, else its line and rune column.
func (l *lines) fromPos(p lang.Pos) protocol.Position {
	if !p.IsValid() {
		return protocol.Position{}
	}
	start, s := l.line(p.Line - 1)
	if p.Offset >= start && p.Offset <= start+len(s) {
		return l.position(p.Offset)
	}
	col := 0
	for i := range s {
		if col == p.Col-1 {
			s = s[:i]
			break
		}
		col++
	}
	return protocol.Position{Line: uint32(p.Line - 1), Character: uint32(utf16Count(s))}
}

// rangeOf is the LSP range of [pos, end); without an end after pos it
// covers one character, so that the editor still marks the place.
func (l *lines) rangeOf(pos, end lang.Pos) protocol.Range {
	a := l.fromPos(pos)
	b := a
	if end.IsValid() && (end.Line > pos.Line || end.Line == pos.Line && end.Col > pos.Col) {
		b = l.fromPos(end)
	} else {
		b.Character++
	}
	return protocol.Range{Start: a, End: b}
}

func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

func utf16Count(s string) int { return len(utf16.Encode([]rune(s))) }

// uriPath is the file path a document URI names; a URI that is not a file
// (an unsaved buffer) is used as it is, so that it still checks.
func uriPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return uri
	}
	return filepath.Clean(filepath.FromSlash(u.Path))
}

// pathURI is the file URI of a path.
func pathURI(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}
