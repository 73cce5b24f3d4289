package examples_test

import (
	"bufio"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/passes"
)

// Hao et al. 2018 (examples/hao2018/hao2018.snn): rows 0..999 of
// testdata/digits train, presented haoEpochs times over
// (hao2018/digits_epochs.csv), then rows 1000..1299 test with the weights
// frozen; presentations are 150 ms of input and 150 ms of rest.
const (
	haoRows, haoTest = 1000, 300
	haoEpochs        = 3
	haoTrain         = haoEpochs * haoRows // training presentations
	haoCycle         = 0.3                 // s per presentation
)

func digitLabels(t *testing.T) []int {
	t.Helper()
	f, err := os.Open("../testdata/digits/labels.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		y, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, y)
	}
	return out
}

func digitImages(t *testing.T) [][]float64 {
	t.Helper()
	data, err := os.ReadFile("../testdata/digits/digits.csv")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]float64
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var row []float64
		for _, f := range strings.Split(line, ",") {
			x, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatal(err)
			}
			row = append(row, x)
		}
		out = append(out, row)
	}
	return out
}

// nearestCentroid is the baseline the spiking network is compared with:
// each test digit (rows 1000..1299) gets the label of the nearest (squared
// Euclidean) class mean of the training digits (rows 0..999).
func nearestCentroid(t *testing.T) float64 {
	x, y := digitImages(t), digitLabels(t)
	var sum [10][]float64
	var n [10]float64
	for s := range haoRows {
		if sum[y[s]] == nil {
			sum[y[s]] = make([]float64, len(x[s]))
		}
		for p, v := range x[s] {
			sum[y[s]][p] += v
		}
		n[y[s]]++
	}
	correct := 0
	for s := haoRows; s < haoRows+haoTest; s++ {
		best, bd := -1, math.Inf(1)
		for c := range 10 {
			d := 0.0
			for p, v := range x[s] {
				e := v - sum[c][p]/n[c]
				d += e * e
			}
			if d < bd {
				best, bd = c, d
			}
		}
		if best == y[s] {
			correct++
		}
	}
	return float64(correct) / haoTest
}

// TestHao2018Baseline: nearest centroid on the same split (train rows
// 0..999, test rows 1000..1299) classifies 93.0 % of the test digits, as
// the issue measured independently.
func TestHao2018Baseline(t *testing.T) {
	nc := nearestCentroid(t)
	t.Logf("nearest centroid: %.1f %%", 100*nc)
	if math.Abs(nc-0.93) > 0.002 {
		t.Errorf("nearest centroid %.1f %%, want 93.0 %%", 100*nc)
	}
}

// TestHao2018Digits: after three passes over 1000 digits with symmetric
// STDP, synaptic scaling, adaptive thresholds and a teacher, the class
// neuron that fires most during a test presentation names the digit.
// Measured: 88.0 % of the 300 test digits (seed 1; chance is 10 %;
// nearest centroid on the same split 93.0 %; one pass of 350 ms
// presentations, the example before, 80.7 %). The test asserts at least
// 85 %. The target, 90 % on average over three seeds, is not
// reached (see docs/examples.md).
func TestHao2018Digits(t *testing.T) {
	res, acc := haoRun(t, nil)
	if acc < 0.85 {
		t.Errorf("test accuracy %.1f %%, want at least 85 %% (chance: 10 %%, nearest centroid 93 %%)", 100*acc)
	}
	if os.Getenv("SNNC_FIGURES") != "" {
		if err := receptiveFields("../docs/figures/hao2018_fields.png", res); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHao2018Seeds (with SNNC_LONG=1, about a CPU-minute per seed): seeds
// 2 and 3 learn too. Measured: 85.0 % and 86.0 % (mean over seeds 1..3
// 86.3 %). Asserted: at least 83 % each.
func TestHao2018Seeds(t *testing.T) {
	if os.Getenv("SNNC_LONG") == "" {
		t.Skip("set SNNC_LONG=1 to run")
	}
	for _, seed := range []uint64{2, 3} {
		_, acc := haoRun(t, &seed)
		if acc < 0.83 {
			t.Errorf("seed %d: test accuracy %.1f %%, want at least 83 %%", seed, 100*acc)
		}
	}
}

// haoRun runs the example and returns its result and the class neurons'
// test accuracy, logging the confusion matrix.
func haoRun(t *testing.T, seed *uint64) (*gosim.Result, float64) {
	t.Helper()
	labels := digitLabels(t)
	p, _, diags := snnc.CompileIR("hao2018/hao2018.snn", snnc.Options{Passes: passes.Options{Verify: true}})
	if p == nil {
		t.Fatal(diags)
	}
	res, err := gosim.Run(p, gosim.Options{BaseDir: "hao2018", Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	counts := make([][10]int, haoTrain+haoTest)
	found := false
	for _, m := range res.Spikes {
		if m.Name != "C" {
			continue
		}
		found = true
		for k, ts := range m.T {
			s := int(math.Floor(ts/haoCycle + 1e-9))
			if s < len(counts) {
				counts[s][m.I[k]]++
			}
		}
	}
	if !found {
		t.Fatal("no spikes of C recorded")
	}
	correct, silent := 0, 0
	var confusion [10][10]int
	for s := haoTrain; s < haoTrain+haoTest; s++ {
		best, n := -1, 0
		for c, k := range counts[s] {
			if k > n {
				best, n = c, k
			}
		}
		if best < 0 {
			silent++
			continue
		}
		y := labels[s-haoTrain+haoRows] // the test rows follow the training epochs
		confusion[y][best]++
		if best == y {
			correct++
		}
	}
	acc := float64(correct) / haoTest
	t.Logf("seed %d: test accuracy %.1f %% (%d of %d; %d presentations without a class spike)", res.Summary.Seed, 100*acc, correct, haoTest, silent)
	for y, row := range confusion {
		t.Logf("digit %d -> %v", y, row)
	}
	return res, acc
}

// receptiveFields draws each excitatory neuron's input weights after the
// run as an 8×8 tile, 10 tiles a row, each scaled to its own maximum.
func receptiveFields(path string, res *gosim.Result) error {
	var w [100][64]float64
	for _, m := range res.Weights {
		if m.Name != "input" {
			continue
		}
		last := m.V[len(m.V)-1]
		for k := range last {
			w[m.Post[k]][m.Pre[k]] = last[k]
		}
	}
	const px, gap = 6, 3
	side := 10*(8*px+gap) + gap
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for j := range 100 {
		mx := 0.0
		for _, x := range w[j] {
			mx = max(mx, x)
		}
		x0, y0 := gap+(j%10)*(8*px+gap), gap+(j/10)*(8*px+gap)
		for p, x := range w[j] {
			g := uint8(255)
			if mx > 0 {
				g = uint8(255 - math.Round(255*x/mx))
			}
			for dy := range px {
				for dx := range px {
					img.SetGray(x0+(p%8)*px+dx, y0+(p/8)*px+dy, color.Gray{Y: g})
				}
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
