package parser

import (
	"runtime"
	"strings"
	"testing"
)

// allocBytes returns the bytes allocated by one call of f.
func allocBytes(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// parseOK parses src and fails the test on any error.
func parseOK(t testing.TB, src string) {
	t.Helper()
	if _, d := Parse("big.snn", []byte(src)); d.HasErrors() {
		t.Fatal(d)
	}
}

func stringModel(n int) string {
	return "run Net for 1 ms { out = \"" + strings.Repeat("a", n) + "\" }\n"
}

func blankLinesModel(n int) string {
	return "run Net for 1 ms { out = \"o\" }\n" + strings.Repeat("\n", n)
}

// TestLongStringLiteralLinear: unquoting a string literal allocates in
// proportion to its length (participle's Unquote concatenated strings, so a
// 300 KB literal took half a minute).
func TestLongStringLiteralLinear(t *testing.T) {
	const n = 20_000
	a := allocBytes(func() { parseOK(t, stringModel(n)) })
	b := allocBytes(func() { parseOK(t, stringModel(2*n)) })
	if r := float64(b) / float64(a); r > 3 {
		t.Errorf("parsing a %d-byte string allocated %d B, a %d-byte one %d B: ratio %.1f, want about 2", n, a, 2*n, b, r)
	}
}

// TestBlankLinesCheap: a blank line costs the parser a small constant of
// memory (every token of the file was once kept in a slice, ~200 B a line,
// so 10 MB of newlines ran out of memory).
func TestBlankLinesCheap(t *testing.T) {
	const n = 200_000
	base := allocBytes(func() { parseOK(t, blankLinesModel(0)) })
	a := allocBytes(func() { parseOK(t, blankLinesModel(n)) })
	b := allocBytes(func() { parseOK(t, blankLinesModel(2*n)) })
	if r := float64(b-base) / float64(a-base); r > 3 {
		t.Errorf("%d blank lines allocated %d B, %d lines %d B: ratio %.1f, want about 2", n, a-base, 2*n, b-base, r)
	}
	if per := float64(b-base) / (2 * n); per > 80 {
		t.Errorf("a blank line costs %.0f B to parse, want at most 80", per)
	}
}

// TestBadEscapePositioned: a bad escape is reported at the backslash, and
// the literal (which may be long) is not echoed in the message.
func TestBadEscapePositioned(t *testing.T) {
	src := "run Net for 1 ms { out = \"ab\\qc" + strings.Repeat("d", 1000) + "\" }\n"
	_, d := Parse("x.snn", []byte(src))
	if len(d) != 1 {
		t.Fatalf("want one error, got %v", d)
	}
	e := d[0]
	if e.Pos.Line != 1 || e.Pos.Col != 29 || e.Msg != "invalid escape sequence in string" || !strings.Contains(e.Hint, `\\`) {
		t.Errorf("got %d:%d %q hint %q", e.Pos.Line, e.Pos.Col, e.Msg, e.Hint)
	}
}

func BenchmarkParseString300KB(b *testing.B) {
	src := stringModel(300_000)
	for b.Loop() {
		parseOK(b, src)
	}
}

func BenchmarkParseNewlines10MB(b *testing.B) {
	src := blankLinesModel(10_000_000)
	for b.Loop() {
		parseOK(b, src)
	}
}
