package quantize_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/passes"
	"github.com/snnc/snnc/quantize"
)

// Expected errors are written in the inputs (as in lang's tests):
//
//	# TARGET xylo                       the profile (a name, or a JSON file next to the input)
//	v' = ...
//	# ^ ERROR "regexp"                  an error at the caret's column on the line above
type expectation struct {
	line, col int
	re        *regexp.Regexp
	src       int
}

var (
	caretRe  = regexp.MustCompile(`^(\s*#\s*)(\^)\s+ERROR\s+("(?:[^"\\]|\\.)*")\s*$`)
	targetRe = regexp.MustCompile(`^#\s*TARGET\s+(\S+)`)
)

func expectations(src string) (string, []expectation) {
	var out []expectation
	target := ""
	last := 0
	for i, l := range strings.Split(src, "\n") {
		n := i + 1
		if m := targetRe.FindStringSubmatch(l); m != nil {
			target = m[1]
		}
		if m := caretRe.FindStringSubmatch(l); m != nil {
			re := strings.ReplaceAll(m[3][1:len(m[3])-1], `\"`, `"`)
			out = append(out, expectation{line: last, col: len([]rune(m[1])) + 1, re: regexp.MustCompile(re), src: n})
			continue
		}
		last = n
	}
	return target, out
}

// TestErrors: each model in testdata/fixed/errors gets exactly the errors
// its comments expect, at their line and column, from Lower and from the
// pipeline's quantize stage (snnc.CompileTarget) alike.
func TestErrors(t *testing.T) {
	files, _ := filepath.Glob("../testdata/fixed/errors/*.snn")
	if len(files) == 0 {
		t.Fatal("no inputs")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			target, want := expectations(string(src))
			if target == "" || len(want) == 0 {
				t.Fatalf("%s needs a TARGET line and ERROR expectations", path)
			}
			if strings.HasSuffix(target, ".json") {
				target = filepath.Join(filepath.Dir(path), target)
			}
			p, _, diags := snnc.CompileIR(path, snnc.Options{})
			if p == nil {
				t.Fatalf("the model itself has errors: %v", diags)
			}
			prof, err := iir.LoadProfile(target)
			if err != nil {
				t.Fatal(err)
			}
			q, ld := quantize.Lower(p, prof)
			if q != nil {
				t.Error("Lower returned a program despite errors")
			}
			check(t, path, want, ld)
			// the same through the pipeline's quantize stage
			p2, q2, _, pd := snnc.CompileTarget(path, snnc.Options{Passes: passes.Options{Target: target}})
			if p2 != nil || q2 != nil {
				t.Error("the quantize stage let the model through")
			}
			check(t, path, want, pd)
		})
	}
}

func check(t *testing.T, path string, want []expectation, diags lang.Diagnostics) {
	t.Helper()
	matched := make([]bool, len(diags))
	for _, w := range want {
		found := false
		for i, d := range diags {
			if !matched[i] && d.Severity == lang.Error && d.Pos.Line == w.line && d.Pos.Col == w.col && w.re.MatchString(d.Msg) {
				matched[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s:%d:%d: missing error matching %q (line %d); got:\n%s", path, w.line, w.col, w.re, w.src, list(diags))
		}
	}
	for i, d := range diags {
		if !matched[i] && d.Severity == lang.Error {
			t.Errorf("unexpected %s", d.Error())
		}
	}
}

func list(d lang.Diagnostics) string {
	var sb strings.Builder
	for _, x := range d {
		if x.Severity == lang.Error {
			sb.WriteString("\t" + x.Error() + " (col " + strconv.Itoa(x.Pos.Col) + ")\n")
		}
	}
	return sb.String()
}
