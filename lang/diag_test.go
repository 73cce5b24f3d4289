package lang

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

func TestPosString(t *testing.T) {
	tests := []struct {
		p    Pos
		want string
	}{
		{Pos{File: "lif.snn", Offset: 17, Line: 3, Col: 10}, "lif.snn:3:10"},
		{Pos{Line: 3, Col: 10}, "3:10"},
		{Pos{File: "lif.snn", Line: 3}, "lif.snn:3"},
		{Pos{File: "lif.snn"}, "lif.snn"},
		{Pos{}, "-"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.p, got, tt.want)
		}
	}
	if (Pos{}).IsValid() || !(Pos{Line: 1}).IsValid() {
		t.Errorf("IsValid is wrong")
	}
}

func pos(file string, line, col int) Pos { return Pos{File: file, Line: line, Col: col} }

func TestDiagError(t *testing.T) {
	var l Diagnostics
	d := l.Errorf(pos("lif.snn", 3, 10), Pos{}, "undefined: %s", "tau")
	if got, want := d.Error(), "lif.snn:3:10: error: undefined: tau"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	w := l.Warnf(pos("", 2, 1), Pos{}, "unused")
	if got, want := w.Error(), "2:1: warning: unused"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	n := l.Notef(Pos{}, Pos{}, "see here")
	if got, want := n.Error(), "note: see here"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := l.Error(), "lif.snn:3:10: error: undefined: tau"; got != want {
		t.Errorf("list: got %q, want %q", got, want)
	}
	l.Errorf(pos("lif.snn", 4, 1), Pos{}, "second")
	if got, want := l.Error(), "lif.snn:3:10: error: undefined: tau (and 1 more error)"; got != want {
		t.Errorf("list: got %q, want %q", got, want)
	}
	l.Errorf(pos("lif.snn", 5, 1), Pos{}, "third")
	if got, want := l.Error(), "lif.snn:3:10: error: undefined: tau (and 2 more errors)"; got != want {
		t.Errorf("list: got %q, want %q", got, want)
	}
	if got, want := (Diagnostics{}).Error(), "no errors"; got != want {
		t.Errorf("empty: got %q, want %q", got, want)
	}
	if got, want := l.Errorf(Pos{}, Pos{}, "100%% sure").Msg, "100% sure"; got != want {
		t.Errorf("Errorf without args: got %q, want %q", got, want)
	}
}

func TestDiagErr(t *testing.T) {
	var l Diagnostics
	if l.Err() != nil || l.HasErrors() {
		t.Fatalf("empty list: Err() = %v, HasErrors = %v", l.Err(), l.HasErrors())
	}
	l.Warnf(pos("a.snn", 1, 1), Pos{}, "unused neuron")
	l.Notef(pos("a.snn", 1, 1), Pos{}, "declared here")
	if err := l.Err(); err != nil || l.HasErrors() {
		t.Fatalf("warnings only: Err() = %v, want nil", err)
	}
	l.Errorf(pos("a.snn", 2, 1), Pos{}, "bad")
	err := l.Err()
	if err == nil || !l.HasErrors() {
		t.Fatalf("Err() = nil with an error present")
	}
	if got, want := err.Error(), "a.snn:2:1: error: bad"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var dl Diagnostics
	if !errors.As(fmt.Errorf("compile: %w", err), &dl) || len(dl) != 3 {
		t.Errorf("errors.As did not recover the list: %v", dl)
	}
}

func TestDiagSort(t *testing.T) {
	l := Diagnostics{
		{Pos: pos("b.snn", 1, 1), Msg: "b1"},
		{Pos: pos("a.snn", 2, 5), Msg: "dup"},
		nil,
		{Pos: pos("a.snn", 2, 5), Severity: Note, Msg: "note for dup"},
		{Pos: pos("a.snn", 1, 3), Msg: "a1"},
		{Pos: pos("a.snn", 2, 5), Msg: "dup", Hint: "from the duplicate"},
		{Pos: pos("a.snn", 2, 5), Msg: "other"},
		{Pos: pos("a.snn", 2, 5), Severity: Warning, Msg: "dup"},
		{Pos: pos("a.snn", 10, 1), Msg: "a10"},
		{Pos: pos("a.snn", 2, 1), Msg: "a2"},
	}
	l.Sort()
	var got []string
	for _, d := range l {
		got = append(got, d.Error())
	}
	want := []string{
		"a.snn:1:3: error: a1",
		"a.snn:2:1: error: a2",
		"a.snn:2:5: error: dup",
		"a.snn:2:5: note: note for dup",
		"a.snn:2:5: error: other",
		"a.snn:2:5: warning: dup",
		"a.snn:10:1: error: a10",
		"b.snn:1:1: error: b1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sorted:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if l[2].Hint != "from the duplicate" {
		t.Errorf("hint of the dropped duplicate was not kept: %q", l[2].Hint)
	}
}

