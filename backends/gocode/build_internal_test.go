package gocode

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// TestExperiments: the child go build gets GOEXPERIMENT=simd on amd64,
// added to the user's experiments unless they chose simd or nosimd.
func TestExperiments(t *testing.T) {
	for _, c := range []struct{ arch, user, want string }{
		{"amd64", "", "simd"},
		{"amd64", "fieldtrack", "fieldtrack,simd"},
		{"amd64", "nosimd", "nosimd"},
		{"amd64", "simd,fieldtrack", "simd,fieldtrack"},
		{"arm64", "", ""},
		{"arm64", "fieldtrack", "fieldtrack"},
	} {
		env := "go1.26.8\nlinux\n" + c.arch + "\nv1\n\n1\n" + c.user + "\n"
		if got := experiments(env); got != c.want {
			t.Errorf("%s, GOEXPERIMENT=%q: got %q, want %q", c.arch, c.user, got, c.want)
		}
	}
}

// TestHashCoversEngine: a generated program links engine (the run loop) as
// well as runtime, so a change to either changes the cache key.
func TestHashCoversEngine(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"engine/loop.go", "runtime/rng.go", "runtime/plots/plots.go"} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), []byte("package x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum := func() string {
		h := sha256.New()
		if err := hashRuntime(h, root); err != nil {
			t.Fatal(err)
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	before := sum()
	for _, f := range []string{"engine/loop.go", "runtime/rng.go", "runtime/plots/plots.go"} {
		if err := os.WriteFile(filepath.Join(root, f), []byte("package x\n\n// changed\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if after := sum(); after == before {
			t.Errorf("changing %s leaves the hash as it was", f)
		} else {
			before = after
		}
	}
}
