package fixed

import (
	"runtime"
	"sync"
	"weak"

	"github.com/snnc/snnc/ir"
	"github.com/snnc/snnc/lang"
)

// The quantize pass lowers the optimised IR and attaches the integer
// program to it; backends ask for it with For. The table holds the float
// program weakly: an entry goes when its program is collected.
var (
	mu       sync.Mutex
	attached = map[weak.Pointer[ir.Program]]*Program{}
)

// Attach records q as the integer program of p.
func Attach(p *ir.Program, q *Program) {
	key := weak.Make(p)
	mu.Lock()
	defer mu.Unlock()
	if _, ok := attached[key]; !ok {
		runtime.AddCleanup(p, func(k weak.Pointer[ir.Program]) {
			mu.Lock()
			delete(attached, k)
			mu.Unlock()
		}, key)
	}
	attached[key] = q
}

// Attached returns the integer program the quantize pass attached to p.
func Attached(p *ir.Program) *Program {
	mu.Lock()
	defer mu.Unlock()
	return attached[weak.Make(p)]
}

// For returns p's integer program for the profile: the one the quantize
// pass attached, or a new lowering (when the pass did not run).
func For(p *ir.Program, prof *Profile) (*Program, lang.Diagnostics) {
	if q := Attached(p); q != nil && q.Profile.Name == prof.Name {
		return q, nil
	}
	q, diags := Lower(p, prof)
	if q != nil {
		Attach(p, q)
	}
	return q, diags
}
