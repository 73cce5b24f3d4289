package kerngen

import (
	"fmt"
	"strings"
)

// The AVX2 assembly of the kernels (kern_amd64.s) and its Go side
// (kern_amd64.go), for amd64 builds without GOEXPERIMENT=simd: the default
// `go build` gets 4-lane kernels. Each kernel's expression is compiled
// node by node into one VEX instruction per operation (VADDPD, VSUBPD,
// VMULPD, VDIVPD; negation as VXORPD with the sign bit), the tree's order,
// never a fused multiply-add: the bits of the scalar loop. Refractoriness
// is VCVTDQ2PD of ref and VCMPPD ref <= n, used as a blend mask (held rows),
// an AND (Euler's d = +0) and with the threshold's comparison.

const asmTag = "amd64 && !goexperiment.simd && !purego"

// asmFn is one assembly function being written.
type asmFn struct {
	w      int // lanes: 4 (AVX2, Y registers) or 8 (AVX-512F, Z registers)
	b      buf
	args   []asmArg
	ptr    map[string]string // pointer argument -> its register
	konst  map[string]string // float64 argument -> the Y register of its broadcast
	free   []string          // Y registers not in use
	gpFree []string
}

type asmArg struct{ name, typ string }

func newAsmFn(w int) *asmFn {
	f := &asmFn{w: w, ptr: map[string]string{}, konst: map[string]string{},
		gpFree: []string{"SI", "DI", "R8", "R9", "R10", "R11", "R12", "R13", "BX", "DX"}}
	reg, n := "Y", 16
	if w == 8 {
		reg, n = "Z", 32
	}
	for i := n - 1; i >= 0; i-- {
		f.free = append(f.free, fmt.Sprintf("%s%d", reg, i))
	}
	return f
}

// isa is the name suffix of the functions of w lanes.
func isa(w int) string {
	if w == 8 {
		return "AVX512"
	}
	return "AVX2"
}

// bitwise is the mnemonic of a bitwise operation (XOR, AND, OR) on
// doubles: VXORPD and friends on Y registers, AVX-512F's VPXORQ and
// friends on Z (VXORPD on Z needs AVX512DQ).
func (f *asmFn) bitwise(op string) string {
	if f.w == 8 {
		return "VP" + op + "Q"
	}
	return "V" + op + "PD"
}

// active computes the lanes that are not refractory (ref <= n): a vector
// mask (4 lanes) or K1 (8 lanes). It returns the vector mask register, or
// "" with 8 lanes.
func (f *asmFn) active(nf string) string {
	a := f.alloc()
	f.b.p("\tVCVTDQ2PD (%s)(AX*4), %s", f.ptr["ref"], a)
	if f.w == 8 {
		f.b.p("\tVCMPPD $2, %s, %s, K1", nf, a)
		f.release(a)
		return ""
	}
	f.b.p("\tVCMPPD $2, %s, %s, %s", nf, a, a)
	return a
}

// testBad sets result bad to whether any bit of register r is set.
func (f *asmFn) testBad(r string) {
	if f.w == 8 {
		f.b.p("\tVPTESTMQ %s, %s, K2", r, r)
		f.b.p("\tKORTESTW K2, K2")
	} else {
		f.b.p("\tVPTEST %s, %s", r, r)
	}
	f.b.p("\tSETNE bad+%d(FP)", 8*len(f.args))
}

// hitBits writes the lanes of comparison h (with pred against thr) that
// are active (a, or K1) as one byte at bits, and advances bits.
func (f *asmFn) hitBits(pred, thr, h, a string) {
	t := f.gpFree[0]
	if f.w == 8 {
		f.b.p("\tVCMPPD %s, %s, %s, K1, K2", pred, thr, h) // compare where active
		f.b.p("\tKMOVW K2, %s", t)
	} else {
		f.b.p("\tVCMPPD %s, %s, %s, %s", pred, thr, h, h)
		f.b.p("\tVANDPD %s, %s, %s", a, h, h)
		f.b.p("\tVMOVMSKPD %s, %s", h, t)
	}
	f.b.p("\tMOVB %s, (%s)", t, f.ptr["bits"])
	f.b.p("\tINCQ %s", f.ptr["bits"])
}

