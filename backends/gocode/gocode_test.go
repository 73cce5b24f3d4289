package gocode_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/gocode"
	"github.com/snnc/snnc/backends/gosim"
	"github.com/snnc/snnc/internal/golden"
	"github.com/snnc/snnc/internal/testmodel"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/passes"
)

// Every test builds into one cache directory of its own (the Go build
// cache is shared, so a build takes about a second); a model is built once
// and shared by the tests that run it.
var (
	cacheDir string
	buildMu  sync.Mutex
	builds   = map[string]*built{}
)

type built struct {
	once sync.Once
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "snnc-gocode-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cacheDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func compile(t testing.TB, path string, off ...string) *ir.Program {
	return testmodel.Compile(t, path, off...)
}

func emit(t testing.TB, p *ir.Program, model string) []byte {
	t.Helper()
	src, err := gocode.Emit(p, gocode.Options{Model: model, BaseDir: filepath.Dir(model)})
	if err != nil {
		t.Fatalf("%s: %v", model, err)
	}
	return src
}

// emitFiles is emit with the SIMD kernels, as snnc build writes them.
func emitFiles(t testing.TB, p *ir.Program, model string) map[string][]byte {
	t.Helper()
	files, err := gocode.EmitFiles(p, gocode.Options{Model: model, BaseDir: filepath.Dir(model)})
	if err != nil {
		t.Fatalf("%s: %v", model, err)
	}
	return files
}

// binary builds the model (with passes switched off) once per test run.
func binary(t testing.TB, model string, off ...string) string {
	t.Helper()
	key := model + " " + strings.Join(off, ",")
	buildMu.Lock()
	b := builds[key]
	if b == nil {
		b = &built{}
		builds[key] = b
	}
	buildMu.Unlock()
	b.once.Do(func() {
		files := emitFiles(t, compile(t, model, off...), model)
		b.bin, _, b.err = gocode.BuildFiles(files, gocode.BuildOptions{CacheDir: cacheDir})
	})
	if b.err != nil {
		t.Fatalf("building %s: %v", model, b.err)
	}
	return b.bin
}

// runBinary runs a built model; it returns stderr and whether it failed.
func runBinary(t *testing.T, bin string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running %s: %v", bin, err)
	}
	return stderr.String(), err != nil
}

type runCase struct {
	model string
	off   []string // passes switched off (both sides)
	args  []string // binary flags besides --out and -q
	opt   gosim.Options
	// set: --set values, compiled in for the interpreter, given to the
	// binary (built without them) at run time
	set []string
}

