package verilog

import (
	"fmt"
	"strings"

	"github.com/snnc/snnc/ir/iir"
)

// Learning segment dendrites (iir.DendLearn, ir/iir/dendrite_learn.go):
// the fixed simulator's ldend as a circuit. Per dendrite (D<k>), after the
// resets:
//
//	LRN D<k>    for each neuron that fired this step (its spike list), a
//	            walker over its segments: SCAN (classify them from last
//	            step's counts), LOOP (pick the ones that learn), ADAPT
//	            (permanences ± and compaction, marking the segment's cells),
//	            COUNT (candidates: active, in the pool, unmarked), DROP
//	            (the weakest synapse onto an inactive cell, shifting the
//	            rest down), SELECT (selection sampling with the hash draws)
//	            and CLEAR (the marks), one slot or cell a logical cycle
//	CLR D<k>    clear the active cells (last step's: LRN used them)
//	ACT D<k>_s  mark the cells whose spikes arrive now
//	CNT D<k>    per neuron, segment and synapse: count the active potential
//	            and connected synapses into d<k>_pot/d<k>_con, then the
//	            handler if a segment is active
//
// Storage: d<k>_pre/d<k>_perm (slot (j·S + g)·K + s), d<k>_sn/last/pot/con
// (segment j·S + g), d<k>_pool (bit j·P + c), d<k>_act and d<k>_mk (bit per
// cell).

// learns reports whether a dendrite learns (and so has these phases).
func learns(td *iir.TraceDendrite) bool { return td.Dendrite.Learn != nil && td.NPre > 0 }

// learnPhases appends a learning dendrite's phases.
func (e *emitter) learnPhases(n *node, td *iir.TraceDendrite, k int) {
	ph := func(kind, id string, src int) *phase {
		return &phase{id: id, kind: kind, pop: n.pop, node: n, dend: &dendPhase{k: k, td: td, src: src}}
	}
	e.phases = append(e.phases, ph("DLRN", fmt.Sprintf("PH_DLRN_%d", k), 0), ph("DCLR", fmt.Sprintf("PH_DCLR_%d", k), 0))
	for s := range td.Srcs {
		e.phases = append(e.phases, ph("DACT", fmt.Sprintf("PH_DACT_%d_%d", k, s), s))
	}
	e.phases = append(e.phases, ph("DCNT", fmt.Sprintf("PH_DCNT_%d", k), 0))
}

// lrn is what the templates of a learning dendrite substitute.
func (e *emitter) lrn(ph *phase) *strings.Replacer {
	td, n := ph.dend.td, ph.node
	d, l := td.Dendrite, td.Dendrite.Learn
	k := ph.dend.k
	return strings.NewReplacer(
		"@", fmt.Sprintf("d%d_", k),
		"{S}", fmt.Sprint(d.Segments), "{S1}", fmt.Sprint(d.Segments-1),
		"{K}", fmt.Sprint(d.Synapses), "{P}", fmt.Sprint(td.NPre), "{P1}", fmt.Sprint(td.NPre-1),
		"{N1}", fmt.Sprint(n.size-1),
		"{TH}", fmt.Sprint(d.Threshold), "{MINTH}", fmt.Sprint(l.MinThreshold), "{MAXNEW}", fmt.Sprint(l.MaxNew),
		"{INC}", fmt.Sprint(l.Increment), "{DEC}", fmt.Sprint(l.Decrement), "{INIT}", fmt.Sprint(d.Initial),
		"{CONN}", fmt.Sprint(d.Connected), "{KEY}", fmt.Sprintf("%08x", iir.DrawKey(e.tr.Seed, l.Site)),
		"{SEGA}", fmt.Sprint(clog2(n.size*d.Segments)-1), "{SLOTA}", fmt.Sprint(clog2(n.size*d.Segments*d.Synapses)-1),
		"{POOLA}", fmt.Sprint(clog2(n.size*td.NPre)-1), "{CELLW}", fmt.Sprint(clog2(td.NPre)-1),
		"{LRN}", fmt.Sprintf("PH_DLRN_%d", k), "{CNT}", fmt.Sprintf("PH_DCNT_%d", k),
	)
}

