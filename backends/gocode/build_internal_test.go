package gocode

import "testing"

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