func printDiags(l Diagnostics, src Sources, color bool) string {
	var b strings.Builder
	l.Print(&b, src, color)
	return b.String()
}

func checkPrint(t *testing.T, l Diagnostics, src Sources, color bool, want string) {
	t.Helper()
	if got := printDiags(l, src, color); got != want {
		t.Errorf("Print output:\n%s\nwant:\n%s\ngot  %q\nwant %q", got, want, got, want)
	}
}

const lifSrc = "neuron LIF {\n\ttau_m = 10 ms\n\tv = v + tau\n}\n"

func TestDiagPrint(t *testing.T) {
	src := Sources{"lif.snn": []byte(lifSrc)}
	var l Diagnostics
	l.Errorf(pos("lif.snn", 3, 10), pos("lif.snn", 3, 13), "undefined: tau").Hint = `did you mean "tau_m"?`
	l.Errorf(pos("lif.snn", 3, 6), pos("lif.snn", 3, 13), "cannot add mV and ms")
	l.Warnf(pos("lif.snn", 2, 2), Pos{}, "tau_m is never used")
	l.Errorf(pos("lif.snn", 1, 8), pos("lif.snn", 4, 2), "multi-line range") // End on another line: caret only
	l.Errorf(pos("lif.snn", 1, 13), pos("lif.snn", 1, 20), "past end of line")
	l.Errorf(pos("lif.snn", 5, 1), Pos{}, "unexpected EOF")
	l.Errorf(pos("lif.snn", 99, 3), pos("lif.snn", 99, 7), "line past end of file")
	l.Errorf(pos("other.snn", 1, 1), Pos{}, "no source for this file")
	l.Errorf(Pos{}, Pos{}, "no position").Hint = "run with -v"
	want := "" +
		"lif.snn:3:10: error: undefined: tau\n" +
		"    \tv = v + tau\n" +
		"    \t        ^~~\n" +
		"hint: did you mean \"tau_m\"?\n" +
		"lif.snn:3:6: error: cannot add mV and ms\n" +
		"    \tv = v + tau\n" +
		"    \t    ^~~~~~~\n" +
		"lif.snn:2:2: warning: tau_m is never used\n" +
		"    \ttau_m = 10 ms\n" +
		"    \t^\n" +
		"lif.snn:1:8: error: multi-line range\n" +
		"    neuron LIF {\n" +
		"           ^\n" +
		"lif.snn:1:13: error: past end of line\n" +
		"    neuron LIF {\n" +
		"                ^\n" +
		"lif.snn:5:1: error: unexpected EOF\n" +
		"    \n" +
		"    ^\n" +
		"lif.snn:99:3: error: line past end of file\n" +
		"other.snn:1:1: error: no source for this file\n" +
		"error: no position\n" +
		"hint: run with -v\n"
	checkPrint(t, l, src, false, want)
}

func TestDiagPrintColor(t *testing.T) {
	src := Sources{"c.snn": []byte("x = y\n")}
	var l Diagnostics
	l.Errorf(pos("c.snn", 1, 5), Pos{}, "undefined: y").Hint = "declare it"
	l.Warnf(pos("c.snn", 1, 1), pos("c.snn", 1, 2), "shadowed")
	l.Notef(Pos{}, Pos{}, "note")
	want := "" +
		"\x1b[1mc.snn:1:5:\x1b[0m \x1b[1;31merror:\x1b[0m undefined: y\n" +
		"    x = y\n" +
		"        \x1b[1;32m^\x1b[0m\n" +
		"\x1b[1;36mhint:\x1b[0m declare it\n" +
		"\x1b[1mc.snn:1:1:\x1b[0m \x1b[1;35mwarning:\x1b[0m shadowed\n" +
		"    x = y\n" +
		"    \x1b[1;32m^\x1b[0m\n" +
		"\x1b[1;36mnote:\x1b[0m note\n"
	checkPrint(t, l, src, true, want)
}

