package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A mistake in the command line exits with status 2, a model or run that
// fails with status 1, so scripts can tell "I called snnc wrong" from "the
// model is wrong".
func TestExitStatusUsageErrorsAre2ModelErrorsAre1(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.snn")
	bad := filepath.Join(dir, "bad.snn")
	src, err := os.ReadFile("../../examples/cuba.snn")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("neuron A {\n    state { v = 1 mV + 1 ms }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"frobnicate", good}, 2},                                 // unknown command
		{[]string{"check", "--no-such-flag", good}, 2},                    // unknown flag
		{[]string{"check"}, 2},                                            // too few arguments
		{[]string{"run", good, good}, 2},                                  // too many arguments
		{[]string{"run", good, "--threads", "many"}, 2},                   // unparsable flag value
		{[]string{"run", good, "--duration", "5 parsecs", "-o", out}, 2},  // bad duration
		{[]string{"run", good, "--seed", "-3", "-o", out}, 2},             // negative seed
		{[]string{"run", good, "--target", "q99", "-o", out}, 2},          // unknown profile
		{[]string{"run", good, "--profile", "q99", "-o", out}, 2},         // unknown profile
		{[]string{"ir", good, "--profile", "q99"}, 2},                     // unknown profile in ir too
		{[]string{"run", good, "--profile", "q16", "--target", "q16"}, 2}, // the old and new spelling at once
		{[]string{"build", good, "--profile", "q16"}, 2},                  // a profile for the go target
		{[]string{"run", good, "-d", "nosuchpass=off", "-o", out}, 2},     // bad pass switch
		{[]string{"ir", good, "--after", "nosuchpass"}, 2},                // bad pass name
		{[]string{"build", good, "--target", "fpga"}, 2},                  // unknown build target
		{[]string{"fmt", "-w", "--check", good}, 2},                       // flags that exclude each other
		{[]string{"check", bad}, 1},                                       // model error
		{[]string{"run", bad, "-o", out}, 1},                              // model error in run
		{[]string{"check", filepath.Join(dir, "missing.snn")}, 1},         // unreadable model
		{[]string{"check", good}, 0},
	} {
		var stdout, stderr bytes.Buffer
		got := run(c.args, &stdout, &stderr)
		if got != c.want {
			t.Errorf("snnc %s: exit status %d, want %d\nstderr: %s", strings.Join(c.args, " "), got, c.want, stderr.String())
		}
		if got != 0 && stderr.Len() == 0 {
			t.Errorf("snnc %s: status %d without a message", strings.Join(c.args, " "), got)
		}
	}
}