// next closes the loop over m elements, w at a time.
func (f *asmFn) next() {
	f.b.p("\tADDQ $%d, AX\n\tCMPQ AX, CX\n\tJB loop", f.w)
}

func (f *asmFn) arg(name, typ string) { f.args = append(f.args, asmArg{name, typ}) }

func (f *asmFn) off(name string) int {
	for i, a := range f.args {
		if a.name == name {
			return 8 * i
		}
	}
	panic("no argument " + name)
}

func (f *asmFn) alloc() string {
	if len(f.free) == 0 {
		panic("kerngen: out of Y registers")
	}
	r := f.free[len(f.free)-1]
	f.free = f.free[:len(f.free)-1]
	return r
}

func (f *asmFn) release(r string) { f.free = append(f.free, r) }

// load puts pointer argument name in a general register.
func (f *asmFn) load(name string) string {
	r := f.gpFree[0]
	f.gpFree = f.gpFree[1:]
	f.ptr[name] = r
	f.b.p("\tMOVQ %s+%d(FP), %s", name, f.off(name), r)
	return r
}

// bcast puts float64 argument name in every lane of a Y register.
func (f *asmFn) bcast(name string) string {
	r := f.alloc()
	f.konst[name] = r
	f.b.p("\tVBROADCASTSD %s+%d(FP), %s", name, f.off(name), r)
	return r
}

// mask puts uint64 argument name (a sign mask) in every lane.
func (f *asmFn) mask(name string) string {
	r := f.alloc()
	f.konst[name] = r
	f.b.p("\tVPBROADCASTQ %s+%d(FP), %s", name, f.off(name), r)
	return r
}

var asmOps = map[string]string{"+": "VADDPD", "-": "VSUBPD", "*": "VMULPD", "/": "VDIVPD"}

// eval writes n for the 4 elements at AX and returns the register holding
// it and whether that is a temporary (the caller's to release).
func (f *asmFn) eval(n *node) (string, bool) {
	switch n.op {
	case "vec":
		r := f.alloc()
		f.b.p("\tVMOVUPD (%s)(AX*8), %s", f.ptr[n.name], r)
		return r, true
	case "k":
		return f.konst[n.name], false
	case "paren":
		return f.eval(n.l)
	case "neg", "flip":
		x, tmp := f.eval(n.l)
		d := x
		if !tmp {
			d = f.alloc()
		}
		sign := f.konst["·sign"]
		if n.op == "flip" {
			sign = f.konst[n.name]
		}
		f.b.p("\t%s %s, %s, %s", f.bitwise("XOR"), sign, x, d)
		return d, true
	}
	l, lt := f.eval(n.l)
	r, rt := f.eval(n.r)
	d := l
	switch {
	case lt:
		if rt {
			f.release(r)
		}
	case rt:
		d = r
	default:
		d = f.alloc()
	}
	f.b.p("\t%s %s, %s, %s", asmOps[n.op], r, l, d) // d = l op r
	return d, true
}

// uses reports whether n has a negation (it then needs the sign mask).
func (n *node) uses(op string) bool {
	return n != nil && (n.op == op || n.l.uses(op) || n.r.uses(op))
}

// text is the function's TEXT block; its Go declaration is decl.
func (f *asmFn) text(name string, result bool) string {
	size := 8 * len(f.args)
	if result {
		size++
	}
	return fmt.Sprintf("// func %s\nTEXT ·%s(SB), NOSPLIT, $0-%d\n%s", f.decl(name, result), name, size, f.b.String())
}

func (f *asmFn) decl(name string, result bool) string {
	ps := make([]string, len(f.args))
	for i, a := range f.args {
		ps[i] = a.name + " " + a.typ
	}
	d := name + "(" + strings.Join(ps, ", ") + ")"
	if result {
		d += " (bad bool)"
	}
	return d
}

// asmKernel is one assembly function: its name, Go declaration and text.
type asmKernel struct {
	name, decl, text string
}

