package gocode

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"runtime/debug"
	"strings"
)

// ModulePath is snnc's module; generated programs require it for runtime/.
const ModulePath = "github.com/snnc/snnc"

// MinGo is the Go release the generated programs need (snnc's go.mod).
const MinGo = "go1.26"

// ErrNoGo is returned when the Go toolchain cannot be found.
var ErrNoGo = errors.New("snnc build needs the Go toolchain (" + MinGo + " or newer) to compile the generated program: install it from https://go.dev/dl/ (or your system's golang package) and make sure `go` is on PATH, or set SNNC_GO to the go command")

// BuildOptions control Build.
type BuildOptions struct {
	// CacheDir holds one directory per built program, keyed by a hash of
	// the generated source, the Go toolchain and snnc's runtime sources.
	// "" means os.UserCacheDir()/snnc/build.
	CacheDir string
	// Root is the directory of snnc's source (its go.mod); "" finds it
	// (see FindRoot).
	Root string
	// Go is the go command; "" means $SNNC_GO, else `go` from PATH.
	Go string
	// MPI builds with the tag mpi (runtime/mpi over OpenMPI through cgo):
	// under mpirun the program splits the network over the ranks.
	MPI bool
}

// Build compiles the program src (from Emit, with the driver) and returns the path of the
// executable in the cache, and whether it was already there. An unchanged
// model on an unchanged toolchain and snnc is a cache hit: no compiler runs.
func Build(src []byte, o BuildOptions) (string, bool, error) {
	return BuildFiles(withDriver(map[string][]byte{GeneratedFile: src}, false), o)
}

// BuildFiles is Build for the files from EmitFiles.
func BuildFiles(files map[string][]byte, o BuildOptions) (string, bool, error) {
	goCmd, env, err := goToolchain(o.Go)
	if err != nil {
		return "", false, err
	}
	root := o.Root
	if root == "" {
		if root, err = FindRoot(); err != nil {
			return "", false, err
		}
	}
	cache := o.CacheDir
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return "", false, fmt.Errorf("no cache directory for snnc build (%v); set XDG_CACHE_HOME or HOME", err)
		}
		cache = filepath.Join(dir, "snnc", "build")
	}
	gomod, gosum, err := moduleFiles(root)
	if err != nil {
		return "", false, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "snnc build 1\n%s\n%s\n", env, root)
	if o.MPI {
		fmt.Fprintf(h, "tags mpi\n")
	}
	h.Write(gomod)
	h.Write(gosum)
	if err := hashRuntime(h, root); err != nil {
		return "", false, err
	}
	for _, name := range sortedKeys(files) {
		fmt.Fprintf(h, "%s %d\n", name, len(files[name]))
		h.Write(files[name])
	}
	key := hex.EncodeToString(h.Sum(nil))[:32]
	dir := filepath.Join(cache, key)
	bin := filepath.Join(dir, "model"+exeSuffix())
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, true, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", false, err
	}
	tmp, err := os.MkdirTemp(cache, key+".tmp")
	if err != nil {
		return "", false, err
	}
	defer os.RemoveAll(tmp)
	if err := WriteFiles(tmp, files, root); err != nil {
		return "", false, err
	}
	args := []string{"build", "-o", "model" + exeSuffix()}
	if o.MPI {
		args = append(args, "-tags", "mpi")
	}
	cmd := exec.Command(goCmd, append(args, ".")...)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local", "GOEXPERIMENT="+experiments(env))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		kept := filepath.Join(cache, key+".failed")
		os.RemoveAll(kept)
		if os.Rename(tmp, kept) != nil {
			kept = ""
		}
		return "", false, compileError(out.String(), kept, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// another snnc built the same program meanwhile: use it
		if fi, err2 := os.Stat(bin); err2 == nil && fi.Mode().IsRegular() {
			return bin, true, nil
		}
		return "", false, err
	}
	return bin, false, nil
}