// learnMemories declares the learning dendrites' memories and registers.
func (e *emitter) learnMemories() {
	for _, ph := range e.phases {
		if ph.kind != "DLRN" {
			continue
		}
		td, n, k := ph.dend.td, ph.node, ph.dend.k
		d := td.Dendrite
		segs, slots := n.size*d.Segments, n.size*d.Segments*d.Synapses
		what := func(s string) string { return fmt.Sprintf("%s.%s: %s", n.name, d.Name, s) }
		name := func(s string) string { return fmt.Sprintf("d%d_%s", k, s) }
		fmt.Fprintf(&e.b, "\n    // population %s, learning dendrite %s: %d segments of %d slots per neuron, %d cells\n", n.name, d.Name, d.Segments, d.Synapses, td.NPre)
		e.image(name("act"), 1, make([]int64, td.NPre), false, what("active presynaptic cells"))
		e.image(name("mk"), 1, make([]int64, td.NPre), false, what("cells on the segment being grown"))
		pool := make([]int64, len(td.Pool))
		for x, b := range td.Pool {
			if b {
				pool[x] = 1
			}
		}
		e.image(name("pool"), 1, pool, false, what("candidate pools, bit j·P + c"))
		cw, sw := clog2(td.NPre), ubits(int64(d.Synapses))
		e.image(name("pre"), cw, make([]int64, slots), false, what("each slot's cell"))
		e.image(name("perm"), 16, make([]int64, slots), false, what("each slot's permanence (65535 = 1)"))
		e.image(name("sn"), sw, make([]int64, segs), false, what("synapses per segment (0: free)"))
		e.image(name("last"), 32, make([]int64, segs), false, what("step each segment was created or last learned"))
		e.image(name("pot"), sw, make([]int64, segs), false, what("active potential synapses at the last count"))
		e.image(name("con"), sw, make([]int64, segs), false, what("active connected synapses at the last count"))
		e.amap.Dendrites = append(e.amap.Dendrites, MapDendrite{Pop: n.name, Name: d.Name,
			Pre: name("pre"), Perm: name("perm"), N: name("sn"), Last: name("last"), Pot: name("pot"), Con: name("con")})
		fmt.Fprint(&e.b, e.lrn(ph).Replace(`    reg @any;       // some cell is active
    reg [3:0] @ls;  // the learning walker's state
    reg [1:0] @cst; // the count: 0 start a segment, 1 its synapses, 2 the handler
    reg @hit, @act1, @hasbest, @hasfree, @haslru, @learned, @nw, @found;
    reg [31:0] @j, @g, @s, @w, @c, @m, @rem, @need, @snr, @best, @bpot, @free, @lru, @lrulast, @live, @worst, @wperm, @cg, @cs, @cpot, @ccon;
    reg signed [31:0] @want, @over;
`))
	}
}

// learnResets are the reset lines of the learning dendrites' registers.
func (e *emitter) learnResets() []string {
	var out []string
	for _, ph := range e.phases {
		if ph.kind == "DLRN" {
			out = append(out, strings.Split(e.lrn(ph).Replace("@ls <= 4'd0;|@cst <= 2'd0;|@any <= 1'b0;|@hit <= 1'b0;|@cg <= 32'd0;"), "|")...)
		}
	}
	return out
}