func TestDiagPrintCRLFAndWide(t *testing.T) {
	src := Sources{"w.snn": []byte("a = 1\r\nx = \"日本\" + y\r\n")}
	var l Diagnostics
	l.Errorf(pos("w.snn", 2, 12), Pos{}, "undefined: y")
	l.Errorf(pos("w.snn", 2, 6), pos("w.snn", 2, 8), "string in expression")
	l.Errorf(pos("w.snn", 1, 5), pos("w.snn", 1, 6), "ok")
	want := "" +
		"w.snn:2:12: error: undefined: y\n" +
		"    x = \"日本\" + y\n" +
		"                 ^\n" +
		"w.snn:2:6: error: string in expression\n" +
		"    x = \"日本\" + y\n" +
		"         ^~~~\n" +
		"w.snn:1:5: error: ok\n" +
		"    a = 1\n" +
		"        ^\n"
	checkPrint(t, l, src, false, want)
}

func TestDiagPrintBinaryJunk(t *testing.T) {
	src := Sources{"bin.snn": []byte("ok\n\x00\x01\xff\xfe\x1b[31mX\u202e\n")}
	var l Diagnostics
	l.Errorf(pos("bin.snn", 2, 10), Pos{}, "illegal character %q", "\x1b")
	l.Errorf(pos("bin.snn", 1, 50), Pos{}, "column past end of line")
	l.Errorf(pos("bin.snn", 2, 0), Pos{}, "column zero")
	want := "" +
		"bin.snn:2:10: error: illegal character \"\\x1b\"\n" +
		"    \uFFFD\uFFFD\uFFFD\uFFFD\uFFFD[31mX\uFFFD\n" +
		"             ^\n" +
		"bin.snn:1:50: error: column past end of line\n" +
		"    ok\n" +
		"      ^\n" +
		"bin.snn:2: error: column zero\n" +
		"    \uFFFD\uFFFD\uFFFD\uFFFD\uFFFD[31mX\uFFFD\n" +
		"    ^\n"
	checkPrint(t, l, src, false, want)

	// Junk in messages and hints is sanitized too (newlines and tabs kept).
	l = Diagnostics{{Pos: pos("bin.snn", 9, 1), Msg: "bad \x1b[2J\x00\xff\n\tsecond line", Hint: "\x07"}}
	checkPrint(t, l, src, false, "bin.snn:9:1: error: bad \uFFFD[2J\uFFFD\uFFFD\n\tsecond line\nhint: \uFFFD\n")
}

func TestDiagPrintLongLine(t *testing.T) {
	line := strings.Repeat("a", 150) + "bad" + strings.Repeat("b", 147) // 300 runes
	src := Sources{"long.snn": []byte(line + "\nshort\n")}
	var l Diagnostics
	l.Errorf(pos("long.snn", 1, 151), pos("long.snn", 1, 154), "bad")
	l.Errorf(pos("long.snn", 1, 2), Pos{}, "near start")
	l.Errorf(pos("long.snn", 1, 301), Pos{}, "at end")
	want := "" +
		"long.snn:1:151: error: bad\n" +
		"    ..." + strings.Repeat("a", 100) + "bad" + strings.Repeat("b", 97) + "...\n" +
		"       " + strings.Repeat(" ", 100) + "^~~\n" +
		"long.snn:1:2: error: near start\n" +
		"    " + strings.Repeat("a", 150) + "bad" + strings.Repeat("b", 47) + "...\n" +
		"     ^\n" +
		"long.snn:1:301: error: at end\n" +
		"    ..." + strings.Repeat("a", 50) + "bad" + strings.Repeat("b", 147) + "\n" +
		"       " + strings.Repeat(" ", 200) + "^\n"
	checkPrint(t, l, src, false, want)
}

