// Package snnc wires the compiler pipeline together:
//
//	source ──parser──▶ AST ──lang.Check──▶ checked program
//	       ──ir.Build──▶ IR ──passes.Run (fold, ode, dce, ...)──▶ optimised IR
//	       [──plan.Build──▶ execution plan]            (Options.Plan)
//	       [──quantize.Lower(profile)──▶ integer IR]    (Options.Passes.Target)
//
// Compile runs the stages in order and returns each one's output in a
// Result: float64 backends take its IR, fixed-point backends its integer IR.
package snnc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/snnc/snnc/estimate"
	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/parser"
	"github.com/snnc/snnc/passes"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/quantize"
	"github.com/snnc/snnc/runtime"
	"github.com/snnc/snnc/stdlib"
)

func init() { lang.SetStdNames(stdlib.Names()) }

// CheckModel is what `snnc check` and the language server report: parse
// and check, then lower to the IR and run the passes, so that every rule
// about the model, those the passes apply included (method exact on a
// nonlinear system, post.v in a synapse equation), is reported as run
// reports it, with its position. The passes' remarks (notes) are `snnc
// ir`'s and are left out. o.Stop is ignored.
func CheckModel(path string, o Options) (*lang.Program, lang.Diagnostics) {
	o.Stop = Optimised
	r, diags := Compile(path, o)
	var out lang.Diagnostics
	for _, d := range diags {
		if d.Severity != lang.Note {
			out = append(out, d)
		}
	}
	return r.Checked, out
}

// CheckFile reads, parses and checks the model in path (Compile's first
// stage).
func CheckFile(path string) (*lang.Program, lang.Diagnostics) {
	r, diags := Compile(path, Options{Stop: Checked})
	return r.Checked, diags
}

func checkFile(path string, opt Options) (*lang.Program, lang.Diagnostics) {
	src, err := ReadSource(path)
	if err != nil {
		var d lang.Diagnostics
		d.Errorf(lang.Pos{File: path}, lang.Pos{}, "cannot read %s: %v", path, err)
		return nil, d
	}
	return check(path, src, opt)
}

// Check parses and checks src as the file named path. The returned program
// carries the sources of every file read, for printing diagnostics.
func Check(path string, src []byte) (*lang.Program, lang.Diagnostics) {
	return check(path, src, Options{})
}

// check is Check with --set overrides applied to the parsed file first.
func check(path string, src []byte, opt Options) (*lang.Program, lang.Diagnostics) {
	path = filepath.Clean(path) // imports are resolved and compared by clean path
	src = parser.Normalize(src) // BOM, CR-only line ends: Sources matches what was parsed
	if !isText(src) {
		// the parser's error names the position and no content; no excerpt
		// of a binary either
		_, d := parser.Parse(path, src)
		d.Sort()
		return &lang.Program{Sources: lang.Sources{}}, d
	}
	f, diags, err := ParseFile(path, src)
	if ferr, ok := err.(*ForeignFileError); ok {
		// no Sources entry: the error must not quote the file
		var d lang.Diagnostics
		d.Errorf(ferr.Pos, lang.Pos{}, "not a .snn model: syntax error here (its contents are not shown: %s)", ferr.Why)
		return &lang.Program{Sources: lang.Sources{}}, d
	}
	f.ID = fileID(path)
	if len(f.Decls) == 0 && diags.HasErrors() {
		// a syntax error: there is no tree to check
		diags.Sort()
		return &lang.Program{Sources: lang.Sources{path: src}}, diags
	}
	setSrc, sd := applySets(f, opt.Set)
	if sd.HasErrors() {
		diags = append(diags, sd...)
		diags.Sort()
		return &lang.Program{Sources: lang.Sources{path: src, SetFile: setSrc}}, diags
	}
	load := opt.Load
	if load == nil {
		load = Load
	}
	prog, cdiags := lang.Check(f, src, load)
	if setSrc != nil && prog != nil && prog.Sources != nil {
		prog.Sources[SetFile] = setSrc
	}
	diags = append(diags, cdiags...)
	if opt.DataDir != "" && prog != nil {
		diags = append(diags, CheckDataFiles(prog, opt.DataDir)...)
	}
	diags.Sort()
	return prog, diags
}

