package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc/internal/golden"
)

// TestExamplesOnHardware shows what range analysis says about every
// example on every shipped profile: `snnc ir --profile P` prints the integer
// IR with each variable's format and proof, or the positioned errors that
// name what the target cannot express. Reviewed with git diff (refresh with
// go test ./cmd/snnc -run ExamplesOnHardware -update).
func TestExamplesOnHardware(t *testing.T) {
	models, _ := filepath.Glob("../../examples/*.snn")
	more, _ := filepath.Glob("../../examples/*/*.snn")
	models = append(models, more...)
	if len(models) < 5 {
		t.Fatalf("found %d examples", len(models))
	}
	for _, m := range models {
		name := strings.TrimSuffix(filepath.Base(m), ".snn")
		rel := strings.TrimPrefix(m, "../../")
		var out bytes.Buffer
		lowered := 0
		for _, target := range []string{"q16", "loihi", "xylo"} {
			var stdout, stderr bytes.Buffer
			status := run([]string{"ir", "--profile", target, m}, &stdout, &stderr)
			fmt.Fprintf(&out, "==== snnc ir --profile %s %s (exit %d)\n", target, rel, status)
			switch {
			case status == 0 && stdout.Len() > 0 && stderr.Len() == 0:
				lowered++
				out.Write(stdout.Bytes())
			case status == 1 && stdout.Len() == 0 && strings.Contains(stderr.String(), ": error: "):
				out.WriteString(strings.ReplaceAll(stderr.String(), "../../", ""))
			default:
				t.Errorf("%s on %s: exit %d, stdout %d bytes, stderr %q", name, target, status, stdout.Len(), stderr.String())
			}
		}
		fmt.Fprintf(&out, "==== lowered on %d of 3 profiles\n", lowered)
		golden.Check(t, "../../testdata/fixed/examples/"+name+".golden", out.Bytes())
	}
}
