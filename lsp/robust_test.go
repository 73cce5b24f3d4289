package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// modelFiles are every shipped model: the examples and the standard library.
func modelFiles(t testing.TB) []string {
	var out []string
	for _, g := range []string{"../examples/*.snn", "../examples/*/*.snn", "../stdlib/*.snn"} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) < 10 {
		t.Fatalf("only %d models found", len(out))
	}
	return out
}

// TestTruncatedModelsNeverCrash: every shipped model is cut short at many
// places (half a token, half a block) by incremental edits, garbage is
// typed in, and every request is made on the broken text; the server must
// answer each without a panic (a recovered panic is logged, and the client
// fails on any log) and come back to the file's own diagnostics when the
// text is whole again.
func TestTruncatedModelsNeverCrash(t *testing.T) {
	for _, path := range modelFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			text := string(b)
			abs, _ := filepath.Abs(path)
			c := newClient(t)
			uri := c.open(abs, text)
			whole := len(c.diags[uri])
			l := newLines(text)
			end := l.position(len(text))
			version := int32(1)
			const cuts = 25
			for i := 1; i <= cuts; i++ {
				off := len(text) * i / (cuts + 1)
				for off < len(text) && !utf8Start(text[off]) {
					off++
				}
				cut := l.position(off)
				version++
				c.edit(uri, version, cut, end, "") // truncate
				c.everyRequest(uri, cut)
				version++
				c.edit(uri, version, cut, cut, garbage[i%len(garbage)]) // type garbage
				c.everyRequest(uri, cut)
				version++
				c.call("textDocument/didChange", map[string]any{ // whole again
					"textDocument":   map[string]any{"uri": uri, "version": version},
					"contentChanges": []any{map[string]any{"text": text}},
				}, nil)
			}
			if got := len(c.diags[uri]); got != whole {
				t.Fatalf("%d diagnostics after the edits, %d before", got, whole)
			}
		})
	}
}

