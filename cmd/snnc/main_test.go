package main

import (
	_ "github.com/snnc/snnc/internal/golden" // defines -update for go test ./... -update
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// The CLI is tested end to end with txtar scripts in testdata/script: each
// runs `snnc` as a real command and checks its output and exit status.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"snnc": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "../../testdata/script"})
}