func TestDiagPrintLimit(t *testing.T) {
	var l Diagnostics
	for i := range Limit + 5 {
		l.Errorf(pos("x.snn", i+1, 1), Pos{}, "e%d", i+1)
	}
	out := printDiags(l, nil, false)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != Limit+1 {
		t.Fatalf("got %d lines, want %d", len(lines), Limit+1)
	}
	if got, want := lines[Limit-1], "x.snn:50:1: error: e50"; got != want {
		t.Errorf("last diagnostic: got %q, want %q", got, want)
	}
	if got, want := lines[Limit], "too many errors"; got != want {
		t.Errorf("last line: got %q, want %q", got, want)
	}

	var b strings.Builder
	l[:3].PrintLimit(&b, nil, false, 2)
	if got, want := b.String(), "x.snn:1:1: error: e1\nx.snn:2:1: error: e2\ntoo many errors\n"; got != want {
		t.Errorf("PrintLimit(2): got %q, want %q", got, want)
	}
	b.Reset()
	l[:3].PrintLimit(&b, nil, false, 3)
	if got, want := b.String(), "x.snn:1:1: error: e1\nx.snn:2:1: error: e2\nx.snn:3:1: error: e3\n"; got != want {
		t.Errorf("PrintLimit(3): got %q, want %q", got, want)
	}
	b.Reset()
	l.PrintLimit(&b, nil, false, 0)
	if n := strings.Count(b.String(), "\n"); n != Limit+5 {
		t.Errorf("PrintLimit(0) printed %d lines, want %d", n, Limit+5)
	}
}

// TestDiagPrintNoPanic throws random positions at random bytes.
func TestDiagPrintNoPanic(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for range 2000 {
		data := make([]byte, r.Intn(600))
		for i := range data {
			data[i] = byte(r.Intn(256))
			if r.Intn(20) == 0 {
				data[i] = '\n'
			}
		}
		rnd := func() int { return r.Intn(40) - 5 }
		d := &Diagnostic{
			Pos:      Pos{File: "f", Line: rnd(), Col: r.Intn(700) - 5},
			End:      Pos{File: "f", Line: rnd(), Col: r.Intn(700) - 5},
			Severity: Severity(r.Intn(4)),
			Msg:      string(data[:len(data)/4]),
		}
		if r.Intn(3) == 0 {
			d.End.Line = d.Pos.Line
		}
		Diagnostics{d}.Print(new(strings.Builder), Sources{"f": data}, r.Intn(2) == 0)
	}
}

func FuzzDiagPrint(f *testing.F) {
	f.Add([]byte(lifSrc), 3, 10, 3, 13)
	f.Add([]byte("\x00\xff\t\xe6\x97"), 1, 3, 1, 99)
	f.Fuzz(func(t *testing.T, data []byte, line, col, endLine, endCol int) {
		l := Diagnostics{{Pos: Pos{Line: line, Col: col}, End: Pos{Line: endLine, Col: endCol}, Msg: string(data)}}
		l.Print(new(strings.Builder), Sources{"": data}, true)
	})
}

func TestDidYouMean(t *testing.T) {
	cands := []string{"v_rest", "tau_s", "tau_m", "v_reset", "TAU_M", "I_syn"}
	tests := []struct {
		name string
		cand []string
		want string
	}{
		{"tau_n", cands, "tau_m"},                           // tie with tau_s: lexical order decides
		{"tau_M", cands, "tau_m"},                           // case-insensitive distance 0; case-sensitive distance picks tau_m over TAU_M
		{"tua_m", cands, "tau_m"},                           // adjacent transposition is one edit
		{"v_rst", cands, "v_rest"},                          // deletion
		{"i_syn", cands, "I_syn"},                           // case only
		{"v_reest", cands, "v_reset"},                       // v_rest (deletion) and v_reset (transposition) tie: lexical order
		{"foo", cands, ""},                                  // nothing close
		{"tau", cands, ""},                                  // distance 2 > max(1, 3/3)
		{"tau_m", cands, "TAU_M"},                           // the name itself is not suggested
		{"x", []string{"y", "xy"}, ""},                      // one-letter names: any letter is one edit away, so no guess
		{"v", []string{"V", "w"}, "V"},                      // ... except a case slip
		{"learn", []string{"learning", "lean"}, "learning"}, // a unique longer name it starts
		{"tau", []string{"tau_m", "tau_e"}, ""},             // an ambiguous prefix is no hint
		{"", cands, ""},
		{"tau_n", nil, ""},
		{"日本語", []string{"日本", "中文"}, "日本"},
	}
	for _, tt := range tests {
		if got := DidYouMean(tt.name, tt.cand); got != tt.want {
			t.Errorf("DidYouMean(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