// Options select what Compile builds and how the passes run.
type Options struct {
	Network string         // network to lower ("" = the one the run names)
	Passes  passes.Options // -d, --after, --time-passes, verification; Target: the quantize stage's profile
	Set     []string       // --set NAME.PARAM=VALUE overrides (see applySets)
	// DataDir, when set, is the directory relative data file names
	// (spikes("x.csv"), from_file(...)) are read from, and a missing data
	// file is an error at check time; the CLI sets the model's directory.
	DataDir string
	// Source, when not nil, is the model's text (held in memory) instead of
	// the file at path.
	Source []byte
	// Plan also builds the execution plan (snnc ir --plan). The executors
	// build theirs from the IR with the run's own options.
	Plan bool
	// Stop ends the pipeline early (Checked: snnc check).
	Stop Stage
	// Load resolves the imports (nil: Load). The language server passes one
	// that keeps the parsed std/ modules and unchanged files between checks.
	Load lang.Loader
}

// Stage names a point of the pipeline Options.Stop ends it at.
type Stage int

const (
	AllStages Stage = iota // every stage the options ask for
	Checked                // after parse and check
	Optimised              // after the passes: no plan, no quantize stage
)

// Result is what Compile produces, stage by stage. Sources is set whenever
// a file was read, errors or not; the later fields are nil when there are
// errors.
type Result struct {
	Sources lang.Sources  // every file read, for printing diagnostics
	Checked *lang.Program // the checked program (also when it has errors)
	IR      *ir.Program   // the optimised IR: what every float64 executor runs
	Plan    *plan.Plan    // the execution plan of IR (with Options.Plan)
	Integer *iir.Program  // the integer IR for Options.Passes.Target (fixed-point executors)
}

// Compile is the whole compiler, one stage after another:
//
//	parse → check → IR → passes → [plan] → [quantize]
//
// Every snnc command (check, ir, run, build) calls it; run and build hand
// the Result to a backend from the table in cmd/snnc/backends.go.
func Compile(path string, opt Options) (*Result, lang.Diagnostics) {
	r := &Result{}

	// 1. parse and check: imports, names, units, --set overrides, data files
	var diags lang.Diagnostics
	if opt.Source != nil {
		r.Checked, diags = check(path, opt.Source, opt)
	} else {
		r.Checked, diags = checkFile(path, opt)
	}
	if r.Checked != nil {
		r.Sources = r.Checked.Sources
	}
	if diags.HasErrors() || opt.Stop == Checked {
		return r, diags
	}

	// 2. lower to the IR: SI units, one model per population and projection
	p, bd := ir.Build(r.Checked, opt.Network)
	diags = append(diags, bd...)
	if bd.HasErrors() {
		return r, diags
	}

	// 3. the passes (fold, ode, recip, prune, dce, ...), verified after
	// each with -d check=on, the execution plan included
	if opt.Passes.Verify && opt.Passes.CheckPlan == nil {
		opt.Passes.CheckPlan = checkPlan
	}
	diags = append(diags, passes.Run(p, opt.Passes)...)
	// matrix and conv weight files: their shape, with the projection's
	// position, and their largest factor for the fixed-point formats
	if wd := weightBounds(p, opt.DataDir); opt.DataDir != "" || opt.Passes.Target != "" {
		diags = append(diags, wd...) // without a data directory the run reports it
	}
	diags.Sort()
	if diags.HasErrors() {
		return r, diags
	}
	if opt.Stop == Optimised {
		r.IR = p
		return r, diags
	}

	// 4. the execution plan: the step's phases, loops and ops
	var pl *plan.Plan
	if opt.Plan {
		var err error
		if pl, err = plan.Build(p, plan.Options{}); err != nil {
			diags.Errorf(lang.Pos{File: path}, lang.Pos{}, "%v", err) // the whole model's: no line
			return r, diags
		}
	}

	// 5. quantize for a fixed-point profile: the integer IR, with range
	// analysis (not after --after: the IR is not finished)
	var q *iir.Program
	if opt.Passes.Target != "" && opt.Passes.After == "" {
		prof, err := iir.LoadProfile(opt.Passes.Target)
		if err != nil {
			diags.Errorf(lang.Pos{}, lang.Pos{}, "--target: %v", err)
			return r, diags
		}
		var qd lang.Diagnostics
		q, qd = quantize.Lower(p, prof)
		diags = append(diags, qd...)
		diags.Sort()
		if q == nil {
			return r, diags
		}
	}
	r.IR, r.Plan, r.Integer = p, pl, q
	return r, diags
}