// TestSameOutputs: the binary built from a model writes the same files as
// snnc run's interpreter, byte for byte (spikes, state and weights, .npy and
// CSV), and the same summary but for the wall time; where the interpreter
// stops with an error, the binary stops with the same one. Every example
// and every runnable test model is compared, some also with other seeds,
// durations, thread counts and passes switched off.
func TestSameOutputs(t *testing.T) {
	seven := uint64(7)
	var cases []runCase
	for _, pattern := range []string{"../../examples/*.snn", "../../examples/classics/*.snn", "../../testdata/run/*.snn", "../../testdata/passes/*/*.snn", "../../testdata/gocode/*.snn"} {
		models, _ := filepath.Glob(pattern)
		for _, m := range models {
			if filepath.Base(m) != "potjans2014.snn" { // full scale, 2.6 GB: bench/potjans2014.sh runs it
				cases = append(cases, runCase{model: m})
			}
		}
	}
	cases = append(cases,
		runCase{model: "../../examples/cuba.snn", args: []string{"--seed", "7", "--duration", "300ms"}, opt: gosim.Options{Seed: &seven, Duration: 0.3}},
		runCase{model: "../../examples/cuba.snn", args: []string{"--threads", "2", "--duration", "200ms"}, opt: gosim.Options{Threads: 2, Duration: 0.2}},
		runCase{model: "../../examples/coba.snn", args: []string{"--threads", "2", "--duration", "200ms"}, opt: gosim.Options{Threads: 2, Duration: 0.2}},
		runCase{model: "../../testdata/gocode/syndelays.snn", args: []string{"--threads", "2"}, opt: gosim.Options{Threads: 2}},
		// rows, drawn weights and delays built by 2 threads (issue 16)
		runCase{model: "../../examples/potjans2014_scaled.snn", args: []string{"--threads", "2", "--duration", "100ms"}, opt: gosim.Options{Threads: 2, Duration: 0.1}},
		runCase{model: "../../testdata/gocode/features.snn", off: []string{"fuse"}},
		runCase{model: "../../testdata/gocode/features.snn", off: []string{"sparsity", "fold"}},
		runCase{model: "../../testdata/gocode/plastic.snn", off: []string{"lazy", "sparsity"}},
		runCase{model: "../../testdata/passes/fuse/merge.snn", off: []string{"fuse"}},
		runCase{model: "../../testdata/gocode/dendrites.snn", off: []string{"dce", "fuse"}},
		runCase{model: "../../testdata/gocode/dendrites.snn", args: []string{"--threads", "2"}, opt: gosim.Options{Threads: 2}},
		runCase{model: "../../testdata/gocode/phases.snn", off: []string{"fuse"}},
		runCase{model: "../../testdata/gocode/phases.snn", off: []string{"fold"}},
		runCase{model: "../../testdata/gocode/summed.snn", off: []string{"fuse", "lazy"}},
		runCase{model: "../../testdata/gocode/phases_synapse.snn", off: []string{"lazy"}},
		runCase{model: "../../testdata/gocode/wta.snn", args: []string{"--threads", "2"}, opt: gosim.Options{Threads: 2}},
		// counter-based draws: two threads split A's update and threshold
		runCase{model: "../../testdata/gocode/noise.snn", args: []string{"--threads", "2"}, opt: gosim.Options{Threads: 2}},
		runCase{model: "../../testdata/gocode/noise.snn", off: []string{"fold"}},
		// draws keyed by synapse and step: the same releases on two threads
		runCase{model: "../../testdata/gocode/draws_synapse.snn", args: []string{"--threads", "2"}, opt: gosim.Options{Threads: 2}},
		runCase{model: "../../examples/stochastic_release.snn", args: []string{"--threads", "2"}, opt: gosim.Options{Threads: 2}},
		// draws in modulators bound one_to_one: keyed by synapse and step
		runCase{model: "../../examples/pspm.snn", args: []string{"--threads", "2", "--duration", "5s"}, opt: gosim.Options{Threads: 2, Duration: 5}},
		runCase{model: "../../testdata/gocode/plastic_syndelays.snn", args: []string{"--threads", "2"}, opt: gosim.Options{Threads: 2}},
		runCase{model: "../../testdata/gocode/runset.snn", set: []string{"P.rate=40Hz", "ei.weight=2.5 mV", "C.amplitude=300pA", "C.stop=60ms", "P->E.weight=15mV"}},
		runCase{model: "../../examples/feast.snn", args: []string{"--threads", "2", "--duration", "500ms"}, opt: gosim.Options{Threads: 2, Duration: 0.5}},
		runCase{model: "../../examples/hao2018/hao2018.snn", args: []string{"--duration", "3s"}, opt: gosim.Options{Duration: 3}},
		// a synapse equation reading post.v: its tick runs after the neurons' update
		runCase{model: "../../testdata/brian2/synapse_post_v.snn"},
		runCase{model: "../../testdata/brian2/synapse_post_v.snn", args: []string{"--threads", "2"}, opt: gosim.Options{Threads: 2}},
		runCase{model: "../../examples/tess/tess.snn", args: []string{"--duration", "5s"}, opt: gosim.Options{Duration: 5}},
		runCase{model: "../../examples/neuromod_hebb/neuromod_hebb.snn"},
		// dopamine-modulated STDP: c, d and w advanced in closed form at events
		runCase{model: "../../examples/izhikevich2007/izhikevich2007.snn", args: []string{"--duration", "5s"}, opt: gosim.Options{Duration: 5}},
		// the binary-vs-run speed benchmark: ~80k plastic synapses, delays
		runCase{model: "../../bench/models/izhikevich2006.snn", args: []string{"--duration", "300ms"}, opt: gosim.Options{Duration: 0.3}},
	)
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c.model), ".snn")
		if len(c.off) > 0 {
			name += "/off=" + strings.Join(c.off, ",")
		}
		if len(c.args) > 0 {
			name += "/" + strings.Join(c.args, "")
		}
		for _, s := range c.set {
			c.args = append(c.args, "--set", s)
		}
		if len(c.set) > 0 {
			name += "/set"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			o := snnc.Options{Passes: passes.Options{Off: map[string]bool{}, Verify: true}, Set: c.set}
			for _, p := range c.off {
				o.Passes.Off[p] = true
			}
			p, _, diags := snnc.CompileIR(c.model, o)
			if p == nil {
				// only the ode pass's error inputs are meant not to compile
				if strings.Contains(c.model, "testdata/passes/ode/") && diags.HasErrors() {
					return
				}
				t.Fatalf("%s does not compile: %v", c.model, diags)
			}
			want, got := t.TempDir(), t.TempDir()
			c.opt.BaseDir = filepath.Dir(c.model)
			res, err := gosim.Run(p, c.opt)
			if res == nil {
				// refused before running: Emit refuses with the same error
				_, emitErr := gocode.Emit(compile(t, c.model, c.off...), gocode.Options{Model: c.model, BaseDir: filepath.Dir(c.model)})
				if emitErr == nil || emitErr.Error() != err.Error() {
					t.Fatalf("gocode: %v\ngosim:  %v", emitErr, err)
				}
				return
			}
			res.Summary.Model = c.model // as snnc run fills it in
			res.Summary.MarkStopped(res.Interrupted, err)
			if _, err := res.Write(want, false); err != nil {
				t.Fatal(err)
			}
			stderr, failed := runBinary(t, binary(t, c.model, c.off...), append([]string{"--out", got, "-q"}, c.args...)...)
			if failed != (err != nil) {
				t.Fatalf("binary failed: %v (%s); interpreter: %v", failed, stderr, err)
			}
			if err != nil && !strings.Contains(stderr, err.Error()) {
				t.Errorf("binary says %q, interpreter %q", stderr, err)
			}
			sameDirs(t, want, got)
		})
	}
}