// learnWires emits the learning walker's reads and arithmetic.
func (e *emitter) learnWires(ph *phase) {
	n, r := ph.node, e.lrn(ph)
	rd := func(mem, addr string, level int) string { return e.read(r.Replace(mem), r.Replace(addr), level, ph.id) }
	fmt.Fprint(&e.b, r.Replace(`    // learning walker
    wire [{SEGA}:0] @sa = @j * {S} + @g;
    wire [{SLOTA}:0] @ya = @sa * {K} + @s;
    wire [{SLOTA}:0] @yw = @sa * {K} + @w;
    wire [{SLOTA}:0] @yn = @sa * {K} + @snr;
    wire [{SLOTA}:0] @yr = (@ls == 4'd6) ? @ya + 1'b1 : @ya;
    wire [{POOLA}:0] @pa = @j * {P} + @c;
`))
	fmt.Fprintf(&e.b, r.Replace("    wire [31:0] @nf = %s;\n    wire [31:0] @jr = %s;\n"),
		e.read("sc_"+n.id, e.slot(n), 1, ph.id), e.read("sq_"+n.id, e.histAddr(n, e.slot(n), "i", e.iw), 1, ph.id))
	fmt.Fprintf(&e.b, r.Replace(`    wire [31:0] @sn_r = %s;
    wire [31:0] @pot_r = %s;
    wire [31:0] @con_r = %s;
    wire [31:0] @last_r = %s;
    wire [{CELLW}:0] @pre_r = %s;
    wire [15:0] @perm_r = %s;
    wire @actp = %s;
    wire @actc = %s;
    wire @pool_r = %s;
    wire @mk_r = %s;
`), rd("@sn", "@sa", 1), rd("@pot", "@sa", 1), rd("@con", "@sa", 1), rd("@last", "@sa", 1),
		rd("@pre", "@yr", 1), rd("@perm", "@yr", 1), rd("@act", "@pre_r", 2), rd("@act", "@c[{CELLW}:0]", 1),
		rd("@pool", "@pa", 1), rd("@mk", "@c[{CELLW}:0]", 1))
	fmt.Fprint(&e.b, r.Replace(`    wire signed [31:0] @pn = $signed({16'd0, @perm_r}) + (@actp ? {INC} : -{DEC});
    wire [15:0] @pc = (@pn < 0) ? 16'd0 : (@pn > 65535) ? 16'd65535 : @pn[15:0];
    wire @keep = (@pc != 16'd0);
    wire [31:0] @w1 = @w + @keep;
    wire @cand = @actc && @pool_r && !@mk_r;
    wire [31:0] @m1 = @m + @cand;
    wire [31:0] @nnew = ({MAXNEW} < @m1) ? {MAXNEW} : @m1;
    wire signed [31:0] @ngrow = (@want < $signed(@m1)) ? @want : $signed(@m1);
    wire [31:0] @n0 = @nw ? ((@nnew < {K}) ? @nnew : {K}) : @ngrow;
    wire signed [31:0] @over0 = $signed(@snr + @n0) - {K};
    wire [31:0] @gsel = (@live == {S}) ? @lru : @free;
    wire [{SEGA}:0] @sa_sel = @j * {S} + @gsel;
    wire @dropc = !@actp && (!@found || @perm_r < @wperm);
    wire [31:0] @room = {K} - @snr;
    wire [31:0] @room1 = {K} + 1 - @snr;
    wire [31:0] @needroom = (@need < @room) ? @need : @room;
    wire [31:0] @needroom1 = (@need < @room1) ? @need : @room1;
    wire [31:0] @dk0 = snn_mix32(32'h{KEY} ^ (@g * {P} + @c));
    wire [31:0] @dh0 = snn_mix32(@dk0 ^ nstep);
    wire [31:0] @dh1 = snn_mix32(@dh0 ^ @j);
    wire [31:0] @dh2 = snn_mix32(@dh1 ^ nstep);
    wire [47:0] @lhs = @dh2[31:16] * @rem;
    wire [47:0] @rhs = {@need, 16'd0};
    wire @take = @cand && (@lhs < @rhs);
`))
}

// countWires emits the count's reads and the handler kernel.
func (e *emitter) countWires(ph *phase) {
	n, r, td := ph.node, e.lrn(ph), ph.dend.td
	rd := func(mem, addr string, level int) string { return e.read(r.Replace(mem), r.Replace(addr), level, ph.id) }
	fmt.Fprint(&e.b, r.Replace(`    // count of the segments' active synapses
    wire [{SEGA}:0] @csa = i * {S} + @cg;
    wire [{SLOTA}:0] @cya = @csa * {K} + @cs;
`))
	fmt.Fprintf(&e.b, r.Replace(`    wire [31:0] @csn_r = %s;
    wire [{CELLW}:0] @cpre_r = %s;
    wire [15:0] @cperm_r = %s;
    wire @cact = %s;
    wire [31:0] @cpot1 = @cpot + @cact;
    wire [31:0] @ccon1 = @ccon + (@cact && @cperm_r >= {CONN});
`), rd("@sn", "@csa", 1), rd("@pre", "@cya", 1), rd("@perm", "@cya", 1), rd("@act", "@cpre_r", 2))
	if td.Dendrite.Kernel != nil {
		aw := clog2(n.size)
		pre := fmt.Sprintf("h%d", ph.dend.k)
		fmt.Fprintf(&e.b, "\n    // population %s: on dendrite %s active, at neuron i\n", n.name, td.Dendrite.Name)
		fmt.Fprintf(&e.b, "    wire [%d:0] %s_a = (ph == %s) ? i[%d:0] : %d'd0;\n", aw-1, pre, ph.id, aw-1, aw)
		st := e.loads(e.g, n, pre, pre+"_a", 1, ph.id)
		e.g.kernel(td.Dendrite.Kernel, pre+"_k", st)
		e.writes[ph.id] = e.stores(n, st, pre+"_a")
	}
}

