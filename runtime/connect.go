package rt

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"
	"slices"
	"strconv"
	"strings"
)

// CSR is connectivity in compressed sparse row form, rows = presynaptic
// neurons. Synapse s of row i (RowPtr[i] <= s < RowPtr[i+1]) targets
// postsynaptic neuron Col[s]; within a row Col is ascending (duplicates are
// possible only from from_file and fixed_total_number). Synapse indices are the positions in Col,
// which is how per-synapse state arrays are indexed.
type CSR struct {
	NPre, NPost int
	RowPtr      []int64 // len NPre+1
	Col         []int32 // postsynaptic index of each synapse
	// W is each synapse's weight factor for the connectors that carry one
	// (matrix, conv1d, conv2d: see weighted.go); nil for the others.
	W []float64
}

// NumSynapses is the number of synapses.
func (c *CSR) NumSynapses() int64 { return int64(len(c.Col)) }

// Bytes is the memory held by the connectivity arrays.
func (c *CSR) Bytes() int64 { return 8*int64(len(c.RowPtr)) + 4*int64(len(c.Col)) }

// Row returns the targets of presynaptic neuron i (a view, not a copy).
func (c *CSR) Row(i int) []int32 { return c.Col[c.RowPtr[i]:c.RowPtr[i+1]] }

// Pre returns the presynaptic index of every synapse (expanded from
// RowPtr), for outputs such as weight monitors.
func (c *CSR) Pre() []int32 {
	pre := make([]int32, len(c.Col))
	for i := 0; i < c.NPre; i++ {
		for s := c.RowPtr[i]; s < c.RowPtr[i+1]; s++ {
			pre[s] = int32(i)
		}
	}
	return pre
}

// Transpose returns the same synapses indexed by postsynaptic neuron (rows =
// post, Col = pre), and perm with perm[k] = the index in c of synapse k of
// the transpose (for on_post handlers and per-post normalisation).
func (c *CSR) Transpose() (*CSR, []int64) {
	t := &CSR{NPre: c.NPost, NPost: c.NPre, RowPtr: make([]int64, c.NPost+1), Col: make([]int32, len(c.Col))}
	for _, j := range c.Col {
		t.RowPtr[j+1]++
	}
	for j := 0; j < c.NPost; j++ {
		t.RowPtr[j+1] += t.RowPtr[j]
	}
	next := slices.Clone(t.RowPtr[:c.NPost])
	perm := make([]int64, len(c.Col))
	for i := 0; i < c.NPre; i++ {
		for s := c.RowPtr[i]; s < c.RowPtr[i+1]; s++ {
			j := c.Col[s]
			k := next[j]
			next[j]++
			t.Col[k] = int32(i)
			perm[k] = s
		}
	}
	return t, perm
}

// ConnSpec describes a connector (see docs/language.md, Projections).
type ConnSpec struct {
	Kind       string  // all_to_all, one_to_one, bernoulli, fan_in, fan_out, fixed_total_number, gaussian, from_file
	P          float64 // bernoulli p; gaussian peak probability (0 means 1)
	K          int     // fan_in / fan_out; fixed_total_number: the synapse count
	Sigma      float64 // gaussian, in grid units of the post grid
	File       string  // from_file: CSV rows "pre,post" (0-based), '#' comments
	ExceptSelf bool    // drop i->i (within a population, or between two of the same size)
	SamePop    bool
	// matrix: File is the weight matrix. conv1d, conv2d: File is the
	// kernel, Kernel its shape [Cout, Cin/groups, (Kh,) Kw]; pool2d:
	// Kernel is [Kh, Kw]. Input is the source's spatial size; Stride,
	// Padding, Dilation one value per spatial axis (see weighted.go).
	Kernel, Input, Stride, Padding, Dilation []int
	Groups                                   int
}

// Geometry is a population's size and shape. Shape nil or with one entry is
// 1-D; otherwise the product of Shape is N and neurons are numbered in
// row-major order (the last axis varies fastest).
type Geometry struct {
	N     int
	Shape []int
}

func (s ConnSpec) exceptSelf() bool { return s.ExceptSelf }

func (s ConnSpec) gaussP() float64 {
	if s.P == 0 {
		return 1
	}
	return s.P
}

