package snnc_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/runtime"
)

const lineEndModel = `neuron Cell {
    parameters {
        tau = 10 ms
    }
    state {
        v = 0 mV
    }
    equations {
        v' = -v / tau
    }
    inputs {
        exc: v += weight
    }
    on threshold v > 5 mV {
        v = 0 mV
    }
}
network N {
    seed = 4
    population P = Cell[20]
    input S = poisson(20, rate = 100 Hz)
    project S -> P : exc { connect = one_to_one  weight = 6 mV  delay = 500 us }
    record spikes(P)
}
run N for 50 ms
`

// compileIR compiles the model in a file named name holding src and prints
// its IR; it fails the test on any error or warning.
func compileIR(t *testing.T, name string, src []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	p, srcs, diags := snnc.CompileIR(path, snnc.Options{})
	if p == nil || slices.ContainsFunc(diags, func(d *lang.Diagnostic) bool { return d.Severity != lang.Note }) {
		var b strings.Builder
		diags.Print(&b, srcs, false)
		t.Fatalf("%s does not compile:\n%s", name, b.String())
	}
	var b strings.Builder
	ir.Print(&b, p)
	return strings.ReplaceAll(b.String(), path, "MODEL")
}

// Old Mac line ends (CR only), Windows ones (CRLF) and a UTF-8 byte order
// mark all read as the same model: a CR-only file was one long comment-free
// line that checked as nothing at all, and a BOM gave an unexplained error.
func TestCROnlyLineEndsAndBOMReadAsTheSameModel(t *testing.T) {
	want := compileIR(t, "lf.snn", []byte(lineEndModel))
	if !strings.Contains(want, "P") {
		t.Fatalf("the reference IR has no population P:\n%s", want)
	}
	bom := "\ufeff"
	for name, src := range map[string]string{
		"cr.snn":      strings.ReplaceAll(lineEndModel, "\n", "\r"),
		"crlf.snn":    strings.ReplaceAll(lineEndModel, "\n", "\r\n"),
		"bom.snn":     bom + lineEndModel,
		"bom_cr.snn":  bom + strings.ReplaceAll(lineEndModel, "\n", "\r"),
		"cr_crlf.snn": strings.Replace(strings.ReplaceAll(lineEndModel, "\n", "\r"), "\r", "\r\n", 3),
	} {
		if got := compileIR(t, name, []byte(src)); got != want {
			t.Errorf("%s compiles to another IR than the LF file:\n%s\nwant:\n%s", name, got, want)
		}
	}
}

// An error in a CR-only or BOM file is positioned as an editor shows it and
// quotes its line.
func TestCROnlyAndBOMErrorsArePositioned(t *testing.T) {
	bad := strings.Replace(lineEndModel, "v' = -v / tau", "v' = -v / tau + 1 ms", 1)
	for name, src := range map[string]string{
		"cr.snn":  strings.ReplaceAll(bad, "\n", "\r"),
		"bom.snn": "\ufeff" + bad,
	} {
		path := filepath.Join(t.TempDir(), name)
		os.WriteFile(path, []byte(src), 0o644)
		_, srcs, diags := snnc.CompileIR(path, snnc.Options{})
		var b strings.Builder
		diags.Print(&b, srcs, false)
		out := b.String()
		if !strings.Contains(out, name+":9:14: error: cannot add") || !strings.Contains(out, "\n            v' = -v / tau + 1 ms\n") {
			t.Errorf("%s: want the error at 9:14 with its line quoted, got:\n%s", name, out)
		}
	}
}

// Greek mu (U+03BC) spells micro as the micro sign (U+00B5) and "u" do, in
// a model and in --duration.
func TestGreekMuIsMicro(t *testing.T) {
	want := compileIR(t, "u.snn", []byte(lineEndModel))
	for _, mu := range []string{"\u00b5", "\u03bc"} {
		src := strings.Replace(lineEndModel, "500 us", "500 "+mu+"s", 1)
		// the IR keeps the unit as written
		if got := strings.ReplaceAll(compileIR(t, "mu.snn", []byte(src)), mu+"s", "us"); got != want {
			t.Errorf("500 %ss compiles to another IR than 500 us:\n%s\nwant:\n%s", mu, got, want)
		}
		d, err := rt.ParseDuration("250" + mu + "s")
		if err != nil || d != 250e-6 {
			t.Errorf("--duration 250%ss = %g, %v; want 250e-6 s", mu, d, err)
		}
	}
}

// A CSV header that starts with a byte order mark (Excel writes one) is
// still a header, not a malformed first row.
func TestCSVHeaderWithBOM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spikes.csv")
	data := []byte("\ufeffindex,time\r\n0,1.5\r\n1,2.5\r\n")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := rt.LoadSpikeFile(path, 0, 1e-4)
	if err != nil {
		t.Fatalf("LoadSpikeFile: %v", err)
	}
	if src == nil {
		t.Fatal("no source")
	}
}

// TestRateFileChecked: a poisson rate read from a file that does not exist
// is a positioned error at check time (the file name's string), as other
// data files are; an existing one checks clean.
func TestRateFileChecked(t *testing.T) {
	dir := t.TempDir()
	src := "network N {\n    input P = poisson(2, rate = file(\"rates.csv\"))\n}\n"
	path := filepath.Join(dir, "m.snn")
	_, diags := snnc.CheckModel(path, snnc.Options{Source: []byte(src), DataDir: dir})
	if len(diags) != 1 || diags[0].Pos.Line != 2 || diags[0].Pos.Col != 38 || !strings.Contains(diags[0].Msg, "cannot read") {
		t.Fatalf("want one error at 2:38 naming the missing file, got %v", diags)
	}
	if err := os.WriteFile(filepath.Join(dir, "rates.csv"), []byte("5\n10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, diags = snnc.CheckModel(path, snnc.Options{Source: []byte(src), DataDir: dir}); len(diags) != 0 {
		t.Fatalf("an existing rate file: %v", diags)
	}
}
