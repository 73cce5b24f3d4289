package plan

// Analyses of a loop's ops that every executor needs and that must come
// out the same in each (the interpreter runs what the generator prints):
// which values are the same for every element, which ops run only inside a
// select's arm, how an event's loops split around the synapse loop.

// Uniform marks the ops whose value is the same for every element of a
// step: constants, the time, the step number, and pure ops of those. An
// executor computes them once a step, not per element.
func Uniform(ops []Op) []bool {
	u := make([]bool, len(ops))
	for k, op := range ops {
		switch {
		case op.Code == Const || op.Code == Time || op.Code == StepNo:
			u[k] = true
		case Pure(op.Code):
			u[k] = true
			for _, a := range op.Args {
				u[k] = u[k] && u[a]
			}
		}
	}
	return u
}

// ArmOwners says which select arm each op runs in: 2·select + arm-1 for a
// pure op that only that arm reads (directly or through other ops of the
// arm), -1 for the loop itself. Running an arm's ops only when the select
// takes it gives the same values (a pure op's value reaches a side effect
// only through its select) and saves the untaken arm's work: a lazy trace
// already advanced to t costs no exp. Ops marked in skip (nil: none), such
// as uniform ones computed once a step, stay with the loop. Selects are
// visited from the last back, so an op of an inner select's arm inside an
// outer one's belongs to the inner one, which runs inside the outer arm.
func ArmOwners(ops []Op, skip []bool) []int {
	owner := make([]int, len(ops))
	users := make([][][2]int, len(ops)) // (user, argument position)
	for k, op := range ops {
		owner[k] = -1
		for j, a := range op.Args {
			if a >= 0 && a < k {
				users[a] = append(users[a], [2]int{k, j})
			}
		}
	}
	skipped := func(k int) bool { return skip != nil && skip[k] }
	for s := len(ops) - 1; s >= 0; s-- {
		if ops[s].Code != Select || len(ops[s].Args) != 3 || skipped(s) {
			continue
		}
		for arm := 1; arm <= 2; arm++ {
			in := map[int]bool{}
			for q := s - 1; q >= 0; q-- {
				if skipped(q) || !Pure(ops[q].Code) || len(users[q]) == 0 {
					continue
				}
				own := true
				for _, u := range users[q] {
					if !(u[0] == s && u[1] == arm || in[u[0]]) {
						own = false
						break
					}
				}
				if own {
					in[q] = true
					owner[q] = 2*s + arm - 1
				}
			}
		}
	}
	return owner
}

// SplitEvent splits an event's loops (Synapse.OnPre or OnPost, over the
// spikes space spikes) as Build orders them: the spike's own loop before
// the synapse loop, the synapse loop, the spike's loop after it (each nil
// when absent).
func SplitEvent(loops []*Loop, spikes Space) (one, each, after *Loop) {
	for _, l := range loops {
		switch {
		case l.Space != spikes:
			each = l
		case each != nil:
			after = l
		default:
			one = l
		}
	}
	return one, each, after
}

// OwnElementOnly reports whether a loop's loads and stores all index its
// own element (plan.I) and it neither sends (a send needs the postsynaptic
// neuron) nor gives a Result (an initialisation loop walks its synapses
// row by row: the same order, and the generator's straight loop ranges
// over an array the loop reads): a loop over synapses then runs straight
// over the synapse indices, with no presynaptic or postsynaptic neuron to
// find.
func OwnElementOnly(l *Loop) bool {
	for _, op := range l.Ops {
		if (op.Code == Load || op.Code == Store) && op.Idx != I || op.Code == Send || op.Code == Result {
			return false
		}
	}
	return true
}