// Connect builds the connectivity. It is deterministic for a given stream:
// row-wise connectors (all_to_all, one_to_one, bernoulli, fan_out, gaussian)
// draw row i from rng.Sub(uint64(i)), exactly as Procedural does, so stored
// and procedural storage give identical synapses; fan_in draws post neuron
// j's sources from rng.Sub(uint64(j)) and transposes.
//
// bernoulli draws each row's count from Binomial(m, p) (m = NPost, or
// NPost-1 without self) and then a uniform set of that many distinct
// targets: together exactly independent Bernoulli(p) trials per pair, in
// O(synapses) time. RowPtr and Col are allocated once, at their final size.
func Connect(spec ConnSpec, pre, post Geometry, rng *Stream) (*CSR, error) {
	if err := checkSpec(spec, pre, post); err != nil {
		return nil, err
	}
	switch spec.Kind {
	case "from_file":
		return connectFile(spec, pre, post)
	case "matrix", "conv1d", "conv2d", "pool2d":
		return connectWeighted(spec, pre, post)
	case "fan_in":
		return connectFanIn(spec, pre, post, rng), nil
	}
	g, err := newRowGen(spec, pre, post, rng)
	if err != nil {
		return nil, err
	}
	c := &CSR{NPre: pre.N, NPost: post.N, RowPtr: make([]int64, pre.N+1)}
	if g.kind == "gaussian" { // no cheap row count: grow
		var buf []int32
		for i := 0; i < pre.N; i++ {
			buf = g.row(i, buf[:0])
			c.Col = append(c.Col, buf...)
			c.RowPtr[i+1] = int64(len(c.Col))
		}
		c.Col = slices.Clip(c.Col)
		return c, nil
	}
	for i := 0; i < pre.N; i++ {
		c.RowPtr[i+1] = c.RowPtr[i] + int64(g.rowLen(i))
	}
	c.Col = make([]int32, c.RowPtr[pre.N])
	for i := 0; i < pre.N; i++ {
		seg := c.Col[c.RowPtr[i]:c.RowPtr[i+1]]
		if got := g.row(i, seg[:0]); len(got) != len(seg) {
			panic(fmt.Sprintf("runtime: row %d: %d targets, counted %d", i, len(got), len(seg)))
		}
	}
	return c, nil
}

func checkSpec(spec ConnSpec, pre, post Geometry) error {
	if pre.N < 0 || post.N < 0 {
		return fmt.Errorf("negative population size (%d -> %d)", pre.N, post.N)
	}
	if pre.N > math.MaxInt32 || post.N > math.MaxInt32 {
		return fmt.Errorf("population too large for 32-bit indices (%d -> %d)", pre.N, post.N)
	}
	if spec.SamePop && pre.N != post.N {
		return fmt.Errorf("%s: a population onto itself with different sizes (%d and %d)", spec.Kind, pre.N, post.N)
	}
	if spec.ExceptSelf && pre.N != post.N {
		return fmt.Errorf("%s except self: neuron i -> i needs a source and target of the same size, not %d and %d", spec.Kind, pre.N, post.N)
	}
	switch spec.Kind {
	case "all_to_all", "from_file", "matrix":
	case "conv1d", "conv2d", "pool2d":
		if spec.ExceptSelf {
			return fmt.Errorf("%s except self: a convolution has no neuron-to-partner pairs to drop", spec.Kind)
		}
		if _, err := Conv(spec, pre, post); err != nil {
			return err
		}
	case "one_to_one":
		if pre.N != post.N {
			return fmt.Errorf("one_to_one needs equal sizes, got %d -> %d", pre.N, post.N)
		}
	case "bernoulli":
		if !(spec.P >= 0 && spec.P <= 1) {
			return fmt.Errorf("bernoulli(p): p must be in [0, 1], got %g", spec.P)
		}
	case "fan_in":
		if m := avail(spec, pre.N); spec.K < 0 || spec.K > m {
			return fmt.Errorf("fan_in(%d): k must be in 0..%d (the presynaptic population%s)", spec.K, m, selfNote(spec))
		}
	case "fixed_total_number":
		if spec.K < 0 {
			return fmt.Errorf("fixed_total_number(%d): the number of synapses must not be negative", spec.K)
		}
		if spec.K > 0 && (pre.N == 0 || post.N == 0 || spec.ExceptSelf && pre.N == 1) {
			return fmt.Errorf("fixed_total_number(%d): no pair to draw between %d and %d neurons%s", spec.K, pre.N, post.N, selfNote(spec))
		}
	case "fan_out":
		if m := avail(spec, post.N); spec.K < 0 || spec.K > m {
			return fmt.Errorf("fan_out(%d): k must be in 0..%d (the postsynaptic population%s)", spec.K, m, selfNote(spec))
		}
	case "gaussian":
		if !(spec.Sigma > 0) || math.IsInf(spec.Sigma, 0) {
			return fmt.Errorf("gaussian: sigma must be > 0, got %g", spec.Sigma)
		}
		if p := spec.gaussP(); !(p >= 0 && p <= 1) {
			return fmt.Errorf("gaussian: p must be in [0, 1], got %g", p)
		}
		for _, g := range []struct {
			side string
			geo  Geometry
		}{{"presynaptic", pre}, {"postsynaptic", post}} {
			if len(g.geo.Shape) < 2 {
				return fmt.Errorf("gaussian needs shaped populations (2-D or more); the %s one has shape %v", g.side, shapeString(g.geo))
			}
			n := 1
			for _, d := range g.geo.Shape {
				if d <= 0 {
					return fmt.Errorf("gaussian: the %s shape %v has an empty axis", g.side, g.geo.Shape)
				}
				n *= d
			}
			if n != g.geo.N {
				return fmt.Errorf("gaussian: the %s shape %v has %d neurons, the population %d", g.side, g.geo.Shape, n, g.geo.N)
			}
		}
		if len(pre.Shape) > maxGaussAxes {
			return fmt.Errorf("gaussian: at most %d axes, got %v", maxGaussAxes, pre.Shape)
		}
		if len(pre.Shape) != len(post.Shape) {
			return fmt.Errorf("gaussian: the shapes %v and %v have different numbers of axes", pre.Shape, post.Shape)
		}
	case "":
		return errors.New("no connector given")
	default:
		return fmt.Errorf("unknown connector %q", spec.Kind)
	}
	return nil
}

