package gocode_test

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc/backends/gocode"
)

// TestPlotLinkedOnlyWhenAsked: a program built without Options.Plot does
// not link gonum/plot (go version -m lists the modules linked); one built
// with it does, and its --plot writes raster.png and traces.png that decode
// as PNG images.
func TestPlotLinkedOnlyWhenAsked(t *testing.T) {
	const model = "../../testdata/gocode/features.snn"
	p := compile(t, model)
	for _, plot := range []bool{false, true} {
		files, err := gocode.EmitFiles(p, gocode.Options{Model: model, BaseDir: filepath.Dir(model), Plot: plot})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(files[gocode.DriverFile], driverFile(t)) {
			t.Errorf("plot=%v: %s is not driver/driver.go verbatim", plot, gocode.DriverFile)
		}
		bin, _, err := gocode.BuildFiles(files, gocode.BuildOptions{CacheDir: cacheDir})
		if err != nil {
			t.Fatalf("plot=%v: %v", plot, err)
		}
		mods, err := exec.Command("go", "version", "-m", bin).Output()
		if err != nil {
			t.Fatalf("go version -m: %v", err)
		}
		if linked := strings.Contains(string(mods), "gonum.org/v1/plot"); linked != plot {
			t.Errorf("built with plot=%v, gonum.org/v1/plot linked: %v\n%s", plot, linked, mods)
		}
		out := filepath.Join(t.TempDir(), "out")
		stderr, failed := runBinary(t, bin, "--plot", "--out", out, "-q", "--duration", "20ms")
		if !plot {
			if !failed || !strings.Contains(stderr, "rebuild it with `snnc build --plot`") {
				t.Errorf("--plot without the plots linked: failed %v, stderr %q", failed, stderr)
			}
			continue
		}
		if failed {
			t.Fatalf("--plot: %s", stderr)
		}
		for _, name := range []string{"raster.png", "traces.png"} {
			f, err := os.Open(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(f)
			f.Close()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 300 {
				t.Errorf("%s is %v: too small for a plot", name, b)
			}
		}
	}
}

func driverFile(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("driver/driver.go")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
