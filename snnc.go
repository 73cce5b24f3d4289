// Package snnc wires the compiler pipeline together:
//
//	source ──parser──▶ AST ──lang.Check──▶ checked program
//	       ──ir.Build──▶ IR ──passes.Run (fold, ode, dce, ...)──▶ optimised IR
//	       [──quantize.Lower(profile)──▶ integer IR]
//
// Backends take the optimised IR from Compile; fixed-point backends also
// take the integer IR from CompileTarget.
package snnc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/ir/iir"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/parser"
	"github.com/snnc/snnc/passes"
	"github.com/snnc/snnc/plan"
	"github.com/snnc/snnc/quantize"
	"github.com/snnc/snnc/stdlib"
)

func init() { lang.SetStdNames(stdlib.Names()) }

// CheckFile reads, parses and checks the model in path.
func CheckFile(path string) (*lang.Program, lang.Diagnostics) {
	return checkFile(path, Options{})
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
	prog, cdiags := lang.Check(f, src, Load)
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
	Passes  passes.Options // -d, --after, --time-passes, verification
	Set     []string       // --set NAME.PARAM=VALUE overrides (see applySets)
	// DataDir, when set, is the directory relative data file names
	// (spikes("x.csv"), from_file(...)) are read from, and a missing data
	// file is an error at check time; the CLI sets the model's directory.
	DataDir string
}

// Compile is the whole front half of the compiler: check the file, lower it
// to IR and run the passes. The program is nil when there are errors.
func Compile(path string, opt Options) (*ir.Program, lang.Sources, lang.Diagnostics) {
	return compile(checkFile(path, opt))(opt)
}

// CompileSource is Compile for source held in memory.
func CompileSource(path string, src []byte, opt Options) (*ir.Program, lang.Sources, lang.Diagnostics) {
	return compile(check(path, src, opt))(opt)
}

// CompileTarget is Compile followed, when opt.Passes.Target names a
// fixed-point profile, by the quantize stage: the integer IR of the optimised
// program for that profile, with range analysis (nil without a target). Both
// programs are nil when there are errors, the quantize stage's included.
func CompileTarget(path string, opt Options) (*ir.Program, *iir.Program, lang.Sources, lang.Diagnostics) {
	p, src, diags := Compile(path, opt)
	if p == nil || opt.Passes.Target == "" || opt.Passes.After != "" {
		return p, nil, src, diags
	}
	prof, err := iir.LoadProfile(opt.Passes.Target)
	if err != nil {
		diags.Errorf(lang.Pos{}, lang.Pos{}, "--target: %v", err)
		return nil, nil, src, diags
	}
	q, qd := quantize.Lower(p, prof)
	diags = append(diags, qd...)
	diags.Sort()
	if q == nil {
		return nil, nil, src, diags
	}
	return p, q, src, diags
}

func compile(prog *lang.Program, diags lang.Diagnostics) func(Options) (*ir.Program, lang.Sources, lang.Diagnostics) {
	return func(opt Options) (*ir.Program, lang.Sources, lang.Diagnostics) {
		return lower(prog, diags, opt)
	}
}

func lower(prog *lang.Program, diags lang.Diagnostics, opt Options) (*ir.Program, lang.Sources, lang.Diagnostics) {
	var src lang.Sources
	if prog != nil {
		src = prog.Sources
	}
	if diags.HasErrors() {
		return nil, src, diags
	}
	p, bd := ir.Build(prog, opt.Network)
	diags = append(diags, bd...)
	if bd.HasErrors() {
		return nil, src, diags
	}
	if opt.Passes.Verify && opt.Passes.CheckPlan == nil {
		opt.Passes.CheckPlan = checkPlan
	}
	pd := passes.Run(p, opt.Passes)
	diags = append(diags, pd...)
	diags.Sort()
	if diags.HasErrors() {
		return nil, src, diags
	}
	return p, src, diags
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
	var name string
	var src []byte
	if strings.HasPrefix(path, "std/") {
		b, ok := stdlib.Lookup(path)
		if !ok {
			return nil, nil, nil, errors.New("no such standard library module")
		}
		name, src = path, b
	} else {
		name = path
		if !filepath.IsAbs(path) {
			name = filepath.Join(filepath.Dir(from), path)
		}
		name = filepath.Clean(name)
		b, err := ReadSource(name)
		if err != nil {
			return nil, nil, nil, err
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
