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
// Measured: 87.3 % of the 300 test digits (seed 1; chance is 10 %; with
// the paper's input learning rate 88.0 %, one pass of 350 ms
// presentations, the example before, 80.7 %). Nearest centroid, computed
// here on the same split, gets 93.0 %. The test asserts at least 85 %, no
// more than 8 points under nearest centroid. The target, 90 % on
// average over three seeds, is not reached (see docs/examples.md).
func TestHao2018Digits(t *testing.T) {
	nc := nearestCentroid(t)
	res, acc := haoRun(t, haoShipped, nil)
	t.Logf("spiking network %.1f %%, nearest centroid %.1f %%", 100*acc, 100*nc)
	if acc < 0.85 || acc < nc-0.08 {
		t.Errorf("test accuracy %.1f %%, want at least 85 %% and at least nearest centroid (%.1f %%) - 8 points (chance: 10 %%)", 100*acc, 100*nc)
	}
	if os.Getenv("SNNC_FIGURES") != "" {
		if err := receptiveFields("../docs/figures/hao2018_fields.png", res); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHao2018Seeds (with SNNC_LONG=1, about a CPU-minute per seed): seeds
// 2 and 3 learn too. Measured: 87.3 % and 87.3 % (mean over seeds 1..3
// 87.3 %; with the paper's input learning rate 85.0 % and 86.0 %, mean
// 86.3 %). Asserted: at least 85 % each.
func TestHao2018Seeds(t *testing.T) {
	if os.Getenv("SNNC_LONG") == "" {
		t.Skip("set SNNC_LONG=1 to run")
	}
	for _, seed := range []uint64{2, 3} {
		_, acc := haoRun(t, haoShipped, &seed)
		if acc < 0.85 {
			t.Errorf("seed %d: test accuracy %.1f %%, want at least 85 %%", seed, 100*acc)
		}
	}
}

// TestHao2018Larger (with SNNC_LONG=1, a few CPU-minutes): the example
// with 200 excitatory neurons instead of 100. Without the model's
// conductance caps the larger layer's synchronous spikes push the summed
// conductances past RK4's stability limit at dt = 1 ms (every E neuron
// fires every step). Measured (seed 1): 68.0 % (34 test digits without a
// class spike; 87.3 % with 100): more neurons do not help at this size
// without retuning the class layer. Asserted: above 50 % (chance 10 %).
func TestHao2018Larger(t *testing.T) {
	if os.Getenv("SNNC_LONG") == "" {
		t.Skip("set SNNC_LONG=1 to run")
	}
	_, acc := haoRun(t, haoVariant(t, 200, haoEpochs), nil)
	if acc < 0.5 {
		t.Errorf("test accuracy %.1f %%, want above 50 %%", 100*acc)
	}
}

// haoModel is the example as shipped (src nil) or a variant of it with
// more excitatory neurons or training passes (haoVariant).
type haoModel struct {
	src    []byte // nil: hao2018/hao2018.snn
	dir    string // the directory of its CSV inputs
	epochs int    // passes over the 1000 training digits
	n      int    // excitatory neurons
}

var haoShipped = haoModel{dir: "hao2018", epochs: haoEpochs, n: 100}

// haoVariant writes the inputs for epochs passes (as epochs.py does) to a
// temporary directory and returns the shipped model with n excitatory
// neurons, the stop signal at the end of training and the run's end after
// the test digits.
func haoVariant(t *testing.T, n, epochs int) haoModel {
	t.Helper()
	x, y := digitImages(t), digitLabels(t)
	dir := t.TempDir()
	var digits, teacher strings.Builder
	digits.WriteString("# hao2018 variant\n")
	teacher.WriteString("# hao2018 variant\n")
	row := func(s int, train bool) {
		for p, v := range x[s] {
			if p > 0 {
				digits.WriteByte(',')
			}
			digits.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		digits.WriteByte('\n')
		for c := range 10 {
			if c > 0 {
				teacher.WriteByte(',')
			}
			if train && c == y[s] {
				teacher.WriteByte('1')
			} else {
				teacher.WriteByte('0')
			}
		}
		teacher.WriteByte('\n')
	}
	for range epochs {
		for s := range haoRows {
			row(s, true)
		}
	}
	for s := haoRows; s < haoRows+haoTest; s++ {
		row(s, false)
	}
	for name, b := range map[string]string{"digits_epochs.csv": digits.String(), "teacher.csv": teacher.String()} {
		if err := os.WriteFile(dir+"/"+name, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile("hao2018/hao2018.snn")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	train := float64(epochs*haoRows) * haoCycle
	for _, r := range [][2]string{
		{"HaoExc[100]", "HaoExc[" + strconv.Itoa(n) + "]"},
		{"times = [900 s]", "times = [" + strconv.FormatFloat(train, 'g', -1, 64) + " s]"},
		{"run Hao for 990 s", "run Hao for " + strconv.FormatFloat(train+haoTest*haoCycle, 'g', -1, 64) + " s"},
	} {
		if strings.Count(s, r[0]) != 1 {
			t.Fatalf("hao2018.snn: %q not found once", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return haoModel{src: []byte(s), dir: dir, epochs: epochs, n: n}
}

// haoRun runs the model and returns its result and the class neurons'
// test accuracy, logging the confusion matrix.
func haoRun(t *testing.T, m haoModel, seed *uint64) (*gosim.Result, float64) {
	t.Helper()
	labels := digitLabels(t)
	opt := snnc.Options{Passes: passes.Options{Verify: true}}
	p, _, diags := snnc.CompileSource("hao2018/hao2018.snn", m.src, opt)
	if m.src == nil {
		p, _, diags = snnc.CompileIR("hao2018/hao2018.snn", opt)
	}
	if p == nil {
		t.Fatal(diags)
	}
	res, err := gosim.Run(p, gosim.Options{BaseDir: m.dir, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	train := m.epochs * haoRows
	counts := make([][10]int, train+haoTest)
	found := false
	for _, r := range res.Spikes {
		if r.Name != "C" {
			continue
		}
		found = true
		for k, ts := range r.T {
			s := int(math.Floor(ts/haoCycle + 1e-9))
			if s < len(counts) {
				counts[s][r.I[k]]++
			}
		}
	}
	if !found {
		t.Fatal("no spikes of C recorded")
	}
	correct, silent := 0, 0
	var confusion [10][10]int
	for s := train; s < train+haoTest; s++ {
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
		y := labels[s-train+haoRows] // the test rows follow the training epochs
		confusion[y][best]++
		if best == y {
			correct++
		}
	}
	acc := float64(correct) / haoTest
	t.Logf("%d excitatory neurons, %d passes, seed %d: test accuracy %.1f %% (%d of %d; %d presentations without a class spike)", m.n, m.epochs, res.Summary.Seed, 100*acc, correct, haoTest, silent)
	for y, row := range confusion {
		t.Logf("digit %d -> %v", y, row)
	}
	return res, acc
}

// receptiveFields draws each excitatory neuron's input weights after the
// run as an 8×8 tile, 10 tiles a row, each scaled to its own maximum.
func receptiveFields(path string, res *gosim.Result) error {
	var w [][64]float64
	for _, m := range res.Weights {
		if m.Name != "input" {
			continue
		}
		last := m.V[len(m.V)-1]
		for k := range last {
			for m.Post[k] >= int32(len(w)) {
				w = append(w, [64]float64{})
			}
			w[m.Post[k]][m.Pre[k]] = last[k]
		}
	}
	const px, gap = 6, 3
	rows := (len(w) + 9) / 10
	img := image.NewGray(image.Rect(0, 0, 10*(8*px+gap)+gap, rows*(8*px+gap)+gap))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for j := range w {
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
