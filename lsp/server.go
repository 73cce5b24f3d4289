// Package lsp is snnc's language server (`snnc lsp`): the Language Server
// Protocol over stdio, on top of the compiler's own front end. Diagnostics
// are snnc check's; hover, definition, rename and symbols read what the
// checker recorded (lang.Program.Lookup, lang.Inspect); formatting is
// snnc fmt's printer. One file per feature.
//
// The protocol types and the method dispatch are github.com/tliron/glsp's;
// the JSON-RPC connection is github.com/sourcegraph/jsonrpc2, driven here
// directly so that a handler's panic is caught and the server can run over
// any stream (the tests use pipes).
package lsp

import (
	"context"
	"fmt"
	"io"
	"log"
	"runtime/debug"
	"sync"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Server holds the open documents of one client.
type Server struct {
	mu      sync.Mutex
	docs    map[string]*doc // by URI
	handler protocol.Handler
	log     io.Writer
	version string
	imports importCache
	// uncached parses every import on every check (the benchmark's
	// baseline)
	uncached bool
	// StdDir is where the embedded standard library is written so that go
	// to definition into std/... opens a real file ("" = the user cache
	// directory).
	StdDir string
}

// New returns a server that logs its own failures (never the protocol) to
// log, and reports version in the initialize answer.
func New(log io.Writer, version string) *Server {
	s := &Server{docs: map[string]*doc{}, log: log, version: version}
	s.imports.overlay = s.openText
	s.handler = protocol.Handler{
		Initialize:  s.initialize,
		Initialized: func(*glsp.Context, *protocol.InitializedParams) error { return nil },
		Shutdown:    func(*glsp.Context) error { return nil },
		Exit:        func(*glsp.Context) error { return nil },
		SetTrace:    func(*glsp.Context, *protocol.SetTraceParams) error { return nil },

		TextDocumentDidOpen:   s.didOpen,
		TextDocumentDidChange: s.didChange,
		TextDocumentDidSave:   s.didSave,
		TextDocumentDidClose:  s.didClose,

		TextDocumentHover:             s.hover,
		TextDocumentDefinition:        s.definition,
		TextDocumentReferences:        s.references,
		TextDocumentDocumentHighlight: s.highlight,
		TextDocumentDocumentSymbol:    s.documentSymbol,
		TextDocumentCompletion:        s.completion,
		TextDocumentSignatureHelp:     s.signatureHelp,
		TextDocumentFormatting:        s.formatting,
		TextDocumentCodeAction:        s.codeAction,
		TextDocumentPrepareRename:     s.prepareRename,
		TextDocumentRename:            s.rename,
	}
	return s
}

func (s *Server) initialize(_ *glsp.Context, _ *protocol.InitializeParams) (any, error) {
	t := true
	return protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			TextDocumentSync: protocol.TextDocumentSyncOptions{
				OpenClose: &t,
				Change:    ptr(protocol.TextDocumentSyncKindIncremental),
			},
			HoverProvider:              true,
			DefinitionProvider:         true,
			ReferencesProvider:         true,
			DocumentHighlightProvider:  true,
			DocumentSymbolProvider:     true,
			CompletionProvider:         &protocol.CompletionOptions{TriggerCharacters: []string{"."}},
			SignatureHelpProvider:      &protocol.SignatureHelpOptions{TriggerCharacters: []string{"(", ","}},
			DocumentFormattingProvider: true,
			CodeActionProvider:         protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}},
			RenameProvider:             protocol.RenameOptions{PrepareProvider: &t},
		},
		ServerInfo: &protocol.InitializeResultServerInfo{Name: "snnc", Version: &s.version},
	}, nil
}

// Serve answers one client on rwc until it disconnects or sends exit.
func (s *Server) Serve(ctx context.Context, rwc io.ReadWriteCloser) {
	conn := jsonrpc2.NewConn(ctx, jsonrpc2.NewBufferedStream(rwc, jsonrpc2.VSCodeObjectCodec{}), jsonrpc2.HandlerWithError(s.handle),
		jsonrpc2.SetLogger(log.New(s.log, "snnc lsp: ", 0)))
	select {
	case <-conn.DisconnectNotify():
	case <-ctx.Done():
		conn.Close()
	}
}

// handle runs one message through glsp's dispatch. Requests arrive one at
// a time (the connection calls it synchronously), so a hover always sees
// the edits sent before it.
func (s *Server) handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) (result any, err error) {
	gc := &glsp.Context{
		Method: req.Method,
		Notify: func(method string, params any) {
			if err := conn.Notify(ctx, method, params); err != nil {
				fmt.Fprintf(s.log, "snnc lsp: %s: %v\n", method, err)
			}
		},
		Call: func(method string, params, result any) {
			if err := conn.Call(ctx, method, params, result); err != nil {
				fmt.Fprintf(s.log, "snnc lsp: %s: %v\n", method, err)
			}
		},
	}
	if req.Params != nil {
		gc.Params = *req.Params
	}
	if req.Method == "exit" {
		return nil, conn.Close()
	}
	r, validMethod, validParams, err := s.dispatch(gc)
	switch {
	case req.Notif && !validMethod:
		return nil, nil // a notification the server does not use ($/cancelRequest, settings): ignored
	case !validMethod:
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not supported: " + req.Method}
	case !validParams:
		msg := "invalid params"
		if err != nil {
			msg = err.Error()
		}
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: msg}
	case err != nil:
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: err.Error()}
	}
	return r, nil
}

// dispatch is glsp's Handle with a bug in a handler turned into an error
// answer: an editor's server must outlive any one request.
func (s *Server) dispatch(gc *glsp.Context) (r any, validMethod, validParams bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(s.log, "snnc lsp: internal error in %s: %v\n%s", gc.Method, p, debug.Stack())
			r, validMethod, validParams, err = nil, true, true, fmt.Errorf("snnc: internal error: %v", p)
		}
	}()
	return s.handler.Handle(gc)
}

func ptr[T any](v T) *T { return &v }
