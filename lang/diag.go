package lang

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Severity classifies a Diagnostic. The zero value is Error.
type Severity int

const (
	Error Severity = iota
	Warning
	Note
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Note:
		return "note"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// A Diagnostic is one message about the source, anchored at Pos.
type Diagnostic struct {
	// Pos is where the problem starts. End, when valid and on the same line
	// as Pos, is the position just after the offending text (exclusive); the
	// printer then underlines Pos..End with "^~~~". A zero End marks one column.
	Pos, End Pos
	Severity Severity
	Msg      string
	Hint     string // optional, printed on its own line as "hint: ..."
}

// Error returns "file:line:col: error: msg" (the position part is left out
// when the diagnostic has none).
func (d *Diagnostic) Error() string {
	return diagPosPrefix(d.Pos) + d.Severity.String() + ": " + d.Msg
}

func diagPosPrefix(p Pos) string {
	if !p.IsValid() && p.File == "" {
		return ""
	}
	return p.String() + ": "
}

// Diagnostics collects diagnostics so that a pass can report every problem
// instead of stopping at the first. A Diagnostics value is an error; use Err to
// get a nil error when it holds only warnings and notes.
type Diagnostics []*Diagnostic

func (l *Diagnostics) add(sev Severity, pos, end Pos, format string, args []any) *Diagnostic {
	d := &Diagnostic{Pos: pos, End: end, Severity: sev, Msg: fmt.Sprintf(format, args...)}
	*l = append(*l, d)
	return d
}

// Errorf appends an Error and returns it so that the caller can set Hint.
func (l *Diagnostics) Errorf(pos, end Pos, format string, args ...any) *Diagnostic {
	return l.add(Error, pos, end, format, args)
}

// Warnf appends a Warning and returns it so that the caller can set Hint.
func (l *Diagnostics) Warnf(pos, end Pos, format string, args ...any) *Diagnostic {
	return l.add(Warning, pos, end, format, args)
}

// Notef appends a Note (typically right after the diagnostic it explains).
func (l *Diagnostics) Notef(pos, end Pos, format string, args ...any) *Diagnostic {
	return l.add(Note, pos, end, format, args)
}

// HasErrors reports whether l holds at least one diagnostic of severity Error.
func (l Diagnostics) HasErrors() bool {
	for _, d := range l {
		if d != nil && d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders l by file name, then line, column and byte offset. The sort is
// stable, so diagnostics at the same position keep the order in which they
// were reported (a note stays after its error). Exact duplicates (same
// position, severity and message) are dropped, keeping the first; nil entries
// are dropped too. Sort has a pointer receiver because it may shorten l.
func (l *Diagnostics) Sort() {
	s := slices.DeleteFunc(*l, func(d *Diagnostic) bool { return d == nil })
	slices.SortStableFunc(s, func(a, b *Diagnostic) int {
		return cmp.Or(
			strings.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Pos.Offset, b.Pos.Offset),
		)
	})
	type key struct {
		pos Pos
		sev Severity
		msg string
	}
	seen := make(map[key]*Diagnostic, len(s))
	out := s[:0]
	for _, d := range s {
		k := key{d.Pos, d.Severity, d.Msg}
		if first, dup := seen[k]; dup {
			if first.Hint == "" {
				first.Hint = d.Hint
			}
			continue
		}
		seen[k] = d
		out = append(out, d)
	}
	clear(s[len(out):])
	*l = out
}

// Error returns the first Error-severity diagnostic, followed by
// "(and N more errors)" when there are others; warnings and notes are not
// counted. It returns "no errors" when there are none.
func (l Diagnostics) Error() string {
	var first *Diagnostic
	n := 0
	for _, d := range l {
		if d != nil && d.Severity == Error {
			if first == nil {
				first = d
			}
			n++
		}
	}
	switch n {
	case 0:
		return "no errors"
	case 1:
		return first.Error()
	case 2:
		return first.Error() + " (and 1 more error)"
	}
	return fmt.Sprintf("%s (and %d more errors)", first.Error(), n-1)
}

// Err returns l as an error if it holds at least one Error, else nil
// (warnings and notes alone are not errors).
func (l Diagnostics) Err() error {
	if l.HasErrors() {
		return l
	}
	return nil
}

// Sources maps a file name (Pos.File) to its contents so that Print can show
// the offending source line.
type Sources map[string][]byte

// Limit is the number of diagnostics Print writes before giving up with a
// "too many errors" line, like the gc compiler. Use PrintLimit for another cap.
const Limit = 50

// Layout of the printed source excerpt.
const (
	diagIndent   = "    " // written before the source line and the caret line
	diagMaxLine  = 200    // longer source lines are cut around the column
	diagEllipsis = "..."
)

// ANSI colours, as gcc uses them.
const (
	diagAnsiBold    = "\x1b[1m"
	diagAnsiRed     = "\x1b[1;31m"
	diagAnsiMagenta = "\x1b[1;35m"
	diagAnsiCyan    = "\x1b[1;36m"
	diagAnsiGreen   = "\x1b[1;32m"
	diagAnsiReset   = "\x1b[0m"
)

// Print writes the diagnostics, in the order they are in (call Sort first), as
//
//	file:line:col: error: message
//	    v = v + tau
//	        ^~~~~~~
//	hint: did you mean "tau_m"?
//
// The source line comes from src and is indented by four spaces; it is left
// out when the file is not in src or the line does not exist. The caret sits
// under Col, with "~" up to End when End is on the same line. Tabs of the
// source line are copied into the caret line so that the caret lines up; wide
// (East Asian) characters take two columns. Lines longer than 200 runes are
// cut around the column and marked with "...". Control characters, invalid
// UTF-8 and other unprintable runes are echoed as U+FFFD (one per rune/byte,
// so columns still match), so binary junk never reaches the terminal.
//
// With color set, the position is bold, "error" bold red, "warning" bold
// magenta, "note" and "hint" bold cyan and the caret bold green.
//
// At most Limit diagnostics are written; if there are more, a final
// "too many errors" line follows.
func (l Diagnostics) Print(w io.Writer, src Sources, color bool) {
	l.PrintLimit(w, src, color, Limit)
}

// PrintLimit is Print with a cap of limit diagnostics; limit <= 0 means no cap.
func (l Diagnostics) PrintLimit(w io.Writer, src Sources, color bool, limit int) {
	var b strings.Builder
	lines := make(map[string][]int) // file -> byte offsets of line starts
	n := 0
	for _, d := range l {
		if d == nil {
			continue
		}
		if limit > 0 && n == limit {
			b.WriteString("too many errors\n")
			break
		}
		n++
		diagPrintOne(&b, d, src, lines, color)
	}
	io.WriteString(w, b.String())
}

func diagPrintOne(b *strings.Builder, d *Diagnostic, src Sources, lines map[string][]int, color bool) {
	paint := func(code, s string) {
		if color {
			b.WriteString(code + s + diagAnsiReset)
		} else {
			b.WriteString(s)
		}
	}
	if p := diagPosPrefix(d.Pos); p != "" {
		paint(diagAnsiBold, diagCleanText(strings.TrimSuffix(p, " ")))
		b.WriteByte(' ')
	}
	sevColor := diagAnsiCyan
	switch d.Severity {
	case Error:
		sevColor = diagAnsiRed
	case Warning:
		sevColor = diagAnsiMagenta
	}
	paint(sevColor, d.Severity.String()+":")
	b.WriteString(" " + diagCleanText(d.Msg) + "\n")

	if line, ok := diagSourceLine(src, lines, d.Pos); ok {
		endCol := 0
		if d.End.IsValid() && d.End.Line == d.Pos.Line && (d.End.File == "" || d.End.File == d.Pos.File) {
			endCol = d.End.Col
		}
		diagExcerpt(b, line, d.Pos.Col, endCol, color)
	}

	if d.Hint != "" {
		paint(diagAnsiCyan, "hint:")
		b.WriteString(" " + diagCleanText(d.Hint) + "\n")
	}
}

// diagSourceLine returns the bytes of line p.Line (without the newline) of p.File,
// or false if the file is unknown or has no such line.
func diagSourceLine(src Sources, cache map[string][]int, p Pos) ([]byte, bool) {
	if !p.IsValid() {
		return nil, false
	}
	data, ok := src[p.File]
	if !ok {
		return nil, false
	}
	starts, ok := cache[p.File]
	if !ok {
		starts = []int{0}
		for i, c := range data {
			if c == '\n' {
				starts = append(starts, i+1)
			}
		}
		cache[p.File] = starts
	}
	if p.Line > len(starts) {
		return nil, false
	}
	lo, hi := starts[p.Line-1], len(data)
	if p.Line < len(starts) {
		hi = starts[p.Line] - 1 // drop the '\n'
	}
	line := data[lo:hi]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, true
}

// diagExcerpt writes the source line and the caret line under it.
// col is the 1-based rune column of the caret; endCol, if > col+1, is the
// exclusive end column of the underlined range.
func diagExcerpt(b *strings.Builder, line []byte, col, endCol int, color bool) {
	runes := make([]rune, 0, len(line))
	for len(line) > 0 {
		r, size := utf8.DecodeRune(line)
		line = line[size:]
		runes = append(runes, diagCleanRune(r, false))
	}
	n := len(runes)

	// Work with 0-based rune indexes: the caret covers runes[c:e].
	c := min(max(col-1, 0), n)
	e := c + 1
	if endCol-1 > e {
		e = endCol - 1
	}
	e = min(e, max(n, c+1))

	start, stop := 0, n
	if n > diagMaxLine {
		start = min(max(c-diagMaxLine/2, 0), n-diagMaxLine)
		stop = start + diagMaxLine
		e = min(e, max(stop, c+1))
	}

	b.WriteString(diagIndent)
	if start > 0 {
		b.WriteString(diagEllipsis)
	}
	b.WriteString(string(runes[start:stop]))
	if stop < n {
		b.WriteString(diagEllipsis)
	}
	b.WriteByte('\n')

	b.WriteString(diagIndent)
	if start > 0 {
		b.WriteString(strings.Repeat(" ", len(diagEllipsis)))
	}
	for _, r := range runes[start:c] {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteString(strings.Repeat(" ", diagRuneWidth(r)))
		}
	}
	var u strings.Builder
	u.WriteByte('^')
	for i := c; i < e; i++ {
		var r rune = ' '
		if i < n {
			r = runes[i]
		}
		w := diagRuneWidth(r)
		if i == c {
			w-- // the caret itself
		} else if r == '\t' {
			u.WriteByte('\t') // keep the rest of the underline aligned
			continue
		}
		u.WriteString(strings.Repeat("~", max(w, 0)))
	}
	if color {
		b.WriteString(diagAnsiGreen + u.String() + diagAnsiReset)
	} else {
		b.WriteString(u.String())
	}
	b.WriteByte('\n')
}

// diagCleanRune maps r to something safe to echo on a terminal: tabs (and, if
// keepNewline, newlines) are kept, other white space becomes a blank and
// anything unprintable (controls, escapes, bidi overrides, invalid UTF-8)
// becomes U+FFFD. Each rune maps to exactly one rune so columns are kept.
func diagCleanRune(r rune, keepNewline bool) rune {
	switch {
	case r == '\t', r == '\n' && keepNewline:
		return r
	case unicode.IsSpace(r):
		return ' '
	case !unicode.IsPrint(r):
		return utf8.RuneError
	}
	return r
}

// diagCleanText sanitizes a message for printing, keeping newlines and tabs.
func diagCleanText(s string) string {
	return strings.Map(func(r rune) rune { return diagCleanRune(r, true) }, s)
}

// diagRuneWidth returns the number of terminal columns r takes: 0 for combining
// marks, 2 for wide East Asian characters and emoji, 1 otherwise.
func diagRuneWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me):
		return 0
	case r >= 0x1100 && r <= 0x115F, // Hangul Jamo
		r >= 0x2E80 && r <= 0xA4CF && r != 0x303F, // CJK .. Yi
		r >= 0xAC00 && r <= 0xD7A3,                // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF,                // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F,                // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60,                // fullwidth forms
		r >= 0xFFE0 && r <= 0xFFE6,
		r >= 0x1F300 && r <= 0x1F64F, // emoji
		r >= 0x1F900 && r <= 0x1F9FF,
		r >= 0x20000 && r <= 0x3FFFD: // CJK extensions
		return 2
	}
	return 1
}

