package lsp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/snnc/snnc"
	"github.com/snnc/snnc/lang"
	"github.com/snnc/snnc/lang/units"
	"github.com/snnc/snnc/stdlib"
)

// client drives a Server through glsp's dispatch, as messages from an
// editor would, and keeps the diagnostics it publishes.
type client struct {
	t     testing.TB
	s     *Server
	log   bytes.Buffer
	diags map[string][]protocol.Diagnostic
}

func newClient(t testing.TB) *client {
	c := &client{t: t, diags: map[string][]protocol.Diagnostic{}}
	c.s = New(&c.log, "test")
	c.s.StdDir = t.TempDir()
	c.call("initialize", protocol.InitializeParams{}, nil)
	c.call("initialized", protocol.InitializedParams{}, nil)
	return c
}

// call sends method with params and decodes the answer into result (when
// not nil). A handler's error fails the test.
func (c *client) call(method string, params, result any) {
	c.t.Helper()
	if err := c.try(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) try(method string, params, result any) error {
	c.t.Helper()
	b, err := json.Marshal(params)
	if err != nil {
		c.t.Fatal(err)
	}
	notify := func(m string, p any) {
		if m == protocol.ServerTextDocumentPublishDiagnostics {
			pd := roundTrip[protocol.PublishDiagnosticsParams](c.t, p)
			c.diags[pd.URI] = pd.Diagnostics
		}
	}
	r, valid, validParams, err := c.s.dispatch(&glsp.Context{Method: method, Params: b, Notify: notify})
	if !valid || !validParams {
		c.t.Fatalf("%s: not handled (method %v, params %v): %v", method, valid, validParams, err)
	}
	if c.log.Len() > 0 {
		c.t.Fatalf("%s: the server logged a failure:\n%s", method, c.log.String())
	}
	if err == nil && result != nil {
		b, _ := json.Marshal(r)
		if err := json.Unmarshal(b, result); err != nil {
			c.t.Fatalf("%s: answer %s: %v", method, b, err)
		}
	}
	return err
}

func roundTrip[T any](t testing.TB, v any) T {
	var out T
	b, _ := json.Marshal(v)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// open opens text as the file path and returns its URI.
func (c *client) open(path, text string) string {
	c.t.Helper()
	uri := pathURI(path)
	c.call("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: uri, LanguageID: "snn", Version: 1, Text: text}}, nil)
	return uri
}

// edit replaces [from, to) of the document by text: one incremental change.
func (c *client) edit(uri string, version int32, from, to protocol.Position, text string) {
	c.t.Helper()
	c.call("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": []any{map[string]any{"range": protocol.Range{Start: from, End: to}, "text": text}},
	}, nil)
}

// at is the position of the n-th (0-based) occurrence of sub in text, plus
// delta bytes.
func at(t testing.TB, text, sub string, n, delta int) protocol.Position {
	t.Helper()
	off := -1
	for i := 0; i <= n; i++ {
		j := strings.Index(text[off+1:], sub)
		if j < 0 {
			t.Fatalf("%q: occurrence %d not found", sub, n)
		}
		off += 1 + j
	}
	return newLines(text).position(off + delta)
}

func pos(uri string, p protocol.Position) protocol.TextDocumentPositionParams {
	return protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: p}
}

func readExample(t testing.TB, name string) (string, string) {
	path, err := filepath.Abs(filepath.Join("..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, string(b)
}

// TestDiagnosticsAreSnncChecks: the diagnostics published on open are the
// checker's (message, place, hint as related information) and an
// incremental edit that fixes the error clears them.
func TestDiagnosticsAreSnncChecks(t *testing.T) {
	c := newClient(t)
	path, text := readExample(t, "cuba.snn")
	bad := strings.Replace(text, "v'  = (ge + gi - (v - E_l)) / tau_m", "v'  = (ge + gi - (v - E_l)) / tau_m + t_ref", 1)
	uri := c.open(path, bad)

	sameAsCheck(t, c, uri, path, bad)
	// remove " + t_ref" again, as a keystroke-sized incremental edit
	start := at(t, bad, " + t_ref", 0, 0)
	end := start
	end.Character += uint32(len(" + t_ref"))
	c.edit(uri, 2, start, end, "")
	if d := c.diags[uri]; len(d) != 0 {
		t.Fatalf("after the fix: %+v", d)
	}
	if doc := c.s.doc(uri); doc.text != text {
		t.Fatalf("incremental edit gave a different text")
	}
	// a text with no tree at all: the diagnostics still point into it,
	// not into the last text that parsed
	garbage := "\n\n    )))\n"
	c.edit(uri, 3, protocol.Position{}, newLines(text).position(len(text)), garbage)
	sameAsCheck(t, c, uri, path, garbage)
}

// sameAsCheck: the diagnostics published for uri are snnc check's on text
// (message, place, hint as related information, severity).
func sameAsCheck(t *testing.T, c *client, uri, path, text string) {
	t.Helper()
	_, want := snnc.CheckModel(path, snnc.Options{Source: []byte(text), DataDir: filepath.Dir(path)})
	got := c.diags[uri]
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("got %d diagnostics, snnc check gives %d: %v", len(got), len(want), want)
	}
	for i, w := range want {
		g := got[i]
		if g.Message != w.Msg || int(g.Range.Start.Line) != w.Pos.Line-1 || int(g.Range.Start.Character) != w.Pos.Col-1 {
			t.Errorf("diagnostic %d: got %q at %d:%d, want %q at %s", i, g.Message, g.Range.Start.Line+1, g.Range.Start.Character+1, w.Msg, w.Pos)
		}
		if w.End.IsValid() && w.End.Offset > w.Pos.Offset && int(g.Range.End.Character) != w.End.Col-1 {
			t.Errorf("diagnostic %d ends at column %d, want %d", i, g.Range.End.Character+1, w.End.Col)
		}
		if w.Hint != "" && (len(g.RelatedInformation) == 0 || g.RelatedInformation[0].Message != "hint: "+w.Hint) {
			t.Errorf("diagnostic %d: hint %q not in related information %+v", i, w.Hint, g.RelatedInformation)
		}
		if *g.Severity != protocol.DiagnosticSeverityError {
			t.Errorf("diagnostic %d: severity %v", i, *g.Severity)
		}
	}

}

// TestQuickFix: a misspelt name's "did you mean" hint is a quick fix that
// makes the model check.
func TestQuickFix(t *testing.T) {
	c := newClient(t)
	path, text := readExample(t, "cuba.snn")
	bad := strings.Replace(text, "v = v_reset\n        refractory", "v = v_rest\n        refractory", 1)
	uri := c.open(path, bad)
	p := at(t, bad, "v_rest\n", 0, 2)
	var actions []protocol.CodeAction
	c.call("textDocument/codeAction", protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Range: protocol.Range{Start: p, End: p}}, &actions)
	if len(actions) != 1 || actions[0].Title != "Change v_rest to v_reset" {
		t.Fatalf("got %+v", actions)
	}
	if fixed := apply(bad, actions[0].Edit.Changes[uri]); fixed != text {
		t.Fatalf("the fix gives another text")
	}
	// elsewhere in the file: nothing
	c.call("textDocument/codeAction", protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Range: protocol.Range{End: protocol.Position{Line: 1}}}, &actions)
	if len(actions) != 0 {
		t.Fatalf("away from the error: %+v", actions)
	}
}