// ctlLearn emits the learning walker's controller.
func (e *emitter) ctlLearn(ph *phase, next string) {
	r := e.lrn(ph)
	body := r.Replace(`// verilator lint_off WIDTH
if (@ls == 4'd0) begin // next neuron that fired
    if (!@any || i == @nf) begin
        i <= 0;
        ph <= NEXT;
    end else begin
        @j <= @jr;
        @g <= 0; @act1 <= 1'b0; @hasbest <= 1'b0; @best <= 0; @bpot <= 0;
        @hasfree <= 1'b0; @free <= 0; @haslru <= 1'b0; @lru <= 0; @lrulast <= 0; @live <= 0;
        @learned <= 1'b0; @nw <= 1'b0;
        @ls <= 4'd1;
    end
end else if (@ls == 4'd1) begin // SCAN
    if (@sn_r == 0) begin
        if (!@hasfree) begin @free <= @g; @hasfree <= 1'b1; end
    end else begin
        @live <= @live + 1;
        if (@con_r >= {TH}) @act1 <= 1'b1;
        if (@pot_r >= {MINTH} && @pot_r > @bpot) begin @best <= @g; @hasbest <= 1'b1; @bpot <= @pot_r; end
        if (!@haslru || @last_r < @lrulast) begin @lru <= @g; @lrulast <= @last_r; @haslru <= 1'b1; end
    end
    if (@g == {S1}) begin @g <= 0; @ls <= 4'd2; end else @g <= @g + 1;
end else if (@ls == 4'd2) begin // LOOP
    if (@sn_r != 0 && (@act1 ? (@con_r >= {TH}) : (@hasbest && @g == @best))) begin
        @last[@sa] <= nstep;
        @want <= {MAXNEW} - $signed(@pot_r);
        @snr <= @sn_r; @s <= 0; @w <= 0; @learned <= 1'b1; @ls <= 4'd3;
    end else if (@g == {S1}) begin
        if (@learned || {MAXNEW} == 0) begin i <= i + 1'b1; @ls <= 4'd0; end
        else begin @c <= 0; @m <= 0; @nw <= 1'b1; @ls <= 4'd4; end
    end else @g <= @g + 1;
end else if (@ls == 4'd3) begin // ADAPT
    if (@keep) begin
        @pre[@yw] <= @pre_r; @perm[@yw] <= @pc; @mk[@pre_r] <= 1'b1;
    end
    if (@s + 1 == @snr) begin
        @sn[@sa] <= @w1; @snr <= @w1; @c <= 0; @m <= 0;
        if (@w1 == 0) begin @pot[@sa] <= 0; @con[@sa] <= 0; @ls <= 4'd8; end
        else if (@want > 0) @ls <= 4'd4;
        else @ls <= 4'd8;
    end else begin
        @s <= @s + 1; @w <= @w1;
    end
end else if (@ls == 4'd4) begin // COUNT
    if (@c == {P1}) begin
        @c <= 0; @rem <= @m1; @need <= @n0;
        if (@n0 == 0) begin
            if (@nw) begin i <= i + 1'b1; @ls <= 4'd0; end else @ls <= 4'd8;
        end else if (@nw) begin
            @g <= @gsel; @sn[@sa_sel] <= 0; @last[@sa_sel] <= nstep; @pot[@sa_sel] <= 0; @con[@sa_sel] <= 0;
            @snr <= 0; @ls <= 4'd7;
        end else if (@over0 > 0) begin
            @over <= @over0; @s <= 0; @found <= 1'b0; @ls <= 4'd5;
        end else @ls <= 4'd7;
    end else begin
        @c <= @c + 1; @m <= @m1;
    end
end else if (@ls == 4'd5) begin // DROP: find the weakest onto an inactive cell
    if (@dropc) begin @worst <= @s; @wperm <= @perm_r; @found <= 1'b1; end
    if (@s + 1 == @snr) begin
        if (!(@found || @dropc)) begin
            @need <= @needroom; @c <= 0;
            @ls <= (@needroom == 0) ? 4'd8 : 4'd7;
        end else begin
            @s <= @dropc ? @s : @worst; @ls <= 4'd6;
        end
    end else @s <= @s + 1;
end else if (@ls == 4'd6) begin // DROP: shift the rest down
    if (@s + 1 < @snr) begin
        @pre[@ya] <= @pre_r; @perm[@ya] <= @perm_r; @s <= @s + 1;
    end else begin
        @snr <= @snr - 1; @sn[@sa] <= @snr - 1;
        if (@over > 1 && @snr > 1) begin @over <= @over - 1; @s <= 0; @found <= 1'b0; @ls <= 4'd5; end
        else begin
            @need <= @needroom1; @c <= 0;
            @ls <= (@needroom1 == 0) ? 4'd8 : 4'd7;
        end
    end
end else if (@ls == 4'd7) begin // SELECT
    if (@take) begin @pre[@yn] <= @c; @perm[@yn] <= {INIT}; end
    if (@c == {P1} || (@take && @need == 1)) begin
        @sn[@sa] <= @snr + @take; @c <= 0;
        if (@nw) begin i <= i + 1'b1; @ls <= 4'd0; end else @ls <= 4'd8;
    end else begin
        @c <= @c + 1;
        if (@take) begin @snr <= @snr + 1; @need <= @need - 1; end
        if (@cand) @rem <= @rem - 1;
    end
end else begin // CLEAR the marks
    @mk[@c] <= 1'b0;
    if (@c == {P1}) begin
        if (@g == {S1}) begin i <= i + 1'b1; @ls <= 4'd0; end
        else begin @g <= @g + 1; @ls <= 4'd2; end
    end else @c <= @c + 1;
end
// verilator lint_on WIDTH
`)
	body = strings.ReplaceAll(body, "NEXT;", next+";")
	for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		fmt.Fprintf(&e.b, "                %s\n", l)
	}
}