// CompileIR is Compile up to the optimised IR (no plan, no quantize stage),
// for the tests and tools that want only the IR. The program is nil when
// there are errors.
func CompileIR(path string, opt Options) (*ir.Program, lang.Sources, lang.Diagnostics) {
	opt.Stop = Optimised
	r, diags := Compile(path, opt)
	return r.IR, r.Sources, diags
}

// CompileSource is CompileIR for source held in memory.
func CompileSource(path string, src []byte, opt Options) (*ir.Program, lang.Sources, lang.Diagnostics) {
	opt.Source = src
	return CompileIR(path, opt)
}

// CompileTarget is Compile returning the optimised IR and, when
// opt.Passes.Target names a fixed-point profile, the integer IR (nil
// without a target). Both are nil when there are errors, the quantize
// stage's included.
func CompileTarget(path string, opt Options) (*ir.Program, *iir.Program, lang.Sources, lang.Diagnostics) {
	r, diags := Compile(path, opt)
	return r.IR, r.Integer, r.Sources, diags
}

// checkPlan builds and verifies the execution plan of an IR (-d check=on).
// Only an invalid plan is reported: a feature the executors do not support
// yet is the run's error to give, with its position.
func checkPlan(p *ir.Program) error {
	var bad *plan.InvalidError
	if _, err := plan.Build(p, plan.Options{}); errors.As(err, &bad) {
		return err
	}
	return nil
}

// Load resolves an import: "std/NAME" from the embedded standard library,
// anything else as a path relative to the importing file.
func Load(from, path string) (*lang.File, []byte, lang.Diagnostics, error) {
	return LoadOverlay(from, path, nil)
}

// ImportName is the file an import of path (not std/...) in the file from
// names: path relative to from's directory, cleaned.
func ImportName(from, path string) string {
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(from), path)
	}
	return filepath.Clean(path)
}

// LoadOverlay is Load where overlay (when not nil) may give a file's text
// by its clean path instead of the disk: an editor's unsaved buffer.
func LoadOverlay(from, path string, overlay func(name string) ([]byte, bool)) (*lang.File, []byte, lang.Diagnostics, error) {
	var name string
	var src []byte
	if strings.HasPrefix(path, "std/") {
		b, ok := stdlib.Lookup(path)
		if !ok {
			return nil, nil, nil, errors.New("no such standard library module")
		}
		name, src = path, b
	} else {
		name = ImportName(from, path)
		b, ok := []byte(nil), false
		if overlay != nil {
			b, ok = overlay(name)
		}
		if !ok {
			var err error
			if b, err = ReadSource(name); err != nil {
				return nil, nil, nil, err
			}
		}
		src = parser.Normalize(b)
	}
	f, d, err := ParseFile(name, src)
	if err != nil {
		return nil, nil, nil, err
	}
	if !strings.HasPrefix(path, "std/") {
		f.ID = fileID(name)
	}
	return f, src, d, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%v", pe.Err)
	}
	return err
}

// weightBounds reads the weight files of matrix and conv connectors: a
// file that does not fit is an error at the projection, and the largest
// |factor| sizes a fixed-point profile's weight format. It reads the edge
// lists of from_file connectors for their largest fan-in, which bounds the
// range proofs (the files are read again when the network is built).
func weightBounds(p *ir.Program, dir string) lang.Diagnostics {
	var d lang.Diagnostics
	for _, prj := range p.Projs {
		if !prj.Connector.Weighted() && prj.Connector.Kind != "from_file" {
			continue
		}
		spec := estimate.ConnSpec(prj.Connector, false)
		if dir != "" && !filepath.IsAbs(spec.File) {
			spec.File = filepath.Join(dir, spec.File)
		}
		pre, post := rt.Geometry{N: prj.Pre.Size()}, rt.Geometry{N: prj.Post.Size}
		var err error
		if prj.Connector.Kind == "from_file" {
			prj.Connector.MaxFanIn, err = rt.FileFanIn(spec, pre, post)
		} else {
			prj.Connector.MaxAbs, err = rt.MaxAbsWeight(spec, pre, post)
		}
		if err != nil {
			d.Errorf(prj.Pos.Pos, prj.Pos.End, "projection %s: %v", prj.Name, err)
		}
	}
	return d
}
