package snnc_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// modulePath is the import path every snnc package starts with.
const modulePath = "github.com/snnc/snnc"

// listedPackage is what `go list -json` says about one package.
type listedPackage struct {
	ImportPath string
	Deps       []string // every package it depends on, transitively (tests excluded)
}

// backendOf names the backend a package belongs to ("gosim" for
// backends/gosim and its sub-packages), or "" outside backends/.
func backendOf(path string) string {
	rest, ok := strings.CutPrefix(path, modulePath+"/backends/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// layeringViolations checks the layering rules ("no backend imports
// another; passes import no backend") on the dependency graph,
// transitively, so that a detour through a shared package does not hide an
// import:
//
//   - a package of one backend depends on no other backend;
//   - outside backends/, only the command (cmd/...) depends on a backend:
//     passes, the integer IR, quantize, engine and runtime stay below them;
//   - runtime depends on no other snnc package but leaves (packages that
//     themselves depend on none, such as lang/units and internal/outname,
//     shared with the checker): it is all a generated binary links.
func layeringViolations(pkgs []listedPackage) []string {
	leaf := map[string]bool{}
	for _, p := range pkgs {
		leaf[p.ImportPath] = true
		for _, d := range p.Deps {
			if inTree(d, modulePath) {
				leaf[p.ImportPath] = false
			}
		}
	}
	var bad []string
	for _, p := range pkgs {
		if !strings.HasPrefix(p.ImportPath, modulePath) {
			continue
		}
		own := backendOf(p.ImportPath)
		isCmd := strings.HasPrefix(p.ImportPath, modulePath+"/cmd/")
		isRuntime := inTree(p.ImportPath, modulePath+"/runtime")
		for _, d := range p.Deps {
			if isRuntime && inTree(d, modulePath) && !inTree(d, modulePath+"/runtime") && !leaf[d] {
				bad = append(bad, p.ImportPath+" (linked by generated binaries) depends on "+d)
			}
			b := backendOf(d)
			switch {
			case b == "" || b == own:
			case own != "":
				bad = append(bad, p.ImportPath+" (backend "+own+") depends on backend "+d)
			case !isCmd:
				bad = append(bad, p.ImportPath+" depends on backend "+d)
			}
		}
	}
	return bad
}

// inTree says whether path is the package root or one below it.
func inTree(path, root string) bool {
	return path == root || strings.HasPrefix(path, root+"/")
}

// goList runs `go list -json ./...` in the module root (Deps lists each
// package's dependencies transitively, without test files).
func goList(t *testing.T) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestLayering: no backend depends on another backend, nothing below the
// command (passes above all) depends on a backend, and runtime on nothing.
func TestLayering(t *testing.T) {
	pkgs := goList(t)
	var sawPasses, sawBackend bool
	for _, p := range pkgs {
		sawPasses = sawPasses || p.ImportPath == modulePath+"/passes"
		sawBackend = sawBackend || backendOf(p.ImportPath) != ""
	}
	if !sawPasses || !sawBackend {
		t.Fatalf("go list found no passes or no backend among %d packages", len(pkgs))
	}
	for _, v := range layeringViolations(pkgs) {
		t.Error(v)
	}
}

// TestLayeringCatches: the check reports each kind of forbidden import.
func TestLayeringCatches(t *testing.T) {
	m := modulePath + "/"
	pkgs := []listedPackage{
		{ImportPath: m + "backends/verilog", Deps: []string{m + "ir/iir", m + "backends/fixed"}},
		{ImportPath: m + "backends/fixed", Deps: []string{m + "engine", m + "backends/gosim/internal"}},
		{ImportPath: m + "backends/gosim", Deps: []string{m + "backends/gosim/internal", m + "engine"}},
		{ImportPath: m + "passes", Deps: []string{m + "ir", m + "backends/fixed"}},
		{ImportPath: m + "quantize", Deps: []string{m + "backends/gocode"}},
		{ImportPath: m + "cmd/snnc", Deps: []string{m + "backends/gosim", m + "backends/fixed"}},
		{ImportPath: m + "runtime", Deps: []string{m + "runtime/internal", m + "ir", m + "lang/units"}},
		{ImportPath: m + "lang/units", Deps: []string{"math"}},
	}
	got := strings.Join(layeringViolations(pkgs), "\n")
	for _, want := range []string{
		"backends/verilog (backend verilog) depends on backend " + m + "backends/fixed",
		"backends/fixed (backend fixed) depends on backend " + m + "backends/gosim/internal",
		"passes depends on backend " + m + "backends/fixed",
		"quantize depends on backend " + m + "backends/gocode",
		"runtime (linked by generated binaries) depends on " + m + "ir",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("not reported: %s\ngot:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n") + 1; n != 5 {
		t.Errorf("%d violations, want 5 (own sub-packages and cmd are allowed):\n%s", n, got)
	}
}
