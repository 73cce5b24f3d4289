package rt

import (
	"fmt"
	"strconv"
)

// Where a synapse variable lives, for NonFiniteSynapse.
const (
	OnSynapse = iota // one value per synapse
	OnPre            // one per presynaptic neuron
	OnPost           // one per postsynaptic neuron
)

// NonFiniteSynapse is the error that stops a run when a handler of
// projection proj wrote the NaN or Inf x into variable v (stored by where)
// at time t in seconds, at synapse syn from pre to post. The interpreter
// and built binaries both report it with this one message.
func NonFiniteSynapse(proj, v string, where, syn, pre, post int, x, t float64) error {
	at := fmt.Sprintf("synapse %d (pre %d -> post %d)", syn, pre, post)
	switch where {
	case OnPre:
		at = fmt.Sprintf("presynaptic neuron %d", pre)
	case OnPost:
		at = fmt.Sprintf("postsynaptic neuron %d", post)
	}
	return fmt.Errorf("projection %s, %s: %s became %v at t = %s", proj, at, v, x, ms(t))
}

// NonFiniteNeuron is the error that stops a run when variable v of neuron
// i of population pop holds the NaN or Inf x at time t (seconds). A check
// that runs only every `every` seconds (0: every step) says the value
// appeared within that span.
func NonFiniteNeuron(pop string, i int, v string, x, t, every float64) error {
	when := "at t = " + ms(t)
	if every > 0 {
		when = fmt.Sprintf("within the %s up to t = %s", ms(every), ms(t))
	}
	return fmt.Errorf("%s[%d].%s became %v %s", pop, i, v, x, when)
}

// ms prints a time in seconds as milliseconds, as the rest of snnc does.
func ms(t float64) string { return strconv.FormatFloat(t/1e-3, 'g', 12, 64) + " ms" }