// TestDiagnosticInImportedFile: an error in an imported file shows at the
// import line and points at its real place.
func TestDiagnosticInImportedFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "lib.snn"), []byte("neuron A {\n    parameters { tau = 1 ms + 1 mV }\n}\n"), 0o644)
	c := newClient(t)
	main := "import \"lib.snn\"\n"
	uri := c.open(filepath.Join(dir, "main.snn"), main)
	d := c.diags[uri]
	if len(d) == 0 {
		t.Fatal("no diagnostic for the imported file's error")
	}
	if d[0].Range.Start.Line != 0 || len(d[0].RelatedInformation) == 0 || !strings.HasSuffix(d[0].RelatedInformation[0].Location.URI, "/lib.snn") || d[0].RelatedInformation[0].Location.Range.Start.Line != 1 {
		t.Fatalf("got %+v", d[0])
	}
}

// TestUnsavedImportIsSeen: a model that imports a file open in the editor
// is checked against the buffer, unsaved edits included, and re-checked
// when the buffer changes or closes.
func TestUnsavedImportIsSeen(t *testing.T) {
	dir := t.TempDir()
	lib := "neuron A {\n    parameters { tau = 1 ms }\n}\n"
	os.WriteFile(filepath.Join(dir, "lib.snn"), []byte(lib), 0o644)
	main := "import \"lib.snn\"\n\nnetwork N {\n    population P = A[2]\n}\n"
	c := newClient(t)
	mainURI := c.open(filepath.Join(dir, "main.snn"), main)
	libURI := c.open(filepath.Join(dir, "lib.snn"), lib)
	if len(c.diags[mainURI]) != 0 {
		t.Fatalf("main: %+v", c.diags[mainURI])
	}
	// rename A to B in the buffer, unsaved: main no longer finds A
	start := at(t, lib, "A {", 0, 0)
	end := start
	end.Character++
	c.edit(libURI, 2, start, end, "B")
	if d := c.diags[mainURI]; len(d) != 1 || !strings.Contains(d[0].Message, "A") || d[0].Range.Start.Line != 3 {
		t.Fatalf("main after the unsaved edit: %+v", d)
	}
	// closing the buffer drops the edit: the file on disk has A again
	c.call("textDocument/didClose", protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: libURI}}, nil)
	if d := c.diags[mainURI]; len(d) != 0 {
		t.Fatalf("main after closing lib: %+v", d)
	}
}

