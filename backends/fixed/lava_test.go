package fixed_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/backends/fixed"
)

// The Lava reference: PyLifModelBitAcc's update re-written from its
// documented equations (Lava's lava/proc/lif/models.py), on integers:
//
//	u = sign(p)·(|p| >> 12), p = u·(4096 − d_u);  u += a_in << 6
//	u = np.mod(u, sign(u)·2^23)   (sign(0) taken as 1)
//	v = sign(q)·(|q| >> 12), q = v·(4096 − d_v);  v += u + bias
//	v = clip(v, −(2^23 − 1), 2^23 − 1);  spike if v > vth << 6, then v = 0
//
// a_in is the step before's sum of weight mantissas << the weight exponent.

// pyMod is Python's (numpy's) modulo: the result takes the divisor's sign.
func pyMod(a, b int64) int64 {
	r := a % b
	if r != 0 && (r < 0) != (b < 0) {
		r += b
	}
	return r
}

func lavaDecay(x, d int64) int64 {
	p := x * (4096 - d)
	if p < 0 {
		return -((-p) >> 12)
	}
	return p >> 12
}

const lavaModel = `
neuron L {
    parameters {
        tau_u = 400 ms
        tau_v = 20 ms
        v_th = 40 mV
        E_r = %s
    }
    state {
        u = 0 mV
        v = 0 mV
    }
    equations {
        method exact
        u' = -u / tau_u
        v' = (u - v + E_r) / tau_v
    }
    inputs {
        exc: u += weight
    }
    on threshold v > v_th {
        v = 0 mV
    }
}

network Net {
    dt = 1 ms
    input In = spikes("in.csv", n = %d)
    population P = L[%d]
    project In -> P : exc { connect = matrix("w.csv")  weight = 1 mV }
    record spikes(P)
    record P.u every 1 ms
    record P.v every 1 ms
}

run Net for %d ms
`

// TestLavaReference: random networks with a slow current (d_u ≈ 10), so that
// u runs past ±2^23 and wraps as Lava wraps it (2^23 + k becomes k, not
// −2^23 + k), give Lava's u, v and spikes integer for integer.
func TestLavaReference(t *testing.T) {
	wraps := 0
	for seed := range 6 {
		wraps += lavaCase(t, uint64(seed))
	}
	if wraps == 0 {
		t.Error("u never passed ±2^23: the wrap is not covered")
	}
}

func lavaCase(t *testing.T, seed uint64) (wraps int) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 23))
	dir := t.TempDir()
	nIn, nP, steps := 4, 6, 150
	er := []string{"0 mV", "3 mV"}[seed%2]
	// mantissas of either sign; neurons 0..2 mostly excited, 3..5 mostly inhibited
	w := make([][]float64, nP)
	var b strings.Builder
	for j := range nP {
		w[j] = make([]float64, nIn)
		for a := range nIn {
			x := float64(r.IntN(60) + 1)
			if (j >= 3) != (r.IntN(5) == 0) {
				x = -x
			}
			w[j][a] = x
			if a > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%g", x)
		}
		b.WriteByte('\n')
	}
	in := make([][]bool, steps)
	var csv strings.Builder
	for n := range steps {
		in[n] = make([]bool, nIn)
		for a := range nIn {
			if r.Float64() < 0.5 {
				in[n][a] = true
				fmt.Fprintf(&csv, "%d,%d\n", a, n)
			}
		}
	}
	for name, data := range map[string]string{"w.csv": b.String(), "in.csv": csv.String(),
		"net.snn": fmt.Sprintf(lavaModel, er, nIn, nP, steps)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, _, diags := snnc.CompileIR(filepath.Join(dir, "net.snn"), snnc.Options{DataDir: dir})
	if p == nil {
		t.Fatal(diags)
	}
	q := lower(t, p, "loihi")
	res := run(t, p, q, fixed.Options{BaseDir: dir})
	m := q.Models[0]
	du, dv, vth := constant(t, m, "decay of u"), constant(t, m, "decay of v"), constant(t, m, "threshold")
	bias := int64(0)
	if er != "0 mV" {
		bias = constant(t, m, "bias of v")
	}
	exp := m.Ports[0].Exp
	mant := make([][]int64, nP)
	for j := range nP {
		mant[j] = make([]int64, nIn)
		for a := range nIn {
			mant[j][a], _ = q.Projs[0].Quantize(w[j][a]*1e-3, q.Profile.WeightBits)
		}
	}
	rec := map[string]*fixed.RawMonitor{}
	for _, x := range res.Raw {
		rec[x.Var] = x
	}
	spk := make([][]bool, steps)
	for n := range spk {
		spk[n] = make([]bool, nP)
	}
	for k, tm := range res.Spikes[0].T {
		spk[int(tm*1e3+0.5)][res.Spikes[0].I[k]] = true
	}
	const m23 = int64(1) << 23
	u, v := make([]int64, nP), make([]int64, nP)
	for n := range steps {
		for j := range nP {
			if rec["u"].V[n][j] != u[j] || rec["v"].V[n][j] != v[j] {
				t.Fatalf("seed %d step %d neuron %d: u, v = %d, %d; Lava %d, %d", seed, n, j, rec["u"].V[n][j], rec["v"].V[n][j], u[j], v[j])
			}
			ain := int64(0)
			if n > 0 {
				for a := range nIn {
					if in[n-1][a] {
						ain += mant[j][a]
					}
				}
			}
			if exp >= 0 {
				ain <<= uint(exp)
			} else {
				ain >>= uint(-exp)
			}
			if ain < -1<<15 || ain >= 1<<15 {
				t.Fatalf("seed %d: a_in %d leaves Lava's 16 bits: the case tests something else", seed, ain)
			}
			x := lavaDecay(u[j], du) + ain<<6
			s := int64(1)
			if x < 0 {
				s = -1
			}
			u[j] = pyMod(x, s*m23)
			if u[j] != x {
				wraps++
			}
			v[j] = min(max(lavaDecay(v[j], dv)+u[j]+bias, -(m23-1)), m23-1)
			fired := v[j] > vth
			if fired {
				v[j] = 0
			}
			if spk[n][j] != fired {
				t.Fatalf("seed %d step %d neuron %d: spike %v, Lava %v", seed, n, j, spk[n][j], fired)
			}
		}
	}
	return wraps
}
