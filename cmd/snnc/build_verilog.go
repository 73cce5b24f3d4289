package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/backends/verilog"
	"github.com/snnc/snnc/runtime"
)

// verilogFlags are the flags of `snnc build --target verilog`.
type verilogFlags struct {
	profile  string
	synth    bool
	duration string
	seed     int64
	seedSet  bool
}

// buildVerilog writes the Verilog design of the model's integer IR into
// j.out (and synthesizes it with --synth).
func buildVerilog(j buildJob) error {
	path, p, q, src, out, quiet, vf, stdout := j.path, j.r.IR, j.r.Integer, j.r.Sources, j.out, j.quiet, j.vf, j.stdout
	var err error
	o := fixed.Options{BaseDir: filepath.Dir(path)}
	if vf.duration != "" {
		if o.Duration, err = runtime.ParseDuration(vf.duration); err != nil {
			return usage(err)
		}
		if err := runtime.CheckSteps(vf.duration, o.Duration, p.Schedule.Dt); err != nil {
			return usage(err)
		}
	}
	if vf.seedSet {
		if vf.seed < 0 {
			return usagef("--seed must not be negative")
		}
		s := uint64(vf.seed)
		o.Seed = &s
	}
	tr, err := fixed.RunTrace(p, q, o) // the input spikes and expected outputs of the testbench
	if err != nil {
		return err
	}
	d, err := verilog.Emit(tr)
	if err != nil {
		return err
	}
	if out == "" {
		out = strings.TrimSuffix(filepath.Base(path), ".snn") + "_verilog"
	}
	if err := checkNoInputs("-o", out, d.Names(), modelInputs(path, src, p)); err != nil {
		return err
	}
	if err := d.Write(out); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(stdout, "%s -> %s/ (%s.v for %s, %d steps; see %s/README.md)\n", path, out, verilog.Top, q.Profile.Name, d.Trace.Steps, out)
	}
	if vf.synth {
		r, err := verilog.Synth(out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "yosys: %s\n", r)
	}
	return nil
}
