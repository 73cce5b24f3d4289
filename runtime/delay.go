package rt

import "fmt"

// DelayRing holds spikes (or synapse indices) in flight, quantised to time
// steps: slot (cur + d) mod (max+1) collects what is due d steps from now.
// Within a slot, entries keep the order in which they were pushed, so a
// deterministic push order gives a deterministic delivery order. Slots keep
// their capacity: after warm-up, Push does not allocate.
type DelayRing struct {
	slots [][]int32
	cur   int
}

// NewDelayRing returns a ring for delays 0..maxDelaySteps.
func NewDelayRing(maxDelaySteps int) *DelayRing {
	if maxDelaySteps < 0 {
		maxDelaySteps = 0
	}
	return &DelayRing{slots: make([][]int32, maxDelaySteps+1)}
}

// MaxDelay is the largest delay the ring accepts, in steps.
func (r *DelayRing) MaxDelay() int { return len(r.slots) - 1 }

// Push schedules neuron for delivery delaySteps from now (0 = this step,
// before Current is read). It panics outside 0..MaxDelay: the caller sized
// the ring from the model's delays.
func (r *DelayRing) Push(delaySteps int, neuron int32) {
	if delaySteps < 0 || delaySteps >= len(r.slots) {
		panic(fmt.Sprintf("runtime: delay of %d steps outside the ring (0..%d)", delaySteps, len(r.slots)-1))
	}
	k := r.cur + delaySteps
	if k >= len(r.slots) {
		k -= len(r.slots)
	}
	r.slots[k] = append(r.slots[k], neuron)
}

// PushAll schedules all the neurons with the same delay.
func (r *DelayRing) PushAll(delaySteps int, neurons []int32) {
	if delaySteps < 0 || delaySteps >= len(r.slots) {
		panic(fmt.Sprintf("runtime: delay of %d steps outside the ring (0..%d)", delaySteps, len(r.slots)-1))
	}
	k := r.cur + delaySteps
	if k >= len(r.slots) {
		k -= len(r.slots)
	}
	r.slots[k] = append(r.slots[k], neurons...)
}

// Current returns what is due at this step (valid until Advance).
func (r *DelayRing) Current() []int32 { return r.slots[r.cur] }

// Advance clears the current slot and moves to the next step.
func (r *DelayRing) Advance() {
	r.slots[r.cur] = r.slots[r.cur][:0]
	r.cur++
	if r.cur == len(r.slots) {
		r.cur = 0
	}
}

// Pending is the number of entries in flight (all slots).
func (r *DelayRing) Pending() int {
	n := 0
	for _, s := range r.slots {
		n += len(s)
	}
	return n
}