func (f *asmFn) done(name string, result bool) asmKernel {
	return asmKernel{name: name, decl: f.decl(name, result), text: f.text(name, result)}
}

// asmFor is table kernel k in assembly of w lanes; free (Euler only)
// leaves refractoriness out.
func asmFor(k parsed, w int, free bool) asmKernel {
	f := newAsmFn(w)
	name := k.Name + isa(w)
	ref := k.Shape == Held || k.Shape == Euler && !free
	if k.Shape == Euler && free {
		name = k.Name + "Free" + isa(w)
	}
	f.arg("o", "*float64")
	for _, v := range k.Vecs {
		f.arg(v, "*float64")
	}
	if ref {
		f.arg("ref", "*int32")
		f.arg("nf", "float64")
	}
	for _, c := range k.Ks {
		f.arg(c, "float64")
	}
	for _, g := range k.Flags {
		f.arg(g, "uint64")
	}
	if k.Shape == Euler {
		f.arg("dt", "float64")
	}
	f.arg("m", "int")
	// set-up: pointers, broadcasts, the sign mask
	for _, a := range f.args {
		if a.typ == "*float64" || a.typ == "*int32" {
			f.load(a.name)
		}
	}
	for _, c := range k.Ks {
		f.bcast(c)
	}
	for _, g := range k.Flags {
		f.mask(g)
	}
	if k.e.uses("neg") {
		r := f.alloc()
		f.konst["·sign"] = r
		f.b.p("\tVBROADCASTSD signbit<>(SB), %s", r)
	}
	var nf, dt, bad string
	if ref {
		nf = f.bcast("nf")
	}
	if k.Shape == Euler {
		dt = f.bcast("dt")
		bad = f.alloc()
		f.b.p("\t%s %s, %s, %s", f.bitwise("XOR"), bad, bad, bad)
	}
	f.b.p("\tMOVQ m+%d(FP), CX", f.off("m"))
	f.b.p("\tXORQ AX, AX")
	f.b.p("loop:")
	v, tmp := f.eval(k.e)
	if !tmp {
		panic("kerngen: " + k.Name + ": the value is a parameter")
	}
	o := f.ptr["o"]
	switch k.Shape {
	case Map:
		f.b.p("\tVMOVUPD %s, (%s)(AX*8)", v, o)
	case Held:
		a := f.active(nf)
		if w == 8 {
			f.b.p("\tVMOVUPD %s, K1, (%s)(AX*8)", v, o) // stored where active
			break
		}
		old := f.alloc()
		f.b.p("\tVMOVUPD (%s)(AX*8), %s", o, old)
		f.b.p("\tVBLENDVPD %s, %s, %s, %s", a, v, old, old) // new where active
		f.b.p("\tVMOVUPD %s, (%s)(AX*8)", old, o)
	case Euler:
		if ref {
			if a := f.active(nf); w == 8 {
				f.b.p("\tVMOVAPD.Z %s, K1, %s", v, v) // +0 where refractory
			} else {
				f.b.p("\tVANDPD %s, %s, %s", a, v, v) // +0 where refractory
			}
		}
		old := f.alloc()
		f.b.p("\tVMULPD %s, %s, %s", v, dt, v) // dt*d
		f.b.p("\tVMOVUPD (%s)(AX*8), %s", o, old)
		f.b.p("\tVADDPD %s, %s, %s", v, old, old) // o + dt*d
		f.b.p("\tVMOVUPD %s, (%s)(AX*8)", old, o)
		f.b.p("\tVSUBPD %s, %s, %s", old, old, v)
		f.b.p("\t%s %s, %s, %s", f.bitwise("OR"), v, bad, bad) // x-x is 0 while finite
	}
	f.next()
	if k.Shape == Euler {
		f.testBad(bad)
	}
	f.b.p("\tVZEROUPPER\n\tRET\n")
	return f.done(name, k.Shape == Euler)
}