func shapeString(g Geometry) string {
	if len(g.Shape) == 0 {
		return fmt.Sprintf("[%d]", g.N)
	}
	return fmt.Sprint(g.Shape)
}

func avail(spec ConnSpec, n int) int {
	if spec.exceptSelf() && n > 0 {
		return n - 1
	}
	return n
}

func selfNote(spec ConnSpec) string {
	if spec.exceptSelf() {
		return " minus self"
	}
	return ""
}

const maxGaussAxes = 8

// rowGen generates the rows of the row-wise connectors. It is read-only
// after construction and safe for concurrent use.
type rowGen struct {
	kind       string
	npost      int
	p          float64
	k          int
	exceptSelf bool
	rng        Stream
	// fixed_total_number: the drawn synapse count of each row
	counts []int64
	// gaussian
	pre, post []int // shapes
	scale     []float64
	inv2s2    float64
}

func newRowGen(spec ConnSpec, pre, post Geometry, rng *Stream) (*rowGen, error) {
	g := &rowGen{kind: spec.Kind, npost: post.N, p: spec.P, k: spec.K, exceptSelf: spec.exceptSelf()}
	if rng != nil {
		g.rng = *rng
		g.rng.hasSp, g.rng.hasNorm, g.rng.ctr = false, false, 0
	}
	switch spec.Kind {
	case "all_to_all", "one_to_one", "bernoulli", "fan_out":
	case "fixed_total_number":
		g.counts = totalCounts(spec.K, pre.N, &g.rng)
	case "gaussian":
		g.p = spec.gaussP()
		g.pre, g.post = slices.Clone(pre.Shape), slices.Clone(post.Shape)
		g.scale = make([]float64, len(g.pre))
		for d := range g.pre {
			g.scale[d] = float64(g.post[d]) / float64(g.pre[d])
		}
		g.inv2s2 = 1 / (2 * spec.Sigma * spec.Sigma)
	default:
		return nil, fmt.Errorf("%s connectivity cannot be generated row by row", spec.Kind)
	}
	return g, nil
}

// rowLen is the number of targets of row i (not for gaussian).
func (g *rowGen) rowLen(i int) int {
	m := g.npost
	if g.exceptSelf {
		m--
	}
	switch g.kind {
	case "all_to_all":
		return m
	case "one_to_one":
		if g.exceptSelf {
			return 0
		}
		return 1
	case "fan_out":
		return g.k
	case "fixed_total_number":
		return int(g.counts[i])
	case "bernoulli":
		s := g.rng.Child(uint64(i))
		return s.Binomial(m, g.p)
	}
	panic("runtime: rowLen of " + g.kind)
}

// row appends the ascending targets of row i to buf.
func (g *rowGen) row(i int, buf []int32) []int32 {
	m := g.npost
	if g.exceptSelf {
		m--
	}
	switch g.kind {
	case "all_to_all":
		for j := 0; j < g.npost; j++ {
			if !g.exceptSelf || j != i {
				buf = append(buf, int32(j))
			}
		}
		return buf
	case "one_to_one":
		if g.exceptSelf {
			return buf
		}
		return append(buf, int32(i))
	case "gaussian":
		return g.gaussRow(i, buf)
	case "fixed_total_number":
		return g.totalRow(i, m, buf)
	}
	s := g.rng.Child(uint64(i))
	k := g.k
	if g.kind == "bernoulli" {
		k = s.Binomial(m, g.p)
	}
	start := len(buf)
	buf = sampleSorted(&s, m, k, buf)
	if g.exceptSelf {
		for x := start; x < len(buf); x++ {
			if int(buf[x]) >= i {
				buf[x]++
			}
		}
	}
	return buf
}

