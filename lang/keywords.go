package lang

// Reserved words can never name anything.
var Reserved = map[string]bool{
	"and": true, "or": true, "not": true, "if": true, "then": true, "else": true,
	"true": true, "false": true, "import": true, "function": true, "neuron": true,
	"synapse": true, "network": true, "run": true, "unless": true, "every": true,
	"except": true, "using": true, "project": true, "population": true,
	"record": true, "deliver": true, "refractory": true,
	"on": true, "dendrite": true, "compartment": true, "equations": true,
	"parameters": true, "state": true, "inputs": true,
}