// sameDirs compares two output directories file by file.
func sameDirs(t *testing.T, want, got string) {
	t.Helper()
	list := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		return names
	}
	w, g := list(want), list(got)
	if strings.Join(w, " ") != strings.Join(g, " ") {
		t.Fatalf("files differ:\ninterpreter: %v\nbinary:      %v", w, g)
	}
	if len(w) < 2 {
		t.Fatalf("nothing written: %v", w)
	}
	for _, name := range w {
		a, _ := os.ReadFile(filepath.Join(want, name))
		b, _ := os.ReadFile(filepath.Join(got, name))
		if name == "summary.json" {
			a, b = withoutWall(t, a), withoutWall(t, b)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs:\ninterpreter: %.300s\nbinary:      %.300s", name, a, b)
		}
	}
}

func withoutWall(t *testing.T, b []byte) []byte {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "wall_s")
	out, _ := json.Marshal(m)
	return out
}

// TestGolden: the generated code of the examples, reviewed with git diff
// (refresh with go test ./backends/gocode/ -update).
func TestGolden(t *testing.T) {
	for _, name := range []string{"cuba", "coba", "stdp_song2000"} {
		t.Run(name, func(t *testing.T) {
			model := "../../examples/" + name + ".snn"
			files, err := gocode.EmitFiles(compile(t, model), gocode.Options{Model: "examples/" + name + ".snn", BaseDir: "examples"})
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "../../testdata/gocode/"+name+".go.golden", files[gocode.GeneratedFile])
			if simd, ok := files[gocode.SIMDFile]; ok {
				golden.Check(t, "../../testdata/gocode/"+name+".simd.go.golden", simd)
			}
		})
	}
}