// sampleSorted appends k distinct values drawn uniformly from [0, m), in
// ascending order, to buf; every k-subset is equally likely. Sparse case:
// draw with replacement until k distinct values are seen (the first k
// distinct values of an i.i.d. sequence form a uniform k-subset), sorting
// and compacting after each batch; it never uses more than k slots of buf.
// Dense case (4k > m): selection sampling (Knuth's Algorithm S), O(m).
func sampleSorted(s *Stream, m, k int, buf []int32) []int32 {
	if k <= 0 {
		return buf
	}
	if k > m {
		panic(fmt.Sprintf("runtime: %d distinct values from %d", k, m))
	}
	start := len(buf)
	if 4*k > m {
		for t := 0; t < m && len(buf)-start < k; t++ {
			need := k - (len(buf) - start)
			if float64(m-t)*s.Float64() < float64(need) {
				buf = append(buf, int32(t))
			}
		}
		return buf
	}
	for {
		have := len(buf) - start
		if have == k {
			return buf
		}
		for range k - have {
			buf = append(buf, int32(s.Intn(m)))
		}
		seg := buf[start:]
		sortBelow(seg, m)
		seg = slices.Compact(seg)
		buf = buf[:start+len(seg)]
	}
}

// gaussRow: the pre neuron's coordinates are scaled onto the post grid
// (centre-aligned), and post neuron j connects with probability
// p·exp(-d²/2σ²). Exact thinning: the post grid is walked line by line
// along the last axis; each line gets a bound q (its leading-axes factor),
// candidates are found by geometric skipping with q and accepted with the
// last-axis factor. Cost per row: one draw per line plus the candidates.
// sortBelow sorts a, whose values lie in [0, m) and are roughly uniform:
// a counting sort into len(a) buckets by value (about one per bucket), then
// an insertion sort that only fixes neighbours. O(len(a)), 4-5 times faster
// than slices.Sort for rows of ~100 targets; the scratch lives on the stack.
func sortBelow(a []int32, m int) {
	switch k := len(a); {
	case k < 24:
		insertionSort(a)
	case k <= 256:
		var cnt [257]int32
		var tmp [256]int32
		bucketSort(a, m, cnt[:k+1], tmp[:k])
	case k <= 4096:
		var cnt [4097]int32
		var tmp [4096]int32
		bucketSort(a, m, cnt[:k+1], tmp[:k])
	default:
		slices.Sort(a)
	}
}

func bucketSort(a []int32, m int, cnt, tmp []int32) {
	bucketTo(a, m, cnt, tmp)
	copy(a, tmp)
	insertionSort(a)
}

// bucketTo writes a, whose values lie in [0, m), into dst by len(a)
// buckets of value (cnt: len(a)+1 zeros), nearly sorted: an insertion sort
// finishes it.
func bucketTo[T int32 | uint16 | uint32](a []int32, m int, cnt []int32, dst []T) {
	nb := len(a)
	scale := float64(nb) / float64(m)
	bucket := func(v int32) int { return min(int(float64(v)*scale), nb-1) }
	for _, v := range a {
		cnt[bucket(v)+1]++
	}
	for b := 1; b <= nb; b++ {
		cnt[b] += cnt[b-1]
	}
	dst = dst[:nb]
	for _, v := range a {
		b := bucket(v)
		dst[cnt[b]] = T(v)
		cnt[b]++
	}
}

// sortTo writes a, whose values lie in [0, m), into dst ascending (as
// sortBelow sorts them), with cnt as the scratch of the buckets.
func sortTo[T uint16 | uint32](a []int32, m int, dst []T, cnt *[]int32) {
	if len(a) < 24 {
		for k, v := range a {
			dst[k] = T(v)
		}
		insertionSort(dst[:len(a)])
		return
	}
	if cap(*cnt) < len(a)+1 {
		*cnt = make([]int32, len(a)+1)
	}
	c := (*cnt)[:len(a)+1]
	clear(c)
	bucketTo(a, m, c, dst)
	insertionSort(dst[:len(a)])
}

func insertionSort[T int32 | uint16 | uint32](a []T) {
	for i := 1; i < len(a); i++ {
		v := a[i]
		j := i
		for j > 0 && a[j-1] > v {
			a[j] = a[j-1]
			j--
		}
		a[j] = v
	}
}

