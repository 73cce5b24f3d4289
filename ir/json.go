package ir

import (
	"strings"
)

// JSON returns a JSON-friendly view of the IR for tools: expressions and
// statements as the text `snnc ir` prints, numbers in SI units.
func JSON(p *Program) any {
	out := jsonProgram{Network: p.Network, Schedule: p.Schedule, Removed: p.Removed}
	for _, m := range p.Neurons {
		out.Neurons = append(out.Neurons, jsonOf(m))
	}
	for _, m := range p.Synapses {
		out.Synapses = append(out.Synapses, jsonOf(m))
	}
	for _, pop := range p.Pops {
		out.Populations = append(out.Populations, jsonPop{pop.Name, pop.Size, pop.Shape, pop.Model.Name})
	}
	for _, in := range p.Inputs {
		j := jsonInput{Name: in.Name, Kind: in.Kind, Size: in.Size, Num: in.Num, Str: in.Str, Lists: in.Lists, Port: in.Port}
		if in.Target != nil {
			j.Target = in.Target.Name
		}
		out.Inputs = append(out.Inputs, j)
	}
	for _, prj := range p.Projs {
		j := jsonProj{Name: prj.Name, Pre: prj.Pre.Name(), Post: prj.Post.Name, Port: prj.Port, Connector: prj.Connector, Storage: prj.Storage}
		if prj.Synapse != nil {
			j.Synapse = prj.Synapse.Name
		}
		if prj.Weight != nil {
			j.Weight = ExprString(prj.Weight)
		}
		if prj.Delay != nil {
			j.Delay = ExprString(prj.Delay)
		}
		out.Projections = append(out.Projections, j)
	}
	for _, r := range p.Records {
		out.Records = append(out.Records, recordString(r))
	}
	for _, w := range p.Wtas {
		out.Wtas = append(out.Wtas, jsonWta{Pop: w.Pop.Name, K: w.K, By: ExprString(w.By)})
	}
	for _, ph := range p.Phases {
		j := jsonPhase{Name: ph.Name, At: ph.At}
		for _, st := range ph.Sets {
			j.Sets = append(j.Sets, st.Target()+"."+st.Var.Name+" "+st.Op+" "+ExprString(st.Value))
		}
		out.Phases = append(out.Phases, j)
	}
	return out
}

type jsonWta struct {
	Pop string `json:"population"`
	K   int    `json:"k"`
	By  string `json:"by"`
}

type jsonPhase struct {
	Name string   `json:"name"`
	At   float64  `json:"at"` // s
	Sets []string `json:"sets"`
}

type jsonProgram struct {
	Network     string      `json:"network,omitempty"`
	Schedule    Schedule    `json:"schedule"`
	Neurons     []jsonModel `json:"neurons"`
	Synapses    []jsonModel `json:"synapses,omitempty"`
	Populations []jsonPop   `json:"populations,omitempty"`
	Inputs      []jsonInput `json:"inputs,omitempty"`
	Projections []jsonProj  `json:"projections,omitempty"`
	Records     []string    `json:"records,omitempty"`
	Wtas        []jsonWta   `json:"wta,omitempty"`
	Phases      []jsonPhase `json:"phases,omitempty"`
	Removed     []string    `json:"removed,omitempty"`
}

type jsonModel struct {
	Name      string              `json:"name"`
	Type      string              `json:"type"`
	Vars      []jsonVar           `json:"vars"`
	ODEs      []string            `json:"odes,omitempty"`
	Systems   []jsonSystem        `json:"systems,omitempty"`
	Threshold string              `json:"threshold,omitempty"`
	Kernels   map[string][]string `json:"kernels,omitempty"`
}

type jsonVar struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Unit    string `json:"unit,omitempty"`
	Dim     string `json:"dim"`
	Bool    bool   `json:"bool,omitempty"`
	Value   string `json:"value,omitempty"`
	Init    string `json:"init,omitempty"`
	Storage string `json:"storage,omitempty"`
	Lazy    bool   `json:"lazy,omitempty"`
	// Integral: lazy, advanced in closed form (Var.Integral)
	Integral bool `json:"integral,omitempty"`
}

type jsonSystem struct {
	Vars   []string    `json:"vars"`
	Method Method      `json:"method"`
	Why    string      `json:"why"`
	Inputs []string    `json:"inputs,omitempty"`
	P      [][]float64 `json:"P,omitempty"`
	Q      [][]float64 `json:"Q,omitempty"`
	R      []float64   `json:"r,omitempty"`
}

type jsonPop struct {
	Name  string `json:"name"`
	Size  int    `json:"size"`
	Shape []int  `json:"shape,omitempty"`
	Model string `json:"model"`
}

type jsonInput struct {
	Name   string               `json:"name"`
	Kind   string               `json:"kind"`
	Size   int                  `json:"size"`
	Num    map[string]float64   `json:"num,omitempty"`
	Str    map[string]string    `json:"str,omitempty"`
	Lists  map[string][]float64 `json:"lists,omitempty"`
	Target string               `json:"target,omitempty"`
	Port   string               `json:"port,omitempty"`
}

type jsonProj struct {
	Name      string    `json:"name"`
	Pre       string    `json:"pre"`
	Post      string    `json:"post"`
	Port      string    `json:"port"`
	Synapse   string    `json:"synapse,omitempty"`
	Connector Connector `json:"connector"`
	Weight    string    `json:"weight,omitempty"`
	Delay     string    `json:"delay,omitempty"`
	Storage   string    `json:"storage"`
}

func jsonOf(m *Model) jsonModel {
	j := jsonModel{Name: m.Name, Type: m.Type, Kernels: map[string][]string{}}
	for _, v := range m.Vars {
		jv := jsonVar{Name: v.Name, Kind: v.Kind.String(), Unit: v.Unit, Dim: v.Dim.String(), Bool: v.Bool}
		if v.Value != nil {
			jv.Value = ExprString(v.Value)
		}
		if v.Init != nil {
			jv.Init = ExprString(v.Init)
		}
		if m.Kind == SynapseModel && v.Kind == State {
			jv.Storage, jv.Lazy, jv.Integral = v.Storage.String(), v.Lazy, v.Integral
		}
		j.Vars = append(j.Vars, jv)
	}
	for _, o := range m.ODEs {
		j.ODEs = append(j.ODEs, o.Var.Name+"' = "+ExprString(o.Rhs)+NoiseString(o))
	}
	for _, s := range m.Update {
		js := jsonSystem{Method: s.Method, Why: s.Why, P: s.P, Q: s.Q, R: s.R}
		for _, v := range s.Vars {
			js.Vars = append(js.Vars, v.Name)
		}
		for _, v := range s.Inputs {
			js.Inputs = append(js.Inputs, v.Name)
		}
		j.Systems = append(j.Systems, js)
	}
	if m.Threshold != nil {
		j.Threshold = ExprString(m.Threshold)
	}
	add := func(name string, ss []Stmt) {
		if len(ss) == 0 {
			return
		}
		var sb strings.Builder
		pr := &printer{w: &sb}
		pr.stmts(ss)
		j.Kernels[name] = strings.Split(strings.TrimRight(sb.String(), "\n"), "\n")
	}
	add("reset", m.Reset)
	add("on_pre", m.OnPre)
	add("on_post", m.OnPost)
	for _, p := range m.Ports {
		add("port "+p.Name, p.Body)
	}
	for k, ss := range m.OnMod {
		add("on_modulator "+k, ss)
	}
	for k, ss := range m.OnActive {
		add("on dendrite "+k+" active", ss)
	}
	return j
}