// DidYouMean returns the candidate closest to name, for hints such as
// `did you mean "tau_m"?`, or "" if none is close enough. Distance is the
// edit distance (insertions, deletions, substitutions and transpositions of
// adjacent runes) computed case-insensitively; a candidate qualifies when the
// distance is at most max(1, runes(name)/3). Ties are broken by the
// case-sensitive distance, then by lexical order, so the result is
// deterministic. Candidates equal to name, and empty ones, are ignored.
func DidYouMean(name string, candidates []string) string {
	if name == "" {
		return ""
	}
	nr := []rune(name)
	nf := diagFold(nr)
	limit := max(1, len(nr)/3)
	if len(nr) <= 2 {
		limit = 0 // one- and two-letter names: only a case slip is a real hint
	}
	if len(nr) >= 3 {
		// a truncated name ("learn" for "learning") is a strong hint
		var pre []string
		for _, c := range candidates {
			if len(c) > len(name) && strings.HasPrefix(c, name) {
				pre = append(pre, c)
			}
		}
		if len(pre) == 1 {
			return pre[0]
		}
	}
	best, bestD, bestCS := "", 0, 0
	for _, c := range candidates {
		if c == "" || c == name {
			continue
		}
		cr := []rune(c)
		if len(cr) > len(nr)+limit || len(nr) > len(cr)+limit {
			continue // the distance is at least the length difference
		}
		d := diagEditDistance(nf, diagFold(cr))
		if d > limit || best != "" && d > bestD {
			continue
		}
		cs := diagEditDistance(nr, cr)
		if best == "" || d < bestD || cs < bestCS || cs == bestCS && c < best {
			best, bestD, bestCS = c, d, cs
		}
	}
	return best
}

func diagFold(rs []rune) []rune {
	out := make([]rune, len(rs))
	for i, r := range rs {
		out[i] = unicode.ToLower(r)
	}
	return out
}

// diagEditDistance is the optimal-string-alignment distance between a and b.
func diagEditDistance(a, b []rune) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