func (g *rowGen) gaussRow(i int, buf []int32) []int32 {
	s := g.rng.Child(uint64(i))
	D := len(g.pre)
	var ubuf [maxGaussAxes]float64
	u := ubuf[:D]
	rem := i
	for d := D - 1; d >= 0; d-- {
		c := rem % g.pre[d]
		rem /= g.pre[d]
		u[d] = (float64(c)+0.5)*g.scale[d] - 0.5
	}
	W := g.post[D-1]
	lines := g.npost / W
	var idxBuf [maxGaussAxes]int
	lead := idxBuf[:D-1]
	for line := 0; line < lines; line++ {
		// leading coordinates of this line
		r := line
		d2 := 0.0
		for d := D - 2; d >= 0; d-- {
			lead[d] = r % g.post[d]
			r /= g.post[d]
			dd := float64(lead[d]) - u[d]
			d2 += dd * dd
		}
		q := g.p * math.Exp(-d2*g.inv2s2)
		if q <= 0 {
			continue
		}
		base := line * W
		x := int64(-1)
		for {
			x += 1 + s.Geometric(q)
			if x >= int64(W) {
				break
			}
			dx := float64(x) - u[D-1]
			acc := math.Exp(-dx * dx * g.inv2s2)
			if acc < 1 && s.Float64() >= acc {
				continue
			}
			j := base + int(x)
			if g.exceptSelf && j == i {
				continue
			}
			buf = append(buf, int32(j))
		}
	}
	return buf
}

func connectFanIn(spec ConnSpec, pre, post Geometry, rng *Stream) *CSR {
	m := avail(spec, pre.N)
	k := spec.K
	es := spec.exceptSelf()
	c := &CSR{NPre: pre.N, NPost: post.N, RowPtr: make([]int64, pre.N+1)}
	col := make([]int32, 0, k)
	sources := func(j int) []int32 {
		s := rng.Child(uint64(j))
		col = sampleSorted(&s, m, k, col[:0])
		if es {
			for x := range col {
				if int(col[x]) >= j {
					col[x]++
				}
			}
		}
		return col
	}
	// pass 1: counts per pre; pass 2: regenerate and fill (no temporary
	// copy of all synapses). Iterating j ascending keeps rows sorted.
	for j := 0; j < post.N; j++ {
		for _, i := range sources(j) {
			c.RowPtr[i+1]++
		}
	}
	for i := 0; i < pre.N; i++ {
		c.RowPtr[i+1] += c.RowPtr[i]
	}
	c.Col = make([]int32, c.RowPtr[pre.N])
	next := slices.Clone(c.RowPtr[:pre.N])
	for j := 0; j < post.N; j++ {
		for _, i := range sources(j) {
			c.Col[next[i]] = int32(j)
			next[i]++
		}
	}
	return c
}

// fixed_total_number is NEST's rule: exactly K synapses, the presynaptic
// and the postsynaptic neuron of each drawn uniformly and independently,
// with replacement (multapses allowed, as NEST's default allow_multapses;
// autapses too, as NEST's allow_autapses, unless `except self`, when the
// pairs i -> i are left out of the draw). Drawn by rows, as NEST draws it
// by virtual process: the row counts are a multinomial (K; 1/N_pre, ...)
// draw (totalCounts), then row i draws its count of targets uniformly from
// its own stream (Child(i)), so rows can be built in any order and none of
// the synapses is ever held twice. With `except self` (N_pre = N_post)
// every row has N - 1 allowed targets, so the rows stay equally likely.

// totalCountsID names the child stream of the row counts, apart from the
// rows' Child(i) (i < 2^31).
const totalCountsID = 1 << 62

// totalCounts draws the row counts of k synapses over n rows: the
// multinomial as a chain of binomials, row i getting Binomial(left, 1/(n-i))
// of the synapses not yet placed.
func totalCounts(k, n int, rng *Stream) []int64 {
	counts := make([]int64, n)
	s := rng.Child(totalCountsID)
	left := k
	for i := 0; i < n && left > 0; i++ {
		c := left
		if i < n-1 {
			c = s.Binomial(left, 1/float64(n-i))
		}
		counts[i] = int64(c)
		left -= c
	}
	return counts
}

// totalRow appends row i's fixed_total_number targets, ascending
// (duplicates kept): its count of uniform draws from [0, m).
func (g *rowGen) totalRow(i, m int, buf []int32) []int32 {
	start := len(buf)
	buf = g.totalDraws(i, m, buf)
	sortBelow(buf[start:], g.npost)
	return buf
}

