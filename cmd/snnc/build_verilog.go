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
	fpga     string // an iCE40 device (verilog.Devices)
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
		if o.Duration, err = rt.ParseDuration(vf.duration); err != nil {
			return usage(err)
		}
		if err := rt.CheckSteps(vf.duration, o.Duration, p.Schedule.Dt); err != nil {
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
	if vf.fpga != "" {
		dev, err := verilog.LookupDevice(vf.fpga)
		if err != nil {
			return usage(err)
		}
		r, err := verilog.FPGA(out, dev)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", r)
		fmt.Fprintf(stdout, "%s\n", realTime(d, r))
	}
	return nil
}

// realTime reports the clocks per step of the testbench's run and the
// real-time factor at Fmax: the time the FPGA takes for a step over the
// model's dt.
func realTime(d *verilog.Design, r *verilog.FPGAReport) string {
	cl := d.StepClocks()
	var sum, peak int64
	for _, c := range cl {
		sum += c
		peak = max(peak, c)
	}
	if len(cl) == 0 {
		return "no steps: no real-time factor"
	}
	mean := float64(sum) / float64(len(cl))
	dt := d.Trace.Program.Dt
	rtf := mean / (r.FmaxMHz * 1e6) / dt
	return fmt.Sprintf("%.0f clocks per step on average (%d at most) over %d steps: at %.1f MHz a step of %g ms takes %.3g µs, %.3g× real time (%s)",
		mean, peak, len(cl), r.FmaxMHz, dt*1e3, mean/r.FmaxMHz, rtf, map[bool]string{true: "faster than real time", false: "slower than real time"}[rtf < 1])
}