// TestDeterministic: emitting twice gives the same bytes.
func TestDeterministic(t *testing.T) {
	for _, m := range []string{"../../testdata/gocode/features.snn", "../../testdata/gocode/plastic.snn"} {
		a := emit(t, compile(t, m), m)
		b := emit(t, compile(t, m), m)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two emissions differ", m)
		}
	}
}

// TestHostileNames: names from the model reach the generated program only
// in comments and string literals. The model is emitted twice, once with
// every name replaced by a harmless one; with comments and strings left
// out, the two programs must be the same token for token. (TestSameOutputs
// builds and runs the hostile model.)
func TestHostileNames(t *testing.T) {
	const model = "../../testdata/gocode/hostile.snn"
	hostile := emit(t, compile(t, model), model)
	p := compile(t, model)
	renameAll(p)
	plain := emit(t, p, model)
	a, b := codeTokens(t, hostile), codeTokens(t, plain)
	if strings.Join(a, " ") != strings.Join(b, " ") {
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("token %d: %q with hostile names, %q with plain ones", i, a[i], b[i])
			}
		}
		t.Fatalf("%d tokens with hostile names, %d with plain ones", len(a), len(b))
	}
	for _, name := range []string{"main", "func", "os", "init", "x_", "µ", "Ω", "p0v0", "nil", "return", "package", "rt", "sim", "s"} {
		if !strings.Contains(string(hostile), name) {
			t.Errorf("the hostile name %q does not appear at all: is the test model still hostile?", name)
		}
	}
}

// renameAll gives every named thing of p a name that cannot mean anything
// in Go.
func renameAll(p *ir.Program) {
	n := 0
	fresh := func() string { n++; return fmt.Sprintf("Zname%d", n) }
	p.Network = fresh()
	seen := map[*ir.Var]bool{}
	for _, m := range append(append([]*ir.Model{}, p.Neurons...), p.Synapses...) {
		m.Name, m.Type = fresh(), fresh()
		for _, v := range m.Vars {
			if !seen[v] {
				seen[v] = true
				v.Name = fresh()
			}
		}
		for _, port := range m.Ports {
			old := port.Name
			port.Name = fresh()
			for _, prj := range p.Projs {
				if prj.Port == old && prj.Post.Model == m {
					prj.Port = port.Name
				}
			}
			for _, in := range p.Inputs {
				if in.Port == old && in.Target != nil && in.Target.Model == m {
					in.Port = port.Name
				}
			}
		}
	}
	for _, pop := range p.Pops {
		pop.Name = fresh()
	}
	for _, in := range p.Inputs {
		in.Name = fresh()
	}
	for _, prj := range p.Projs {
		prj.Name = fresh()
	}
}

// codeTokens is the Go source without comments and string literals.
func codeTokens(t *testing.T, src []byte) []string {
	fset := token.NewFileSet()
	var s scanner.Scanner
	s.Init(fset.AddFile("main.go", -1, len(src)), src, func(pos token.Position, msg string) { t.Fatalf("%v: %s", pos, msg) }, 0)
	var out []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.STRING || tok == token.COMMENT {
			continue
		}
		if lit == "" {
			lit = tok.String()
		}
		out = append(out, lit)
	}
}

