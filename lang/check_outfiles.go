package lang

import (
	"github.com/snnc/snnc/internal/outname"
)

// recordOutputs names the output files of one record target (already
// checked), one entry per recording it makes: spikes(A, B) records A and B.
// key identifies the recording itself: the same recording twice writes the
// same files on purpose (spikes) or is reported by recordedTwice.
func recordOutputs(ni *NetInfo, x Expr) (keys []string, files [][]string) {
	switch y := x.(type) {
	case *CallExpr:
		for _, a := range y.Args {
			id, ok := a.Value.(*Ident)
			if !ok || !typeKnown(ni, id.Name) {
				continue
			}
			switch y.Fun.Name {
			case "spikes":
				keys = append(keys, "spikes("+id.Name+")")
				files = append(files, outname.SpikeFiles(id.Name))
			case "weights":
				// the backends name the recorded variable w (plastic) or
				// weight (static, fixed point): both are reserved
				keys = append(keys, "weights("+id.Name+")")
				files = append(files, append(outname.WeightFiles(id.Name, "w"), outname.WeightFiles(id.Name, "weight")...))
			}
		}
		return keys, files
	case *IndexExpr:
		return recordOutputs(ni, y.X)
	case *FieldExpr:
		v := y.Name.Name
		owner := y.X
		if inner, ok := owner.(*FieldExpr); ok { // Pop.compartment.var
			v, owner = inner.Name.Name+"."+v, inner.X
		}
		id, ok := owner.(*Ident)
		if !ok || !typeKnown(ni, id.Name) {
			return nil, nil
		}
		key := id.Name + "." + v
		if s := ni.Scope[id.Name]; s != nil && s.Kind == ProjSym {
			return []string{key}, [][]string{outname.WeightFiles(id.Name, v)}
		}
		return []string{key}, [][]string{outname.StateFiles(id.Name, v)}
	}
	return nil, nil
}

// outputCollisions reports a record target that would write a file another
// recording of the network writes too (P.v and P.v_t both write P_v_t.npy;
// spikes(E) and a population spikes_E's variable i; Eµ and E_xB5_): the
// second file would silently replace the first. written maps each file
// name to the recording that writes it and where.
func (c *checker) outputCollisions(ni *NetInfo, x Expr, written map[string]recordSite) {
	keys, files := recordOutputs(ni, x)
	for i, key := range keys {
		for _, f := range files[i] {
			first, ok := written[f]
			if !ok {
				written[f] = recordSite{key, x}
				continue
			}
			if first.key == key {
				continue
			}
			d := c.errorf(x, "%s would write %s, which %s (line %d) writes too", key, f, first.key, first.at.Range().Pos.Line)
			d.Hint = "rename a population, projection or variable: their output files are named <name>_<variable>.npy, spikes_<name>.csv, ..."
			break
		}
	}
}

type recordSite struct {
	key string
	at  Node
}

// typeKnown: the population or projection name has a known type; one
// whose type is unknown (reported) records nothing checked further.
func typeKnown(ni *NetInfo, name string) bool {
	s := ni.Scope[name]
	switch {
	case s == nil:
		return false
	case s.Kind == ProjSym:
		return s.Proj.Synapse != nil || s.Proj.Decl.Synapse == nil
	case s.Pop != nil && s.Pop.Pop != nil:
		return s.Pop.Type != nil
	}
	return true
}