// totalDraws appends row i's fixed_total_number targets in draw order:
// uniform on [0, m) by Lemire's method on 32 bits, the low half of each
// 64-bit word of the row's stream and then its high half (one Philox
// block for four targets: drawing them is most of a row's cost).
func (g *rowGen) totalDraws(i, m int, buf []int32) []int32 {
	k := int(g.counts[i])
	if k == 0 {
		return buf // (m may be 0)
	}
	s := g.rng.Child(uint64(i))
	um := uint32(m) // m < 2^31 (checkSpec)
	thresh := -um % um
	buf = slices.Grow(buf, k)
	var w uint64
	halves := 0
	for k > 0 {
		if halves == 0 {
			w, halves = s.Uint64(), 2
		}
		prod := uint64(uint32(w)) * uint64(um)
		w >>= 32
		halves--
		if uint32(prod) < thresh {
			continue // the biased remainder: draw again
		}
		j := int32(prod >> 32)
		if g.exceptSelf && int(j) >= i {
			j++
		}
		buf = append(buf, j)
		k--
	}
	return buf
}

// rowScratch is one construction thread's working memory for rows.
type rowScratch struct {
	buf []int32 // a row's targets
	cnt []int32 // sortTo's buckets
}

// totalRowTo writes totalRow's targets of row i into dst, its place in
// Rows: sorted straight there, with no copy through a buffer.
func totalRowTo[T uint16 | uint32](g *rowGen, i int, dst []T, sc *rowScratch) {
	m := g.npost
	if g.exceptSelf {
		m--
	}
	sc.buf = g.totalDraws(i, m, sc.buf[:0])
	if len(sc.buf) != len(dst) {
		panic(fmt.Sprintf("runtime: row %d: %d targets, counted %d", i, len(sc.buf), len(dst)))
	}
	sortTo(sc.buf, g.npost, dst, &sc.cnt)
}

// connectFile reads "pre,post" rows (0-based). Blank lines and '#'
// comments are skipped; a first line that is not numeric is taken as a
// header. Duplicate pairs are kept (several synapses between two neurons).
func connectFile(spec ConnSpec, pre, post Geometry) (*CSR, error) {
	f, err := os.Open(spec.File)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var pres, posts []int32
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	seenData := false
	es := spec.exceptSelf()
	for sc.Scan() {
		line++
		text := stripComment(sc.Text())
		if text == "" {
			continue
		}
		fields := splitCSV(text)
		first := !seenData
		seenData = true
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: expected pre,post (e.g. 3,17), got %q", spec.File, line, text)
		}
		a, errA := strconv.ParseInt(fields[0], 10, 64)
		b, errB := strconv.ParseInt(fields[1], 10, 64)
		if errA != nil || errB != nil {
			if first && isHeader(fields) {
				continue
			}
			return nil, fmt.Errorf("%s:%d: expected pre,post as whole numbers (e.g. 3,17), got %q", spec.File, line, text)
		}
		if a < 0 || a >= int64(pre.N) {
			return nil, fmt.Errorf("%s:%d: pre index %d out of range 0..%d", spec.File, line, a, pre.N-1)
		}
		if b < 0 || b >= int64(post.N) {
			return nil, fmt.Errorf("%s:%d: post index %d out of range 0..%d", spec.File, line, b, post.N-1)
		}
		if es && a == b {
			continue
		}
		pres = append(pres, int32(a))
		posts = append(posts, int32(b))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %v", spec.File, line+1, err)
	}
	c := &CSR{NPre: pre.N, NPost: post.N, RowPtr: make([]int64, pre.N+1), Col: make([]int32, len(pres))}
	for _, a := range pres {
		c.RowPtr[a+1]++
	}
	for i := 0; i < pre.N; i++ {
		c.RowPtr[i+1] += c.RowPtr[i]
	}
	next := slices.Clone(c.RowPtr[:pre.N])
	for k, a := range pres {
		c.Col[next[a]] = posts[k]
		next[a]++
	}
	for i := 0; i < pre.N; i++ {
		slices.Sort(c.Col[c.RowPtr[i]:c.RowPtr[i+1]])
	}
	return c, nil
}

func stripComment(s string) string {
	// a byte order mark (Excel writes one) would glue to the first header
	// name and make the header read as a bad data row
	s = strings.TrimPrefix(s, "\ufeff")
	if k := strings.IndexByte(s, '#'); k >= 0 {
		s = s[:k]
	}
	return strings.TrimSpace(s)
}

func splitCSV(s string) []string {
	fields := strings.Split(s, ",")
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	return fields
}