// cmpOps are the threshold operators and their VCMPPD predicates (ordered:
// false on NaN, as Go's comparisons).
var cmpOps = []struct{ op, name, pred string }{
	{">", "GT", "$14"}, {">=", "GE", "$13"}, {"<", "LT", "$1"}, {"<=", "LE", "$2"},
}

// asmCross is crossings' body: bits[j] gets the lanes of block j (w
// elements) where vals op c and the neuron is not refractory.
func asmCross(w int, name, pred string) asmKernel {
	f := newAsmFn(w)
	for _, a := range []asmArg{{"vals", "*float64"}, {"ref", "*int32"}, {"bits", "*uint8"}, {"nf", "float64"}, {"c", "float64"}, {"m", "int"}} {
		f.arg(a.name, a.typ)
	}
	vals := f.load("vals")
	f.load("ref")
	f.load("bits")
	nf, c := f.bcast("nf"), f.bcast("c")
	f.b.p("\tMOVQ m+%d(FP), CX", f.off("m"))
	f.b.p("\tXORQ AX, AX")
	f.b.p("loop:")
	h := f.alloc()
	f.b.p("\tVMOVUPD (%s)(AX*8), %s", vals, h)
	f.hitBits(pred, c, h, f.active(nf))
	f.next()
	f.b.p("\tVZEROUPPER\n\tRET\n")
	return f.done(name, false)
}

// asmLIF is lifBlock's body (CUBA's exact rows, refractory v held or not,
// and the threshold), with the crossings in bits as asmCross.
func asmLIF(w int, name, pred string, held bool) asmKernel {
	f := newAsmFn(w)
	for _, a := range []asmArg{{"v", "*float64"}, {"g1", "*float64"}, {"g2", "*float64"}, {"ref", "*int32"}, {"bits", "*uint8"}} {
		f.arg(a.name, a.typ)
	}
	ks := []string{"nf", "c0", "c1", "c2", "r", "d1", "r1", "d2", "r2", "thr"}
	for _, k := range ks {
		f.arg(k, "float64")
	}
	f.arg("m", "int")
	for _, p := range []string{"v", "g1", "g2", "ref", "bits"} {
		f.load(p)
	}
	for _, k := range ks {
		f.bcast(k)
	}
	row := func(expr string) *node {
		e, err := parse(Kernel{Name: name, Vecs: v("v", "g1", "g2"), Ks: ks, Expr: expr})
		if err != nil {
			panic(err)
		}
		return e
	}
	f.b.p("\tMOVQ m+%d(FP), CX", f.off("m"))
	f.b.p("\tXORQ AX, AX")
	f.b.p("loop:")
	// v reads the old g1 and g2: computed first, stored last
	nv, _ := f.eval(row("c0*v + c1*g1 + c2*g2 + r"))
	a := f.active(f.konst["nf"])
	if held && w == 4 {
		old := f.alloc()
		f.b.p("\tVMOVUPD (%s)(AX*8), %s", f.ptr["v"], old)
		f.b.p("\tVBLENDVPD %s, %s, %s, %s", a, nv, old, nv) // refractory neurons keep v
		f.release(old)
	}
	for _, g := range []struct{ p, e string }{{"g1", "d1*g1 + r1"}, {"g2", "d2*g2 + r2"}} {
		x, _ := f.eval(row(g.e))
		f.b.p("\tVMOVUPD %s, (%s)(AX*8)", x, f.ptr[g.p])
		f.release(x)
	}
	if held && w == 8 {
		f.b.p("\tVMOVUPD %s, K1, (%s)(AX*8)", nv, f.ptr["v"]) // refractory neurons keep v
	} else {
		f.b.p("\tVMOVUPD %s, (%s)(AX*8)", nv, f.ptr["v"])
	}
	f.hitBits(pred, f.konst["thr"], nv, a)
	f.next()
	f.b.p("\tVZEROUPPER\n\tRET\n")
	return f.done(name, false)
}