// TestInputMemoryRefusal: the built binary refuses inputs that cannot fit
// (40 inputs of 2e9 sources with all active, 24 GB each by
// rt.InputBytes: more than any machine's budget) before creating
// them, with the interpreter's message.
func TestInputMemoryRefusal(t *testing.T) {
	var inputs, projs strings.Builder
	for k := range 40 {
		fmt.Fprintf(&inputs, "    input S%d = patterns(2e9, active = 2e9)\n", k)
		fmt.Fprintf(&projs, "    project S%d -> P : exc { connect = bernoulli(1e-9)  weight = 1 mV }\n", k)
	}
	src := `
neuron C { state { v = 0 mV }; equations { v' = -v / 10 ms }; inputs { exc: v += weight }; on threshold v > 5 mV { v = 0 mV } }
network N {
    population P = C[2]
` + inputs.String() + projs.String() + `    record spikes(P)
}
run N for 1 ms`
	model := filepath.Join(t.TempDir(), "huge.snn")
	if err := os.WriteFile(model, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, want := gosim.Run(compile(t, model), gosim.Options{})
	if want == nil || !strings.Contains(want.Error(), "the run needs about 894.07 GiB") {
		t.Fatalf("interpreter: %v", want)
	}
	stderr, failed := runBinary(t, binary(t, model), "--out", t.TempDir(), "-q")
	// the same message but for the memory available now, which moves
	same, _, _ := strings.Cut(want.Error(), " but ")
	if !failed || !strings.Contains(stderr, same+" but ") || !strings.Contains(stderr, "the biggest items: input S0 (2000000000 sources): 22.35 GiB") {
		t.Fatalf("binary (failed %v) says %q, interpreter %q", failed, stderr, want)
	}
}

// TestRandomInHandler: where a synapse has no random stream (its
// equations: white noise is xi there) a draw is a positioned error of the
// checker, not a refusal of both backends at start; a neuron's `on
// threshold` draws from counter-based streams (testdata/gocode/noise.snn
// runs it on both backends, draws_synapse.snn a synapse's on_pre and on_post).
func TestRandomInHandler(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`neuron C { state { v = 0 mV }; equations { v' = -v / 10 ms }; inputs { exc: v += weight }; on threshold v > 1 mV { v = 0 mV } }
synapse S { state { w = 1 }; equations { w' = rand() / 1 s }; on pre { deliver w * weight } }
network N {
    population A = C[5]
    project A -> A : exc using S { connect = all_to_all  weight = 1 mV }
    record spikes(A)
}
run N for 10 ms`, "m.snn:2:47: error: random draw rand() is not allowed in equations"},
		{`neuron C { state { v = 0 mV }; equations { v' = (20 mV - v) / 10 ms }; on threshold v > 10 mV { v = rand() * 1 mV } }
network N {
    population A = C[2]
    record spikes(A)
}
run N for 10 ms`, ""},
	} {
		p, _, diags := snnc.CompileSource("m.snn", []byte(c.src), snnc.Options{})
		if c.want == "" && (p == nil || diags.HasErrors()) || c.want != "" && (p != nil || !strings.Contains(diags.Error(), c.want)) {
			t.Errorf("got %v, want %q", diags, c.want)
		}
	}
}

// TestBuildCache: an unchanged program is a cache hit; a changed one is
// built again.
func TestBuildCache(t *testing.T) {
	src := emit(t, compile(t, "../../testdata/run/lif_step.snn"), "../../testdata/run/lif_step.snn")
	dir := t.TempDir()
	bin1, hit, err := gocode.Build(src, gocode.BuildOptions{CacheDir: dir})
	if err != nil || hit {
		t.Fatalf("first build: hit %v, %v", hit, err)
	}
	start := time.Now()
	bin2, hit, err := gocode.Build(src, gocode.BuildOptions{CacheDir: dir})
	if err != nil || !hit || bin1 != bin2 {
		t.Fatalf("second build: hit %v, %s vs %s, %v", hit, bin1, bin2, err)
	}
	t.Logf("cache hit in %v", time.Since(start))
	changed := bytes.Replace(src, []byte("networkSeed = 0"), []byte("networkSeed = 1"), 1)
	if bytes.Equal(changed, src) {
		t.Fatal("could not change the program")
	}
	if _, hit, err := gocode.Build(changed, gocode.BuildOptions{CacheDir: dir}); err != nil || hit {
		t.Fatalf("changed program: hit %v, %v", hit, err)
	}
}