func exeSuffix() string {
	if goruntime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// goToolchain finds the go command and returns the settings that decide
// what it builds (they are part of the cache key).
func goToolchain(goCmd string) (string, string, error) {
	if goCmd == "" {
		goCmd = os.Getenv("SNNC_GO")
	}
	if goCmd == "" {
		goCmd = "go"
	}
	path, err := exec.LookPath(goCmd)
	if err != nil {
		return "", "", ErrNoGo
	}
	cmd := exec.Command(path, "env", "GOVERSION", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "CGO_ENABLED", "GOEXPERIMENT")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("%w (running `%s env` failed: %v)", ErrNoGo, path, err)
	}
	env := string(out)
	version := strings.TrimSpace(strings.SplitN(env, "\n", 2)[0])
	if !atLeast(version, MinGo) {
		return "", "", fmt.Errorf("snnc build needs %s or newer, but %s is %s: install a newer Go from https://go.dev/dl/ (or set SNNC_GO to one)", MinGo, path, version)
	}
	// the child build's GOEXPERIMENT (with simd) is part of the key
	return path, env + "build GOEXPERIMENT=" + experiments(env) + "\n", nil
}

// experiments is the GOEXPERIMENT of the child build: the user's, plus simd
// on amd64 (SIMDFile builds only with it) unless the user set simd or nosimd.
// env is `go env GOVERSION GOOS GOARCH GOAMD64 GOARM64 CGO_ENABLED
// GOEXPERIMENT` (one value a line).
func experiments(env string) string {
	lines := strings.Split(env, "\n")
	if len(lines) < 7 {
		return os.Getenv("GOEXPERIMENT")
	}
	arch, exp := strings.TrimSpace(lines[2]), strings.TrimSpace(lines[6])
	if arch != "amd64" {
		return exp
	}
	for _, e := range strings.Split(exp, ",") {
		if e == "simd" || e == "nosimd" {
			return exp
		}
	}
	if exp == "" {
		return "simd"
	}
	return exp + ",simd"
}

// atLeast compares Go versions "go1.26.2" >= "go1.26".
func atLeast(v, min string) bool {
	parse := func(s string) []int {
		s = strings.TrimPrefix(s, "go")
		if i := strings.IndexAny(s, "-+ "); i >= 0 {
			s = s[:i]
		}
		var out []int
		for _, p := range strings.Split(s, ".") {
			n := 0
			for _, c := range p {
				if c < '0' || c > '9' {
					break
				}
				n = n*10 + int(c-'0')
			}
			out = append(out, n)
		}
		return out
	}
	a, b := parse(v), parse(min)
	for i := range b {
		x := 0
		if i < len(a) {
			x = a[i]
		}
		if x != b[i] {
			return x > b[i]
		}
	}
	return true
}

// FindRoot returns the directory of snnc's source, which generated programs
// build against (for runtime/): $SNNC_ROOT; the source this snnc was built
// from (recorded in the binary by the Go toolchain); the module cache copy
// of this snnc version; or a directory above the executable or the working
// directory holding snnc's go.mod.
func FindRoot() (string, error) {
	if r := os.Getenv("SNNC_ROOT"); r != "" {
		if isRoot(r) {
			return filepath.Abs(r)
		}
		return "", fmt.Errorf("SNNC_ROOT=%s is not snnc's source directory (no go.mod with module %s there)", r, ModulePath)
	}
	// the source file this package was compiled from: .../backends/gocode/build.go
	if _, file, _, ok := goruntime.Caller(0); ok && filepath.IsAbs(file) {
		if r := filepath.Dir(filepath.Dir(filepath.Dir(file))); isRoot(r) {
			return r, nil
		}
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range append([]*debug.Module{&bi.Main}, bi.Deps...) {
			if m.Path == ModulePath && m.Version != "" && m.Version != "(devel)" {
				if gm := goModCache(); gm != "" {
					if r := filepath.Join(gm, ModulePath+"@"+m.Version); isRoot(r) {
						return r, nil
					}
				}
			}
		}
	}
	var starts []string
	if exe, err := os.Executable(); err == nil {
		if exe, err := filepath.EvalSymlinks(exe); err == nil {
			starts = append(starts, filepath.Dir(exe))
		}
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, d := range starts {
		for {
			if isRoot(d) {
				return d, nil
			}
			up := filepath.Dir(d)
			if up == d {
				break
			}
			d = up
		}
	}
	return "", fmt.Errorf("snnc build cannot find snnc's source, which the generated program compiles against (for %s/runtime): set SNNC_ROOT to the directory holding snnc's go.mod (module %s)", ModulePath, ModulePath)
}

func goModCache() string {
	if p := os.Getenv("GOMODCACHE"); p != "" {
		return p
	}
	if p := os.Getenv("GOPATH"); p != "" {
		return filepath.Join(filepath.SplitList(p)[0], "pkg", "mod")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, "go", "pkg", "mod")
	}
	return ""
}