// asmNonFinite: whether any of x[:m] is NaN or infinite.
func asmNonFinite(w int) asmKernel {
	f := newAsmFn(w)
	f.arg("x", "*float64")
	f.arg("m", "int")
	x := f.load("x")
	bad, t := f.alloc(), f.alloc()
	f.b.p("\t%s %s, %s, %s", f.bitwise("XOR"), bad, bad, bad)
	f.b.p("\tMOVQ m+%d(FP), CX", f.off("m"))
	f.b.p("\tXORQ AX, AX")
	f.b.p("loop:")
	f.b.p("\tVMOVUPD (%s)(AX*8), %s", x, t)
	f.b.p("\tVSUBPD %s, %s, %s", t, t, t)
	f.b.p("\t%s %s, %s, %s", f.bitwise("OR"), t, bad, bad)
	f.next()
	f.testBad(bad)
	f.b.p("\tVZEROUPPER\n\tRET\n")
	return f.done("nonFinite"+isa(w), true)
}

// asmFiles is kern_amd64.s and kern_amd64.go.
func asmFiles(ks []parsed) (s, g string) {
	var all []asmKernel
	for _, w := range []int{8, 4} {
		for _, k := range ks {
			all = append(all, asmFor(k, w, false))
			if k.Shape == Euler {
				all = append(all, asmFor(k, w, true))
			}
		}
		all = append(all, asmNonFinite(w))
		for _, c := range cmpOps {
			all = append(all, asmCross(w, "cross"+c.name+isa(w), c.pred),
				asmLIF(w, "lif"+c.name+isa(w), c.pred, false), asmLIF(w, "lifHeld"+c.name+isa(w), c.pred, true))
		}
	}
	var a buf
	a.WriteString(header)
	a.p("//go:build %s\n", asmTag)
	a.p("#include \"textflag.h\"\n")
	a.p("// The AVX-512 and AVX2 bodies of the kernels: see kern_amd64.go.\n")
	a.p("DATA signbit<>+0(SB)/8, $0x8000000000000000")
	a.p("GLOBL signbit<>(SB), RODATA|NOPTR, $8\n")
	for _, k := range all {
		a.WriteString(k.text)
	}

	var b buf
	b.start(asmTag, `"math/bits"`, "", `"golang.org/x/sys/cpu"`)
	b.p("// Without GOEXPERIMENT=simd, amd64 builds run the kernels' vector bodies")
	b.p("// in assembly (kern_amd64.s, generated from the same table): 8 lanes with")
	b.p("// AVX-512F, 4 with AVX2, as the archsimd bodies of GOEXPERIMENT=simd")
	b.p("// builds; the tag purego keeps the scalar loops only. Each Go body below")
	b.p("// checks the slices' lengths, then hands the largest multiple of w")
	b.p("// elements to its assembly, which trusts them.\n")
	b.p("%s", dispatch(ks, "cpu.X86.HasAVX512F", "cpu.X86.HasAVX2"))
	for _, w := range []int{8, 4} {
		for _, k := range ks {
			asmGo(&b, k, w)
		}
		b.WriteString(lanes(strings.ReplaceAll(asmGlue, "@I", isa(w)), w))
	}
	b.WriteString(asmShared)
	for _, k := range all {
		b.p("//go:noescape\nfunc %s\n", k.decl)
	}
	return a.String(), b.String()
}

// asmGo is the Go body of w lanes of table kernel k: it checks the
// lengths and calls the assembly.
func asmGo(b *buf, k parsed, w int) {
	in, I := k.Vecs, isa(w)
	b.p("func %s%d(%s) %s {", k.Name, w, k.params(), k.results())
	b.p("m := len(o) &^ %d", w-1)
	b.p("if m == 0 {\nreturn %s\n}", map[bool]string{true: "0, false", false: "0"}[k.Shape == Euler])
	b.p("%s = %s", strings.Join(in, ", "), each(in, "%s[:m]"))
	ptrs := "&o[0], " + each(in, "&%s[0]")
	ks := ""
	if len(k.Ks) > 0 {
		ks = ", " + strings.Join(k.Ks, ", ")
	}
	for _, g := range k.Flags {
		b.p("var %sMask uint64\nif %s {\n%sMask = 1 << 63\n}", g, g, g)
		ks += ", " + g + "Mask"
	}
	switch k.Shape {
	case Map:
		b.p("%s%s(%s%s, m)\nreturn m\n}\n", k.Name, I, ptrs, ks)
	case Held:
		b.p("ref = ref[:m]")
		b.p("%s%s(%s, &ref[0], float64(n)%s, m)\nreturn m\n}\n", k.Name, I, ptrs, ks)
	case Euler:
		b.p("if ref == nil {\nreturn m, %sFree%s(%s%s, dt, m)\n}", k.Name, I, ptrs, ks)
		b.p("ref = ref[:m]")
		b.p("return m, %s%s(%s, &ref[0], float64(n)%s, dt, m)\n}\n", k.Name, I, ptrs, ks)
	}
}

