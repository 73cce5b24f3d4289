package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	_ "github.com/snnc/snnc/internal/golden" // defines -update for go test ./... -update
)

// The CLI is tested end to end with txtar scripts in testdata/script: each
// runs `snnc` as a real command and checks its output and exit status.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"snnc": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// snnc build compiles Go: give the scripts this machine's Go caches
	// (testscript gives each script a fresh HOME) and snnc's source
	goenv := map[string]string{}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY"} {
		out, err := exec.Command("go", "env", k).Output()
		if err == nil {
			goenv[k] = strings.TrimSpace(string(out))
		}
	}
	testscript.Run(t, testscript.Params{
		Dir: "../../testdata/script",
		Setup: func(e *testscript.Env) error {
			for k, v := range goenv {
				e.Setenv(k, v)
			}
			e.Setenv("SNNC_ROOT", root)
			e.Setenv("PATH", os.Getenv("PATH"))
			return nil
		},
	})
}