var garbage = []string{"}}}", "{", "neuron", "\x00\x01", "é€𝄞", "= = =", "1e999999 mV", "import \"", "x.", "(((", "\r\n\r", "-> :", "# comment"}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// everyRequest makes each request at p and at the start; errors are
// answers (a file that does not parse has no formatting), panics are not.
func (c *client) everyRequest(uri string, p protocol.Position) {
	c.t.Helper()
	td := protocol.TextDocumentIdentifier{URI: uri}
	for _, q := range []protocol.Position{p, {}, {Line: p.Line / 2, Character: 4}, {Line: p.Line + 5, Character: 99}} {
		tp := pos(uri, q)
		c.try("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: tp}, nil)
		c.try("textDocument/definition", protocol.DefinitionParams{TextDocumentPositionParams: tp}, nil)
		c.try("textDocument/references", protocol.ReferenceParams{TextDocumentPositionParams: tp, Context: protocol.ReferenceContext{IncludeDeclaration: true}}, nil)
		c.try("textDocument/documentHighlight", protocol.DocumentHighlightParams{TextDocumentPositionParams: tp}, nil)
		c.try("textDocument/signatureHelp", protocol.SignatureHelpParams{TextDocumentPositionParams: tp}, nil)
		c.try("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: tp}, nil)
		c.try("textDocument/prepareRename", protocol.PrepareRenameParams{TextDocumentPositionParams: tp}, nil)
		c.try("textDocument/rename", protocol.RenameParams{TextDocumentPositionParams: tp, NewName: "renamed"}, nil)
	}
	c.try("textDocument/documentSymbol", protocol.DocumentSymbolParams{TextDocument: td}, nil)
	c.try("textDocument/formatting", protocol.DocumentFormattingParams{TextDocument: td}, nil)
	c.try("textDocument/codeAction", protocol.CodeActionParams{TextDocument: td, Range: protocol.Range{End: p}}, nil)
}

// TestServeOverStream: the server speaks JSON-RPC over a stream (what
// `snnc lsp` does on stdio): initialize, open, diagnostics pushed, hover,
// shutdown and exit.
func TestServeOverStream(t *testing.T) {
	// whatever the connection would print on stderr (an editor shows it
	// as the server's log) is caught too
	stderr := os.Stderr
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stderr = w
	defer func() { os.Stderr = stderr }()
	printed := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); printed <- b }()

	srv, cli := net.Pipe()
	var logged bytes.Buffer
	s := New(&logged, "test")
	done := make(chan struct{})
	go func() { s.Serve(context.Background(), srv); close(done) }()

	diags := make(chan protocol.PublishDiagnosticsParams, 10)
	h := jsonrpc2.HandlerWithError(func(_ context.Context, _ *jsonrpc2.Conn, r *jsonrpc2.Request) (any, error) {
		if r.Method == protocol.ServerTextDocumentPublishDiagnostics {
			var p protocol.PublishDiagnosticsParams
			json.Unmarshal(*r.Params, &p)
			diags <- p
		}
		return nil, nil
	})
	conn := jsonrpc2.NewConn(context.Background(), jsonrpc2.NewBufferedStream(cli, jsonrpc2.VSCodeObjectCodec{}), h)
	ctx := context.Background()
	var init struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	if err := conn.Call(ctx, "initialize", protocol.InitializeParams{}, &init); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"hoverProvider", "definitionProvider", "referencesProvider", "documentHighlightProvider", "signatureHelpProvider", "codeActionProvider", "documentSymbolProvider", "completionProvider", "documentFormattingProvider", "renameProvider"} {
		if init.Capabilities[c] == nil {
			t.Errorf("capability %s not announced", c)
		}
	}
	if sync, _ := init.Capabilities["textDocumentSync"].(map[string]any); sync["change"] != float64(protocol.TextDocumentSyncKindIncremental) {
		t.Errorf("sync is not incremental: %v", init.Capabilities["textDocumentSync"])
	}
	conn.Notify(ctx, "initialized", struct{}{})
	uri := pathURI(filepath.Join(t.TempDir(), "m.snn"))
	text := "neuron N {\n    parameters { tau = 1 ms + 2 mV }\n}\n"
	conn.Notify(ctx, "textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: uri, LanguageID: "snn", Version: 1, Text: text}})
	p := <-diags
	if p.URI != uri || len(p.Diagnostics) != 1 || !strings.Contains(p.Diagnostics[0].Message, "cannot add") || p.Diagnostics[0].Range.Start.Line != 1 {
		t.Fatalf("diagnostics: %+v", p)
	}
	var hv struct {
		Contents protocol.MarkupContent `json:"contents"`
	}
	if err := conn.Call(ctx, "textDocument/hover", pos(uri, protocol.Position{Line: 1, Character: 19}), &hv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hv.Contents.Value, "**tau**: parameter of neuron N") {
		t.Fatalf("hover: %q", hv.Contents.Value)
	}
	if err := conn.Call(ctx, "no/such/method", nil, nil); err == nil {
		t.Fatal("an unknown method got no error")
	}
	// notifications the server has no use for are ignored, not logged
	conn.Notify(ctx, "$/cancelRequest", map[string]any{"id": 7})
	conn.Notify(ctx, "workspace/didChangeConfiguration", map[string]any{"settings": nil})
	conn.Call(ctx, "shutdown", nil, nil)
	conn.Notify(ctx, "exit", nil)
	<-done
	os.Stderr = stderr
	w.Close()
	if b := <-printed; logged.Len() > 0 || len(b) > 0 {
		t.Fatalf("the server logged:\n%s%s", logged.String(), b)
	}
}

// TestMutatedModelsNeverCrash: shipped models with a few characters
// changed at random (braces, quotes, operators, newlines: a half-edited
// file), a request of every kind before and after typing "x." somewhere.
// The seed is fixed: the same texts on every run.
func TestMutatedModelsNeverCrash(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	files := modelFiles(t)
	const chars = " {}()=x1\n#.'\""
	for i := 0; i < 100; i++ {
		b, err := os.ReadFile(files[r.Intn(len(files))])
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 1+r.Intn(6); k++ {
			b[r.Intn(len(b))] = chars[r.Intn(len(chars))]
		}
		text := string(b)
		c := newClient(t)
		uri := c.open(filepath.Join(t.TempDir(), "m.snn"), text)
		p := newLines(text).position(r.Intn(len(text) + 1))
		c.everyRequest(uri, p)
		c.edit(uri, 2, p, p, "x.")
		c.everyRequest(uri, p)
	}
}