// isHeader: every field starts with a letter (e.g. "pre,post", "index,time").
func isHeader(fields []string) bool {
	for _, f := range fields {
		if f == "" {
			return false
		}
		c := f[0]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
			return false
		}
	}
	return true
}

// EstimateSynapses is the expected number of synapses, computed without
// building anything (so a model whose connectivity cannot fit in memory is
// refused before allocating). Invalid specs give 0; from_file counts the
// file's data lines.
func EstimateSynapses(spec ConnSpec, pre, post Geometry) float64 {
	if checkSpec(spec, pre, post) != nil {
		return 0
	}
	np, nq := float64(pre.N), float64(post.N)
	es := spec.exceptSelf()
	switch spec.Kind {
	case "all_to_all":
		if es {
			return np * (nq - 1)
		}
		return np * nq
	case "one_to_one":
		if es {
			return 0
		}
		return np
	case "bernoulli":
		return spec.P * np * float64(avail(spec, post.N))
	case "fan_in":
		return float64(spec.K) * nq
	case "fan_out":
		return float64(spec.K) * np
	case "fixed_total_number":
		return float64(spec.K)
	case "gaussian":
		return gaussExpected(spec, pre, post)
	case "from_file":
		return float64(countDataLines(spec.File))
	case "matrix", "conv1d", "conv2d", "pool2d":
		return estimateWeighted(spec, pre, post)
	}
	return 0
}

// gaussExpected sums p·exp(-d²/2σ²) over all pairs; the kernel factorises
// over axes, so this is a product of per-axis sums.
func gaussExpected(spec ConnSpec, pre, post Geometry) float64 {
	inv := 1 / (2 * spec.Sigma * spec.Sigma)
	total := spec.gaussP()
	for d := range pre.Shape {
		scale := float64(post.Shape[d]) / float64(pre.Shape[d])
		sum := 0.0
		for c := 0; c < pre.Shape[d]; c++ {
			u := (float64(c)+0.5)*scale - 0.5
			for x := 0; x < post.Shape[d]; x++ {
				dx := float64(x) - u
				sum += math.Exp(-dx * dx * inv)
			}
		}
		total *= sum
	}
	if spec.exceptSelf() {
		total -= spec.gaussP() * float64(pre.N)
	}
	return math.Max(total, 0)
}

func countDataLines(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	var n int64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		t := stripComment(sc.Text())
		if t != "" && (t[0] >= '0' && t[0] <= '9' || t[0] == '-' || t[0] == '+') {
			n++
		}
	}
	return n
}

// Procedural is static random connectivity regenerated from the seed
// instead of stored: Row(i, buf) gives the targets of pre neuron i,
// identical on every call and identical to Connect's row i. It holds a few
// words, whatever the number of synapses, and is safe for concurrent use.
// Synapse numbering: none is stored; a plastic projection that keeps
// per-synapse state numbers its synapses by RowPointers (8 bytes a
// presynaptic neuron instead of 4 bytes a synapse).
type Procedural struct {
	NPre, NPost int
	g           *rowGen
	spec        ConnSpec
	pre, post   Geometry
}

// NewProcedural checks the spec and returns the generator. Supported:
// bernoulli, fan_out, all_to_all, one_to_one, gaussian (row-wise
// connectors). fan_in needs whole columns and from_file needs storage.
func NewProcedural(spec ConnSpec, pre, post Geometry, rng *Stream) (*Procedural, error) {
	switch spec.Kind {
	case "fan_in":
		return nil, errors.New("fan_in connectivity cannot be procedural: it is drawn per postsynaptic neuron (by columns), so a row needs every column; store it as CSR")
	case "from_file", "matrix", "conv1d", "conv2d", "pool2d":
		return nil, fmt.Errorf("%s connectivity cannot be procedural: it is read from a file or computed, not drawn from the seed; store it as CSR", spec.Kind)
	}
	if err := checkSpec(spec, pre, post); err != nil {
		return nil, err
	}
	g, err := newRowGen(spec, pre, post, rng)
	if err != nil {
		return nil, err
	}
	return &Procedural{NPre: pre.N, NPost: post.N, g: g, spec: spec, pre: pre, post: post}, nil
}

// Row returns the ascending targets of pre neuron i, reusing buf's storage.
func (p *Procedural) Row(i int, buf []int32) []int32 { return p.g.row(i, buf[:0]) }

// RowScratch is one goroutine's working memory for Procedural.Targets.
type RowScratch struct {
	buf  []int32
	seen []uint64 // a bit per postsynaptic neuron, all clear between calls
}

// maxSeenBits bounds the scratch bitset (512 kB); larger targets use Row.
const maxSeenBits = 1 << 22