// TestSaveChecksAgain: a data file written after the model was opened is
// found when the model is saved (as snnc check finds it).
func TestSaveChecksAgain(t *testing.T) {
	dir := t.TempDir()
	c := newClient(t)
	model := "neuron N {\n    state { v = 0 }\n    inputs { exc: v += weight }\n    on threshold v > 1 { v = 0 }\n}\n\nnetwork Net {\n    input S = spikes(\"s.csv\", n = 2)\n    population P = N[2]\n    project S -> P : exc { connect = one_to_one  weight = 2 }\n}\n"
	uri := c.open(filepath.Join(dir, "m.snn"), model)
	if d := c.diags[uri]; len(d) != 1 || !strings.Contains(d[0].Message, "s.csv") {
		t.Fatalf("before the data file exists: %+v", d)
	}
	os.WriteFile(filepath.Join(dir, "s.csv"), []byte("0,1\n"), 0o644)
	c.call("textDocument/didSave", protocol.DidSaveTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, nil)
	if d := c.diags[uri]; len(d) != 0 {
		t.Fatalf("after the data file is written and the model saved: %+v", d)
	}
}

func hoverOf(t testing.TB, c *client, uri string, p protocol.Position) string {
	t.Helper()
	var h struct {
		Contents protocol.MarkupContent `json:"contents"`
	}
	c.call("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: pos(uri, p)}, &h)
	return h.Contents.Value
}

// TestHover: kind and owner, unit, a constant's value, the doc comment.
func TestHover(t *testing.T) {
	c := newClient(t)
	path, text := readExample(t, "cuba.snn")
	uri := c.open(path, text)
	for _, tc := range []struct {
		sub   string
		n     int
		wants []string
	}{
		// a use of tau_m in an equation
		{"tau_m unless", 0, []string{"**tau_m**: parameter of neuron CubaLIF", "unit: time (ms)", "value: 20 ms"}},
		// the declaration of ge, documented by its end-of-line comment
		{"ge = 0 mV", 0, []string{"state variable", "unit: voltage (mV)", "synaptic currents written as voltages"}},
		{"CubaLIF[3200]", 0, []string{"**CubaLIF**: neuron type", "parameters: tau_m, tau_e"}},
		{"bernoulli", 0, []string{"built-in connector", "`bernoulli(0.02)`"}},
		{"E = CubaLIF", 0, []string{"population of CubaLIF, 3200 neurons"}},
		{"ms\n", 0, []string{"unit of time"}},
		// a state variable's initial value, through a parameter
		{"v  = v_reset", 0, []string{"**v**: state variable", "initial value: -60 mV"}},
	} {
		got := hoverOf(t, c, uri, at(t, text, tc.sub, tc.n, 1))
		for _, w := range tc.wants {
			if !strings.Contains(got, w) {
				t.Errorf("hover on %q: %q lacks %q", tc.sub, got, w)
			}
		}
	}
}

// TestDefinitionIntoStdlib: a type of std/neurons opens the module's source,
// written out to a real file, at the declaration.
func TestDefinitionIntoStdlib(t *testing.T) {
	c := newClient(t)
	path, text := readExample(t, "homeostasis.snn")
	uri := c.open(path, text)
	if len(c.diags[uri]) != 0 {
		t.Fatalf("the example has diagnostics: %+v", c.diags[uri])
	}
	// the first type name after "= " in a population
	i := strings.Index(text, "    population ")
	j := strings.Index(text[i:], "= ")
	p := newLines(text).position(i + j + 3)
	var locs []protocol.Location
	c.call("textDocument/definition", protocol.DefinitionParams{TextDocumentPositionParams: pos(uri, p)}, &locs)
	if len(locs) != 1 {
		t.Fatalf("got %+v", locs)
	}
	file := uriPath(locs[0].URI)
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimSuffix(filepath.Base(file), ".snn")
	want, _ := stdlib.Lookup("std/" + name)
	if string(got) != string(want) {
		t.Fatalf("%s is not the embedded std/%s", file, name)
	}
	_, lineText := newLines(string(got)).line(int(locs[0].Range.Start.Line))
	word := text[i+j+2:]
	word = word[:strings.IndexAny(word, "[ ")]
	if !strings.Contains(lineText, "neuron "+word) {
		t.Fatalf("definition of %s at line %q", word, lineText)
	}
	// an import's path opens the module; hovering it lists its types
	c.call("textDocument/definition", protocol.DefinitionParams{TextDocumentPositionParams: pos(uri, at(t, text, `"std/neurons"`, 0, 3))}, &locs)
	if len(locs) != 1 || uriPath(locs[0].URI) != filepath.Join(filepath.Dir(file), "neurons.snn") || locs[0].Range.Start.Line != 0 {
		t.Fatalf("definition of the import: %+v", locs)
	}
	if h := hoverOf(t, c, uri, at(t, text, `"std/neurons"`, 0, 3)); !strings.Contains(h, "**std/neurons** declares neuron LIF") || !strings.Contains(h, "neuron AdaptiveLIF") {
		t.Fatalf("hover on the import: %q", h)
	}
	// and a local name: tau_m's use goes to its declaration
	_, cuba := readExample(t, "cuba.snn")
	uri2 := c.open(filepath.Join(filepath.Dir(path), "cuba.snn"), cuba)
	c.call("textDocument/definition", protocol.DefinitionParams{TextDocumentPositionParams: pos(uri2, at(t, cuba, "tau_m unless", 0, 0))}, &locs)
	if len(locs) != 1 || locs[0].URI != uri2 || locs[0].Range.Start != at(t, cuba, "tau_m   = 20 ms", 0, 0) {
		t.Fatalf("tau_m: got %+v", locs)
	}
}

// TestDefinitionOfPorts: a projection's port goes to the port, and a
// port's weight to its port.
func TestDefinitionOfPorts(t *testing.T) {
	c := newClient(t)
	path, text := readExample(t, "cuba.snn")
	uri := c.open(path, text)
	for _, from := range []protocol.Position{at(t, text, ": inh", 0, 2), at(t, text, "gi += weight", 0, 6)} {
		var locs []protocol.Location
		c.call("textDocument/definition", protocol.DefinitionParams{TextDocumentPositionParams: pos(uri, from)}, &locs)
		if want := at(t, text, "inh: gi", 0, 0); len(locs) != 1 || locs[0].Range.Start != want {
			t.Errorf("definition at %+v: %+v, want the port at %+v", from, locs, want)
		}
	}
}

// TestReferencesAndHighlight: every use of a name in the file, with or
// without its declaration; the declaration highlighted as a write.
func TestReferencesAndHighlight(t *testing.T) {
	c := newClient(t)
	path, text := readExample(t, "cuba.snn")
	uri := c.open(path, text)
	n := strings.Count(stripComments(text), "v_reset")
	use := pos(uri, at(t, text, "v_reset +", 0, 0))
	for _, decl := range []bool{true, false} {
		var locs []protocol.Location
		c.call("textDocument/references", protocol.ReferenceParams{TextDocumentPositionParams: use, Context: protocol.ReferenceContext{IncludeDeclaration: decl}}, &locs)
		want := n
		if !decl {
			want--
		}
		if len(locs) != want {
			t.Errorf("references (declaration %v): %d, want %d", decl, len(locs), want)
		}
		for _, l := range locs {
			if _, line := newLines(text).line(int(l.Range.Start.Line)); !strings.HasPrefix(line[l.Range.Start.Character:], "v_reset") {
				t.Errorf("a reference at %q", line)
			}
		}
	}
	var hl []protocol.DocumentHighlight
	c.call("textDocument/documentHighlight", protocol.DocumentHighlightParams{TextDocumentPositionParams: use}, &hl)
	writes := 0
	for _, h := range hl {
		if *h.Kind == protocol.DocumentHighlightKindWrite {
			writes++
			if h.Range.Start != at(t, text, "v_reset = -60 mV", 0, 0) {
				t.Errorf("the write is at %+v", h.Range.Start)
			}
		}
	}
	if len(hl) != n || writes != 1 {
		t.Errorf("%d highlights (%d writes), want %d (1)", len(hl), writes, n)
	}
}

// TestDocumentSymbols: the outline has the types, networks, populations and
// projections.
func TestDocumentSymbols(t *testing.T) {
	c := newClient(t)
	path, text := readExample(t, "cuba.snn")
	uri := c.open(path, text)
	var syms []protocol.DocumentSymbol
	c.call("textDocument/documentSymbol", protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, &syms)
	var names []string
	var walk func([]protocol.DocumentSymbol, string)
	walk = func(ss []protocol.DocumentSymbol, prefix string) {
		for _, s := range ss {
			names = append(names, prefix+s.Name)
			walk(s.Children, prefix+s.Name+".")
		}
	}
	walk(syms, "")
	got := strings.Join(names, " ")
	for _, w := range []string{"CubaLIF", "CubaLIF.tau_m", "CubaLIF.v", "CubaLIF.exc", "CUBA", "CUBA.E", "CUBA.I", "CUBA.E -> E, I", "CUBA.I -> E, I", "run CUBA"} {
		if !strings.Contains(" "+got+" ", " "+w+" ") {
			t.Errorf("outline %q lacks %q", got, w)
		}
	}
}

func completions(t testing.TB, c *client, uri string, p protocol.Position) map[string]protocol.CompletionItem {
	t.Helper()
	var items []protocol.CompletionItem
	c.call("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: pos(uri, p)}, &items)
	out := map[string]protocol.CompletionItem{}
	for _, it := range items {
		out[it.Label] = it
	}
	return out
}

// TestCompletion: names in scope, the model's and the standard library's
// types (adding the import), built-ins, keywords; units after a number;
// a population's variables after "E.".
func TestCompletion(t *testing.T) {
	c := newClient(t)
	path, text := readExample(t, "cuba.snn")
	uri := c.open(path, text)
	in := completions(t, c, uri, at(t, text, "(ge + gi", 0, 1))
	for _, w := range []string{"tau_m", "v", "ge", "t", "CubaLIF", "CUBA", "exp", "LIF", "neuron", "refractory"} {
		if _, ok := in[w]; !ok {
			t.Errorf("completion in the neuron lacks %s", w)
		}
	}
	if _, ok := in["E"]; ok {
		t.Errorf("the network's population E is offered inside the neuron")
	}
	if lif := in["LIF"]; len(lif.AdditionalTextEdits) != 1 || lif.AdditionalTextEdits[0].NewText != "import \"std/neurons\"\n" {
		t.Errorf("LIF does not add its import: %+v", lif)
	}
	net := completions(t, c, uri, at(t, text, "record spikes", 0, 0))
	if _, ok := net["E"]; !ok {
		t.Errorf("completion in the network lacks the population E")
	}
	// nothing in a comment or a string
	if got := completions(t, c, uri, at(t, text, "synaptic currents", 0, 3)); len(got) != 0 {
		t.Errorf("completion in a comment: %d items", len(got))
	}
	if got := completions(t, c, uri, at(t, text, "cuba_out", 0, 2)); len(got) != 0 {
		t.Errorf("completion in a string: %d items", len(got))
	}
	// after a number: the units first, then the rest (`15 every ...`)
	var items []protocol.CompletionItem
	c.call("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: pos(uri, at(t, text, " ms\n", 0, 1))}, &items)
	sort.Slice(items, func(i, j int) bool { return *items[i].SortText < *items[j].SortText })
	for i, u := range unitNames {
		if items[i].Label != u {
			t.Fatalf("after a number, item %d is %s, want the unit %s", i, items[i].Label, u)
		}
	}
	if after := completions(t, c, uri, at(t, text, " ms\n", 0, 1)); after["every"].Label == "" || after["tau_m"].Label == "" {
		t.Errorf("after a number: no keywords or names")
	}
	// "E." in the network: CubaLIF's variables
	edited := strings.Replace(text, "    record spikes(E, I)", "    record E.", 1)
	c.edit(uri, 2, protocol.Position{}, newLines(text).position(len(text)), edited)
	fields := completions(t, c, uri, at(t, edited, "record E.", 0, len("record E.")))
	if _, ok := fields["v_th"]; !ok || len(fields) != len(c.s.doc(uri).fileProg.Types["CubaLIF"].Order) {
		t.Errorf("after E.: %v", fields)
	}
}

// TestSignatureHelp: inside a call being typed (the file does not parse),
// the call's parameters with the one the cursor is on.
func TestSignatureHelp(t *testing.T) {
	c := newClient(t)
	path, text := readExample(t, "homeostasis.snn")
	typed := strings.Replace(text, "    input P = poisson(200, rate = 20 Hz)", "    input P = poisson(200, ra", 1)
	uri := c.open(path, typed)
	var sh protocol.SignatureHelp
	c.call("textDocument/signatureHelp", protocol.SignatureHelpParams{TextDocumentPositionParams: pos(uri, at(t, typed, "poisson(200, ra", 0, len("poisson(200, ra")))}, &sh)
	if len(sh.Signatures) != 1 || sh.Signatures[0].Label != "poisson(n, rate)" || sh.ActiveParameter == nil || *sh.ActiveParameter != 1 {
		t.Fatalf("got %+v", sh)
	}
	// a function of the model (known from the text before the edit), its
	// first argument
	fn := "function sq(x) = x * x\n" + text
	uri = c.open(path, fn)
	typed = strings.Replace(fn, "weight = 1\n", "weight = sq(uniform(0, 1)", 1)
	c.edit(uri, 2, protocol.Position{}, newLines(fn).position(len(fn)), typed)
	sh = protocol.SignatureHelp{}
	c.call("textDocument/signatureHelp", protocol.SignatureHelpParams{TextDocumentPositionParams: pos(uri, at(t, typed, "sq(uniform(0, 1)", 0, len("sq(uniform(0, 1)")))}, &sh)
	if len(sh.Signatures) != 1 || sh.Signatures[0].Label != "sq(x)" || *sh.ActiveParameter != 0 {
		t.Fatalf("got %+v", sh)
	}
}

func TestUnitNamesAreUnits(t *testing.T) {
	for _, u := range unitNames {
		if !units.IsUnitName(u) {
			t.Errorf("%s is not a unit", u)
		}
	}
}

// TestFormatting is snnc fmt's output as one edit; a formatted file gets
// none, and a file that does not parse an error.
func TestFormatting(t *testing.T) {
	c := newClient(t)
	path, text := readExample(t, "cuba.snn")
	messy := strings.Replace(text, "        tau_m   = 20 ms", "  tau_m=20   ms", 1)
	uri := c.open(path, messy)
	var edits []protocol.TextEdit
	c.call("textDocument/formatting", protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, &edits)
	f, _, _ := snnc.ParseFile(path, []byte(messy))
	if len(edits) != 1 || edits[0].NewText != string(lang.Format(f)) || edits[0].NewText != text {
		t.Fatalf("got %d edits", len(edits))
	}
	if edits[0].Range.End != newLines(messy).position(len(messy)) {
		t.Fatalf("the edit does not cover the text: %+v", edits[0].Range)
	}
	uri = c.open(path, text)
	c.call("textDocument/formatting", protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, &edits)
	if len(edits) != 0 {
		t.Fatalf("a formatted file got edits: %+v", edits)
	}
	uri = c.open(path, "neuron {")
	if err := c.try("textDocument/formatting", protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, &edits); err == nil {
		t.Fatal("no error formatting a file that does not parse")
	}
}

// apply makes the edits (non-overlapping) to text.
func apply(text string, edits []protocol.TextEdit) string {
	l := newLines(text)
	type cut struct {
		a, b int
		s    string
	}
	var cuts []cut
	for _, e := range edits {
		cuts = append(cuts, cut{l.offset(e.Range.Start), l.offset(e.Range.End), e.NewText})
	}
	for i := range cuts { // last first, so earlier offsets hold
		for j := i + 1; j < len(cuts); j++ {
			if cuts[j].a > cuts[i].a {
				cuts[i], cuts[j] = cuts[j], cuts[i]
			}
		}
	}
	for _, c := range cuts {
		text = text[:c.a] + c.s + text[c.b:]
	}
	return text
}

// TestRename renames a parameter everywhere it is used in the file (also
// in the network's overrides) and the model still checks; a built-in, a
// std type and a clash are refused.
func TestRename(t *testing.T) {
	c := newClient(t)
	path, text := readExample(t, "cuba.snn")
	uri := c.open(path, text)
	var rg protocol.Range
	c.call("textDocument/prepareRename", protocol.PrepareRenameParams{TextDocumentPositionParams: pos(uri, at(t, text, "v_reset +", 0, 0))}, &rg)
	if rg.Start != at(t, text, "v_reset +", 0, 0) {
		t.Fatalf("prepareRename: %+v", rg)
	}
	var we protocol.WorkspaceEdit
	c.call("textDocument/rename", protocol.RenameParams{TextDocumentPositionParams: pos(uri, at(t, text, "v_reset +", 0, 0)), NewName: "v_rst"}, &we)
	edits := we.Changes[uri]
	if n := strings.Count(stripComments(text), "v_reset"); len(edits) != n {
		t.Fatalf("%d edits, v_reset occurs %d times outside comments", len(edits), n)
	}
	out := apply(text, edits)
	if strings.Contains(stripComments(out), "v_reset") {
		t.Fatal("v_reset left after the rename")
	}
	if _, d := snnc.Check(path, []byte(out)); d.HasErrors() {
		t.Fatalf("renamed model does not check: %v", d)
	}
	for _, bad := range []struct{ sub, name string }{
		{"v_reset +", "v_th"},   // already a parameter
		{"v_reset +", "ms"},     // a unit
		{"v_reset +", "neuron"}, // a keyword
		{"v_reset +", "2x"},
		{"bernoulli", "b"}, // a built-in
	} {
		if err := c.try("textDocument/rename", protocol.RenameParams{TextDocumentPositionParams: pos(uri, at(t, text, bad.sub, 0, 0)), NewName: bad.name}, &we); err == nil {
			t.Errorf("renaming %s to %s: no error", bad.sub, bad.name)
		}
	}
	// an event port: its declaration and the projections onto it
	c.call("textDocument/rename", protocol.RenameParams{TextDocumentPositionParams: pos(uri, at(t, text, ": exc", 0, 2)), NewName: "excite"}, &we)
	out = apply(text, we.Changes[uri])
	if strings.Contains(stripComments(out), "exc:") || strings.Count(out, "excite") != 2 {
		t.Fatalf("renaming the port exc:\n%s", out)
	}
	if _, d := snnc.Check(path, []byte(out)); d.HasErrors() {
		t.Fatalf("renamed port does not check: %v", d)
	}
	if err := c.try("textDocument/rename", protocol.RenameParams{TextDocumentPositionParams: pos(uri, at(t, text, ": exc", 0, 2)), NewName: "inh"}, &we); err == nil {
		t.Error("renaming the port exc to inh (taken): no error")
	}
	if err := c.try("textDocument/prepareRename", protocol.PrepareRenameParams{TextDocumentPositionParams: pos(uri, at(t, text, "ge += weight", 0, 6))}, &rg); err == nil {
		t.Error("renaming weight: no error")
	}

	_, homeo := readExample(t, "homeostasis.snn")
	uri = c.open(filepath.Join(filepath.Dir(path), "homeostasis.snn"), homeo)
	i := strings.Index(homeo, "    population ")
	j := strings.Index(homeo[i:], "= ")
	if err := c.try("textDocument/prepareRename", protocol.PrepareRenameParams{TextDocumentPositionParams: pos(uri, newLines(homeo).position(i+j+3))}, &rg); err == nil || !strings.Contains(err.Error(), "std/") {
		t.Errorf("renaming a std type: %v", err)
	}
}

func stripComments(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		l, _, _ = strings.Cut(l, "#")
		b.WriteString(l + "\n")
	}
	return b.String()
}

// TestDiagnosticsIncludePassRules: an error that only the passes find
// (method exact on a nonlinear system) is shown as `snnc check` shows it,
// at its place.
func TestDiagnosticsIncludePassRules(t *testing.T) {
	c := newClient(t)
	path, err := filepath.Abs(filepath.Join("..", "testdata", "errors", "method_exact_nonlinear.snn"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	uri := c.open(path, string(b))
	sameAsCheck(t, c, uri, path, string(b))
	found := false
	for _, d := range c.diags[uri] {
		if strings.Contains(d.Message, "method exact needs equations that are linear") {
			found = d.Range.Start.Line == 5 // `method exact` is on line 6
		}
	}
	if !found {
		t.Fatalf("no diagnostic for method exact on line 6: %+v", c.diags[uri])
	}
}
