package passes

import (
	"github.com/snnc/snnc/backends/fixed"
	"github.com/snnc/snnc/lang"
)

// quantize lowers the optimised IR to the integer IR of the fixed-point
// profile named by Options.Target (q16, loihi, xylo, or a JSON profile
// file), with range analysis: every variable gets a format, every operation
// an explicit width, rounding and overflow, and a variable whose range
// cannot be proved gets saturation (or the profile's wrap-around) and a note
// saying why. What the target cannot express is a positioned error. The
// integer program is attached to the IR for the backends (fixed.For). The
// pass does nothing without a target.
func quantize(ctx *Context) {
	target := ctx.Opts.Target
	if target == "" || ctx.Off {
		return
	}
	prof, err := fixed.LoadProfile(target)
	if err != nil {
		ctx.Diags.Errorf(lang.Pos{}, lang.Pos{}, "--target: %v", err)
		return
	}
	q, diags := fixed.Lower(ctx.Prog, prof)
	*ctx.Diags = append(*ctx.Diags, diags...)
	if q != nil {
		fixed.Attach(ctx.Prog, q)
	}
}