// asmGlue is the Go side of the special kernels of @W lanes (@I the
// instruction set's suffix).
const asmGlue = `func nonFinite@W(x []float64) bool {
	m := len(x) &^ @M
	return m > 0 && nonFinite@I(&x[0], m)
}

// cross@I, lif@I and lifHeld@I are the bodies of each threshold operator,
// in the order of opIndex.
var (
	cross@I   = [4]crossFunc{crossGT@I, crossGE@I, crossLT@I, crossLE@I}
	lif@I     = [4]lifFunc{lifGT@I, lifGE@I, lifLT@I, lifLE@I}
	lifHeld@I = [4]lifFunc{lifHeldGT@I, lifHeldGE@I, lifHeldLT@I, lifHeldLE@I}
)

func crossings@W(spikes []int32, op string, vals []float64, ref []int32, n int32, c float64, lo int) ([]int32, int) {
	m := len(vals) &^ @M
	vals, ref = vals[:m], ref[:m]
	cross := cross@I[opIndex(op)]
	var hits [hitChunk / @W]uint8
	for i := 0; i < m; i += hitChunk {
		e := min(i+hitChunk, m)
		cross(&vals[i], &ref[i], &hits[0], float64(n), c, e-i)
		spikes = appendHits(spikes, hits[:(e-i)/@W], @W, lo+i)
	}
	return spikes, m
}

func lifBlock@W(spikes []int32, k *lifRows, v, g1, g2 []float64, ref []int32, n int32, lo int) ([]int32, int) {
	m := len(v) &^ @M
	v, g1, g2, ref = v[:m], g1[:m], g2[:m], ref[:m]
	body := lif@I[opIndex(k.op)]
	if k.held {
		body = lifHeld@I[opIndex(k.op)]
	}
	var hits [hitChunk / @W]uint8
	for i := 0; i < m; i += hitChunk {
		e := min(i+hitChunk, m)
		body(&v[i], &g1[i], &g2[i], &ref[i], &hits[0], float64(n), k.c0, k.c1, k.c2, k.r, k.d1, k.r1, k.d2, k.r2, k.thr, e-i)
		spikes = appendHits(spikes, hits[:(e-i)/@W], @W, lo+i)
	}
	return spikes, m
}

`

// asmShared is the Go side both widths use.
const asmShared = `type (
	crossFunc func(vals *float64, ref *int32, bits *uint8, nf, c float64, m int)
	lifFunc   func(v, g1, g2 *float64, ref *int32, bits *uint8, nf, c0, c1, c2, r, d1, r1, d2, r2, thr float64, m int)
)

func opIndex(op string) int {
	switch op {
	case ">":
		return 0
	case ">=":
		return 1
	case "<":
		return 2
	}
	return 3
}

// hitChunk is how many elements one assembly call of crossings or
// lifBlock tests: their hits (a byte of lane bits per block of w) stay on
// the stack.
const hitChunk = 1024

// appendHits appends lo+w*j+lane for every lane bit set in hits[j].
func appendHits(spikes []int32, hits []uint8, w, lo int) []int32 {
	for j, b := range hits {
		for ; b != 0; b &= b - 1 {
			spikes = append(spikes, int32(lo+w*j+bits.TrailingZeros8(b)))
		}
	}
	return spikes
}

`