// ctlCount emits the count's controller.
func (e *emitter) ctlCount(ph *phase, next string) {
	r := e.lrn(ph)
	var hw strings.Builder
	for _, w := range e.writes[ph.id] {
		fmt.Fprintf(&hw, "        %s\n", w)
	}
	body := r.Replace(`// verilator lint_off WIDTH
if (@cst == 2'd0) begin
    if (@csn_r == 0) begin
        @pot[@csa] <= 0; @con[@csa] <= 0;
        if (@cg == {S1}) @cst <= 2'd2; else @cg <= @cg + 1;
    end else begin
        @cs <= 0; @cpot <= 0; @ccon <= 0; @cst <= 2'd1;
    end
end else if (@cst == 2'd1) begin
    if (@cs + 1 == @csn_r) begin
        @pot[@csa] <= @cpot1; @con[@csa] <= @ccon1;
        if (@ccon1 >= {TH}) @hit <= 1'b1;
        if (@cg == {S1}) @cst <= 2'd2; else begin @cg <= @cg + 1; @cst <= 2'd0; end
    end else begin
        @cs <= @cs + 1; @cpot <= @cpot1; @ccon <= @ccon1;
    end
end else begin
    if (@hit) begin
HANDLER    end
    @hit <= 1'b0; @cst <= 2'd0; @cg <= 0;
    if (i == {N1}) begin
        i <= 0;
        ph <= NEXT;
    end else
        i <= i + 1'b1;
end
// verilator lint_on WIDTH
`)
	body = strings.ReplaceAll(body, "NEXT;", next+";")
	body = strings.Replace(body, "HANDLER", hw.String(), 1)
	for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if l != "" {
			fmt.Fprintf(&e.b, "                %s\n", l)
		}
	}
}
