package lang_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
)

// An expectation in a test input. Two forms:
//
//	v = v + tau
//	#       ^ ERROR "cannot add"        caret under the column, on the next line
//	# ERROR@12:9 "regexp"               explicit line:col (for end-of-file errors)
//
// WARNING instead of ERROR expects a warning.
type expectation struct {
	line, col int
	sev       lang.Severity
	re        *regexp.Regexp
	src       int // line of the comment, for messages
}

var (
	caretRe    = regexp.MustCompile(`^(\s*#\s*)(\^)\s+(ERROR|WARNING)\s+("(?:[^"\\]|\\.)*")\s*$`)
	explicitRe = regexp.MustCompile(`#\s*(ERROR|WARNING)@(\d+):(\d+)\s+("(?:[^"\\]|\\.)*")`)
)

func parseExpectations(t *testing.T, src string) []expectation {
	var out []expectation
	lines := strings.Split(src, "\n")
	target := 0 // last line that is not a caret comment
	for i, l := range lines {
		n := i + 1
		sev := func(s string) lang.Severity {
			if s == "WARNING" {
				return lang.Warning
			}
			return lang.Error
		}
		if m := caretRe.FindStringSubmatch(l); m != nil {
			re := unquote(m[4])
			col := len([]rune(m[1])) + 1
			out = append(out, expectation{line: target, col: col, sev: sev(m[3]), re: regexp.MustCompile(re), src: n})
			continue
		}
		if m := explicitRe.FindStringSubmatch(l); m != nil {
			re := unquote(m[4])
			ln, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3])
			out = append(out, expectation{line: ln, col: col, sev: sev(m[1]), re: regexp.MustCompile(re), src: n})
		}
		target = n
	}
	return out
}

// unquote strips the quotes; only \" is an escape, so regexp escapes stay.
func unquote(s string) string {
	return strings.ReplaceAll(s[1:len(s)-1], `\"`, `"`)
}

// TestErrors checks every invalid model in testdata/errors: each expected
// diagnostic is reported at its line and column, and nothing else is.
func TestErrors(t *testing.T) {
	files, err := filepath.Glob("../testdata/errors/*.snn")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test inputs: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := parseExpectations(t, string(src))
			if len(want) == 0 {
				t.Fatalf("%s has no ERROR expectations", path)
			}
			_, diags := snnc.CheckModel(path, snnc.Options{Source: src})
			matched := make([]bool, len(diags))
			for _, w := range want {
				found := false
				for i, d := range diags {
					if !matched[i] && d.Severity == w.sev && d.Pos.File == path && d.Pos.Line == w.line && d.Pos.Col == w.col && w.re.MatchString(d.Msg) {
						matched[i], found = true, true
						break
					}
				}
				if !found {
					t.Errorf("%s:%d:%d: missing %v matching %q (expectation on line %d)", path, w.line, w.col, w.sev, w.re, w.src)
				}
			}
			for i, d := range diags {
				if !matched[i] && d.Severity != lang.Note {
					t.Errorf("unexpected %s", d.Error())
				}
			}
		})
	}
}