// TestCompileErrorNamesModel: when go build fails, the error names the
// model's line (the generated code carries //line directives) and says
// what happened, not only the compiler's output.
func TestCompileErrorNamesModel(t *testing.T) {
	model := "../../examples/cuba.snn"
	src := emit(t, compile(t, model), model)
	broken := bytes.Replace(src, []byte("p0v0[i] = -0.06\n"), []byte("p0v0[i] = undefinedThing\n"), 1)
	if bytes.Equal(broken, src) {
		t.Fatal("could not break the program")
	}
	_, _, err := gocode.Build(broken, gocode.BuildOptions{CacheDir: t.TempDir()})
	if err == nil {
		t.Fatal("built a broken program")
	}
	for _, want := range []string{"cuba.snn:41", "undefinedThing", "a bug in snnc"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}

// TestNoToolchain: a missing go command is reported with what to install.
func TestNoToolchain(t *testing.T) {
	_, _, err := gocode.Build([]byte("package main"), gocode.BuildOptions{Go: "/nonexistent/go", CacheDir: t.TempDir()})
	if !errors.Is(err, gocode.ErrNoGo) || !strings.Contains(err.Error(), "https://go.dev/dl/") {
		t.Fatalf("got %v", err)
	}
}

// TestFindRoot: snnc finds its own source; a wrong SNNC_ROOT is named.
func TestFindRoot(t *testing.T) {
	root, err := gocode.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "runtime", "doc.go")); err != nil {
		t.Errorf("root %s has no runtime package: %v", root, err)
	}
	t.Setenv("SNNC_ROOT", t.TempDir())
	if _, err := gocode.FindRoot(); err == nil || !strings.Contains(err.Error(), "SNNC_ROOT") {
		t.Errorf("got %v", err)
	}
}

// BenchmarkBuildCached: `snnc build` of an unchanged CUBA (compile, emit,
// hash, cache hit); the target is under 0.2 s.
func BenchmarkBuildCached(b *testing.B) {
	model := "../../examples/cuba.snn"
	dir := b.TempDir()
	if _, _, err := gocode.BuildFiles(emitFiles(b, compile(b, model), model), gocode.BuildOptions{CacheDir: dir}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		files := emitFiles(b, compile(b, model), model)
		if _, hit, err := gocode.BuildFiles(files, gocode.BuildOptions{CacheDir: dir}); err != nil || !hit {
			b.Fatalf("hit %v, %v", hit, err)
		}
	}
}

// BenchmarkBuildCold: `snnc build` of CUBA into an empty snnc cache (the Go
// build cache warm, as after the first build on a machine); the target is
// under 3 s.
func BenchmarkBuildCold(b *testing.B) {
	model := "../../examples/cuba.snn"
	for b.Loop() {
		files := emitFiles(b, compile(b, model), model)
		if _, hit, err := gocode.BuildFiles(files, gocode.BuildOptions{CacheDir: b.TempDir()}); err != nil || hit {
			b.Fatalf("hit %v, %v", hit, err)
		}
	}
}

