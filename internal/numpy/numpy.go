// Package numpy finds the Python the tests read snnc's outputs back with:
// the .npy files exist to be loaded by numpy, so the tests load them there.
package numpy

import (
	"os"
	"os/exec"
	"testing"
)

// Python returns the first of $SNNC_PYTHON, python3 and /usr/bin/python3
// (Debian's python3-numpy when python3 on PATH is another installation)
// that imports numpy. Without one the test fails saying what to install
// (make deps installs it); SNNC_NO_PYTHON=1 skips the check, visibly, on
// request only.
func Python(t testing.TB) string {
	t.Helper()
	cands := []string{"python3", "/usr/bin/python3"}
	if p := os.Getenv("SNNC_PYTHON"); p != "" {
		cands = []string{p}
	}
	for _, p := range cands {
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			return p
		}
	}
	if os.Getenv("SNNC_NO_PYTHON") == "1" {
		t.Skip("SNNC_NO_PYTHON=1: numpy check skipped on request")
	}
	t.Fatal("the .npy outputs are checked with numpy, which no python3 here can import: apt-get install -y python3-numpy (or make deps), point SNNC_PYTHON at a python with numpy, or set SNNC_NO_PYTHON=1 to skip")
	return ""
}