// isRoot reports whether dir holds snnc's go.mod.
func isRoot(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "module") {
			return strings.Trim(strings.TrimSpace(strings.TrimPrefix(line, "module")), `"`) == ModulePath
		}
	}
	return false
}

func moduleFiles(root string) (gomod, gosum []byte, err error) {
	if gomod, err = os.ReadFile(filepath.Join(root, "go.mod")); err != nil {
		return nil, nil, err
	}
	gosum, err = os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, err
	}
	return gomod, gosum, nil
}

// hashRuntime adds the sources of the snnc packages a generated program
// links (engine, runtime and the packages under them, such as
// runtime/plots) to h: a change to them must rebuild every cached program.
func hashRuntime(h io.Writer, root string) error {
	for _, pkg := range []string{"engine", "runtime"} {
		dir := filepath.Join(root, pkg)
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("snnc's source at %s has no %s package: %v", root, pkg, err)
		}
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
			h.Write(b)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// WriteModule writes the generated program as a module into dir: main.go,
// a go.mod requiring snnc (replaced by the source at root) and snnc's
// go.sum, so the build needs nothing beyond the module cache.
func WriteModule(dir string, src []byte, root string) error {
	return WriteFiles(dir, withDriver(map[string][]byte{GeneratedFile: src}, false), root)
}

// WriteFiles is WriteModule for the files from EmitFiles.
func WriteFiles(dir string, files map[string][]byte, root string) error {
	gomod, gosum, err := moduleFiles(root)
	if err != nil {
		return err
	}
	var mod strings.Builder
	mod.WriteString("// Generated by snnc build: the program of one model.\nmodule snncmodel\n\ngo 1.26\n\n")
	fmt.Fprintf(&mod, "require %s v0.0.0\n\n", ModulePath)
	// snnc's own requirements, so the module graph is complete offline
	for _, blk := range requireBlocks(string(gomod)) {
		mod.WriteString(blk)
		mod.WriteString("\n\n")
	}
	fmt.Fprintf(&mod, "replace %s => %s\n", ModulePath, modPath(root))
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod.String()), 0o644); err != nil {
		return err
	}
	if gosum != nil {
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), gosum, 0o644); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(files) {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// modPath quotes a directory for a go.mod replace directive.
func modPath(dir string) string {
	if strings.ContainsAny(dir, " \t\"'`\\") {
		return fmt.Sprintf("%q", dir)
	}
	return dir
}

var requireRE = regexp.MustCompile(`(?ms)^require\s*\(.*?^\)|^require\s+[^(\n]+$`)

func requireBlocks(gomod string) []string { return requireRE.FindAllString(gomod, -1) }

// compileError turns a failed go build into an error that names the
// model's source lines (the generated code carries //line directives) and
// never shows compiler output alone.
func compileError(out, kept string, err error) error {
	var model, other []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := posRE.FindStringSubmatch(line); m != nil && !strings.HasSuffix(m[1], ".go") {
			model = append(model, line)
			continue
		}
		other = append(other, line)
	}
	var b strings.Builder
	b.WriteString("the Go compiler rejected the program generated for this model (a bug in snnc's gocode backend; please report it with the model)")
	if len(model) > 0 {
		b.WriteString("; at the model's lines:")
		for _, l := range model {
			b.WriteString("\n  " + l)
		}
	}
	if len(other) > 0 {
		b.WriteString("\ngo build said:")
		for i, l := range other {
			if i == 10 {
				fmt.Fprintf(&b, "\n  ... (%d more lines)", len(other)-10)
				break
			}
			b.WriteString("\n  " + l)
		}
	}
	if len(model) == 0 && len(other) == 0 {
		fmt.Fprintf(&b, " (%v)", err)
	}
	if kept != "" {
		fmt.Fprintf(&b, "\nthe generated source is in %s", kept)
	}
	return errors.New(b.String())
}

var posRE = regexp.MustCompile(`^(.+?):(\d+)(?::(\d+))?: `)