// TestThreadsSameSpikes: the binary writes the same spikes with --threads 2
// as with 1 (neuron updates and deliveries shared between the threads: csr
// rows at N = 4000, procedural rows regenerated by both threads in
// procedural.snn, 40000 neurons with post ranges large enough to split).
func TestThreadsSameSpikes(t *testing.T) {
	for _, c := range []struct{ model, dur string }{
		{"../../examples/cuba.snn", "300ms"},
		{"../../examples/coba.snn", "300ms"},
		{"../../testdata/gocode/procedural.snn", "60ms"},
		{"../../bench/models/cuba40k.snn", "100ms"},
		{"../../bench/models/coba40k.snn", "50ms"},
	} {
		t.Run(strings.TrimSuffix(filepath.Base(c.model), ".snn"), func(t *testing.T) {
			t.Parallel()
			bin := binary(t, c.model)
			dirs := []string{t.TempDir(), t.TempDir()}
			for k, threads := range []string{"1", "2"} {
				if stderr, failed := runBinary(t, bin, "--out", dirs[k], "-q", "--duration", c.dur, "--threads", threads); failed {
					t.Fatalf("--threads %s: %s", threads, stderr)
				}
			}
			files, _ := filepath.Glob(filepath.Join(dirs[0], "spikes_*"))
			if len(files) == 0 {
				t.Fatal("no spike files")
			}
			for _, f := range files {
				a, _ := os.ReadFile(f)
				b, err := os.ReadFile(filepath.Join(dirs[1], filepath.Base(f)))
				if err != nil || !bytes.Equal(a, b) {
					t.Errorf("%s differs between --threads 1 and 2", filepath.Base(f))
				}
			}
		})
	}
}

// TestSIMDSameOutputs: a built binary writes the same bytes with its SIMD
// kernels (8 lanes where the CPU has AVX-512, SNNC_SIMD=avx2: 4 lanes) as
// with its scalar loops (SNNC_SIMD=off): CUBA (exact propagator, fused
// update, threshold and reset with refractoriness), COBA (Euler), an RK4
// model with a clamped variable, t and sqrt in its right sides and a scalar
// tail, neurons that blow up in an RK4 and in an exact system (the run
// stops with the same error), and finite values whose sum overflows (a
// false alarm of the kernels' NaN check, cleared by the scan), and a
// fused reset that draws random numbers.
func TestSIMDSameOutputs(t *testing.T) {
	for _, c := range []struct {
		model, dur string
		kernels    []string // kernels the model must have
	}{
		{"../../examples/cuba.snn", "300ms", []string{"vecF0_8", "vecF0_4", "vecT0_8", "finite8", "finite4"}},
		{"../../examples/coba.snn", "300ms", []string{"vecT0_8", "vecT0_4"}},
		{"../../testdata/gocode/simd_rk4.snn", "200ms", []string{"vecT0_8", "vecT0_4"}},
		{"../../testdata/gocode/simd_blowup.snn", "100ms", []string{"vecU0_8"}},
		{"../../testdata/gocode/simd_exact_blowup.snn", "100ms", []string{"vecU0_8", "finite8"}},
		{"../../testdata/gocode/simd_false_alarm.snn", "10ms", []string{"vecU0_8"}},
		{"../../testdata/gocode/simd_reset_draws.snn", "100ms", []string{"vecF0_8", "vecF0_4"}},
	} {
		t.Run(strings.TrimSuffix(filepath.Base(c.model), ".snn"), func(t *testing.T) {
			t.Parallel()
			simd := string(emitFiles(t, compile(t, c.model), c.model)[gocode.SIMDFile])
			for _, k := range c.kernels {
				if !strings.Contains(simd, "func (s *sim) "+k+"(") && !strings.Contains(simd, "func "+k+"(") {
					t.Fatalf("no SIMD kernel %s in %s", k, gocode.SIMDFile)
				}
			}
			bin := binary(t, c.model)
			var dirs, errs []string
			for _, mode := range []string{"off", "", "avx2"} {
				dir := t.TempDir()
				cmd := exec.Command(bin, "--out", dir, "-q", "--duration", c.dur, "--threads", "1")
				cmd.Env = append(os.Environ(), "SNNC_SIMD="+mode)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				_ = cmd.Run()
				dirs = append(dirs, dir)
				errs = append(errs, strings.ReplaceAll(stderr.String(), dir, "OUT"))
			}
			for k := 1; k < len(dirs); k++ {
				if errs[k] != errs[0] {
					t.Errorf("stderr differs from the scalar run's:\nscalar: %s\nSIMD:   %s", errs[0], errs[k])
				}
				sameDirs(t, dirs[0], dirs[k])
			}
		})
	}
}