// Targets returns the same targets as Row(i) in draw order instead of
// ascending: sparse bernoulli and fan_out rows find repeated draws with a
// bitset instead of sorting. The draws, and so the set, are Row's (Row
// draws the missing count in batches and keeps the distinct values, which
// ends at exactly the draw where the k-th distinct value appears). Delivery
// of one weight per row does not depend on the order (a row has no repeated
// target), and this is 2-3 times cheaper. The result is valid until the
// next call with sc; sc must not be shared between goroutines.
func (p *Procedural) Targets(i int, sc *RowScratch) []int32 {
	g := p.g
	m := g.npost
	if g.exceptSelf {
		m--
	}
	if (g.kind != "bernoulli" && g.kind != "fan_out") || m > maxSeenBits {
		sc.buf = g.row(i, sc.buf[:0])
		return sc.buf
	}
	s := g.rng.Child(uint64(i))
	k := g.k
	if g.kind == "bernoulli" {
		k = s.Binomial(m, g.p)
	}
	if k <= 0 || 4*k > m { // Row's selection sampling: ascending already
		sc.buf = g.row(i, sc.buf[:0])
		return sc.buf
	}
	if len(sc.seen) < (m+63)/64 {
		sc.seen = make([]uint64, (m+63)/64)
	}
	buf, seen := sc.buf[:0], sc.seen
	um := uint64(m)
	for len(buf) < k {
		// s.Intn(m), written out: this loop is the cost of a row
		hi, lo := bits.Mul64(s.Uint64(), um)
		if lo < um {
			thresh := -um % um
			for lo < thresh {
				hi, lo = bits.Mul64(s.Uint64(), um)
			}
		}
		x := int(hi)
		w, b := x>>6, uint64(1)<<(x&63)
		if seen[w]&b == 0 {
			seen[w] |= b
			buf = append(buf, int32(x))
		}
	}
	for _, x := range buf {
		seen[x>>6] = 0 // rows are sparse: clearing the word is enough
	}
	if g.exceptSelf {
		for x := range buf {
			if int(buf[x]) >= i {
				buf[x]++
			}
		}
	}
	sc.buf = buf
	return buf
}

// RowBatch is the targets of several rows, concatenated: one thread's share
// of a step's spikes, regenerated in parallel with the other shares.
type RowBatch struct {
	sc      RowScratch
	Targets []int32
}

// Fill regenerates the rows of spikes, in their order (as Targets does).
func (b *RowBatch) Fill(p *Procedural, spikes []int32) {
	b.Targets = b.Targets[:0]
	for _, i := range spikes {
		b.Targets = append(b.Targets, p.Targets(int(i), &b.sc)...)
	}
}

// EstimateSynapses is the expected number of synapses.
func (p *Procedural) EstimateSynapses() float64 { return EstimateSynapses(p.spec, p.pre, p.post) }

// Bytes is the memory the generator holds (independent of the synapse count).
func (p *Procedural) Bytes() int64 { return 160 }

// RowPointers numbers the synapses as Connect would: row i holds synapses
// ptr[i]..ptr[i+1]-1. Computed once by generating every row.
func (p *Procedural) RowPointers() []int64 {
	ptr := make([]int64, p.NPre+1)
	var buf []int32
	for i := 0; i < p.NPre; i++ {
		buf = p.Row(i, buf)
		ptr[i+1] = ptr[i] + int64(len(buf))
	}
	return ptr
}

// Columns indexes synapses by postsynaptic neuron: the synapses onto j are
// syn[ptr[j]:ptr[j+1]], ascending. row(i) gives pre neuron i's targets and
// rowPtr the first synapse of each row (CSR's, or RowPointers').
func Columns(npost int, rowPtr []int64, row func(i int) []int32) (ptr []int64, syn []int32) {
	npre := len(rowPtr) - 1
	ptr = make([]int64, npost+1)
	for i := 0; i < npre; i++ {
		for _, j := range row(i) {
			ptr[j+1]++
		}
	}
	for j := 0; j < npost; j++ {
		ptr[j+1] += ptr[j]
	}
	syn = make([]int32, rowPtr[npre])
	next := append([]int64(nil), ptr[:npost]...)
	for i := 0; i < npre; i++ {
		for k, j := range row(i) {
			syn[next[j]] = int32(rowPtr[i] + int64(k))
			next[j]++
		}
	}
	return ptr, syn
}

// PreOf finds the presynaptic neuron of synapse syn by binary search in
// the row pointers.
func PreOf(rowPtr []int64, syn int64) int {
	lo, hi := 0, len(rowPtr)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if rowPtr[mid+1] <= syn {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}
