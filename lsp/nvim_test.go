package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/snnc/snnc/stdlib"
)

var nvimOnce sync.Once
var nvimErr error

// needNvim makes sure Neovim is installed: as root with apt-get it installs
// it (Debian's neovim), otherwise the test fails saying what to install;
// never a silent skip (as for the Verilog tools).
func needNvim(t testing.TB) {
	t.Helper()
	nvimOnce.Do(func() {
		if _, err := exec.LookPath("nvim"); err == nil {
			return
		}
		if _, err := exec.LookPath("apt-get"); err == nil && os.Geteuid() == 0 {
			out, err := exec.Command("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim").CombinedOutput()
			if err != nil {
				nvimErr = fmt.Errorf("installing neovim: %v\n%s", err, out)
				return
			}
		}
		if _, err := exec.LookPath("nvim"); err != nil {
			nvimErr = fmt.Errorf("the editor test needs Neovim (>= 0.7): apt-get install -y neovim")
		}
	})
	if nvimErr != nil {
		t.Fatal(nvimErr)
	}
}

// buildSnnc builds the snnc command into dir.
func buildSnnc(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "snnc")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/snnc").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestNeovimClient runs `snnc lsp` under Neovim's own LSP client on a copy
// of examples/homeostasis.snn with a unit error: the diagnostic arrives,
// hover explains a parameter of a std type, go to definition opens
// std/neurons, and the fix typed into the buffer clears the diagnostic.
func TestNeovimClient(t *testing.T) {
	needNvim(t)
	dir := t.TempDir()
	snncBin := buildSnnc(t, dir)
	_, text := readExample(t, "homeostasis.snn")
	bad := strings.Replace(text, "weight = 80 mV", "weight = 80 ms", 1)
	model := filepath.Join(dir, "homeostasis.snn")
	if err := os.WriteFile(model, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	errAt := at(t, bad, "80 ms", 0, 0)
	hoverAt := at(t, bad, "d_theta = 0.5 mV", 0, 2)
	defAt := at(t, bad, "AdaptiveLIF[20]", 0, 3)
	outFile := filepath.Join(dir, "out.json")
	cmd := exec.Command("nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile testdata/nvim_client.lua")
	cmd.Env = append(os.Environ(),
		"XDG_CACHE_HOME="+filepath.Join(dir, "cache"), // where std/ is written out
		"XDG_STATE_HOME="+filepath.Join(dir, "state"), // Neovim's lsp.log
		"SNNC="+snncBin, "MODEL="+model, "OUT="+outFile,
		fmt.Sprintf("HOVER_LINE=%d", hoverAt.Line), fmt.Sprintf("HOVER_COL=%d", hoverAt.Character),
		fmt.Sprintf("DEF_LINE=%d", defAt.Line), fmt.Sprintf("DEF_COL=%d", defAt.Character),
		fmt.Sprintf("FIX_LINE=%d", errAt.Line), fmt.Sprintf("FIX_COL=%d", errAt.Character),
		"FIX_OLD=80 ms", "FIX_NEW=80 mV",
	)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, out)
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatalf("nvim wrote no results: %v", err)
	}
	var res struct {
		Error       string
		Diagnostics []struct {
			Lnum, Col, Severity int
			Message             string
		}
		Hover      string
		Definition []struct {
			URI   string
			Range struct{ Start struct{ Line, Character int } }
		}
		Fixed       bool
		Sync        int
		FormatEdits *int `json:"format_edits"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if res.Error != "" {
		t.Fatalf("the Neovim script failed: %s\n%s", res.Error, b)
	}
	if len(res.Diagnostics) != 1 || res.Diagnostics[0].Lnum != int(errAt.Line) || res.Diagnostics[0].Severity != 1 || !strings.Contains(res.Diagnostics[0].Message, "weight") {
		t.Errorf("diagnostics: %+v (the error is at line %d)", res.Diagnostics, errAt.Line+1)
	}
	for _, w := range []string{"**d_theta**: parameter of neuron AdaptiveLIF", "unit: voltage (mV)", "declared in std/neurons"} {
		if !strings.Contains(res.Hover, w) {
			t.Errorf("hover %q lacks %q", res.Hover, w)
		}
	}
	if len(res.Definition) != 1 {
		t.Fatalf("definition: %+v", res.Definition)
	}
	got, err := os.ReadFile(uriPath(res.Definition[0].URI))
	want, _ := stdlib.Lookup("std/neurons")
	if err != nil || string(got) != string(want) {
		t.Fatalf("definition opens %s, not std/neurons (%v)", res.Definition[0].URI, err)
	}
	if _, line := newLines(string(got)).line(res.Definition[0].Range.Start.Line); !strings.HasPrefix(line, "neuron AdaptiveLIF") {
		t.Errorf("definition at line %q", line)
	}
	if !res.Fixed {
		t.Error("the fix did not clear the diagnostic")
	}
	if res.Sync != 2 {
		t.Errorf("Neovim syncs with kind %d, not incremental (2)", res.Sync)
	}
	if res.FormatEdits == nil || *res.FormatEdits != 0 {
		t.Errorf("after the incremental fix the server's text is not the buffer: formatting gives %v edits", res.FormatEdits)
	}
}

// TestNeovimSetupInDocs: the Neovim set-up of docs/editors.md, copied as
// it is into an init.lua, gives a .snn file its filetype, comment string
// and a running snnc lsp (found on PATH) that reports the file's error.
func TestNeovimSetupInDocs(t *testing.T) {
	needNvim(t)
	dir := t.TempDir()
	buildSnnc(t, dir)
	doc, err := os.ReadFile("../docs/editors.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "## Neovim")
	_, rest, ok2 := strings.Cut(rest, "```lua\n")
	snippet, _, ok3 := strings.Cut(rest, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("docs/editors.md has no lua block under ## Neovim")
	}
	init := filepath.Join(dir, "init.lua")
	os.WriteFile(init, []byte(snippet), 0o644)
	_, text := readExample(t, "cuba.snn")
	model := filepath.Join(dir, "cuba.snn")
	os.WriteFile(model, []byte(strings.Replace(text, "tau_m unless", "tau_m + t_ref unless", 1)), 0o644)
	out := filepath.Join(dir, "out.txt")
	check := filepath.Join(dir, "check.lua")
	os.WriteFile(check, []byte(`
local buf = vim.api.nvim_get_current_buf()
vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
local n = 0
for _ in pairs(vim.lsp.buf_get_clients(buf)) do n = n + 1 end
vim.fn.writefile({ vim.bo.filetype, vim.bo.commentstring, tostring(n), tostring(#vim.diagnostic.get(buf)) }, vim.env.OUT)
vim.cmd('qa!')
`), 0o644)
	cmd := exec.Command("nvim", "--headless", "-u", init, "-i", "NONE", "-n", model, "-c", "luafile "+check)
	cmd.Env = append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"XDG_CACHE_HOME="+filepath.Join(dir, "cache"), "XDG_STATE_HOME="+filepath.Join(dir, "state"), "OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("nvim wrote nothing: %v", err)
	}
	if got, want := string(b), "snn\n# %s\n1\n1\n"; got != want {
		t.Fatalf("filetype, commentstring, clients, diagnostics: %q, want %q", got, want)
	}
}

// TestVimSyntax: editors/vim (on Neovim's runtimepath) gives examples/feast.snn
// its filetype, comment string and a syntax group for each token class.
func TestVimSyntax(t *testing.T) {
	needNvim(t)
	dir := t.TempDir()
	_, text := readExample(t, "feast.snn")
	want := []struct{ sub, group string }{
		{"neuron FeastCell", "snnDecl"},
		{"FeastCell {", "snnTypeName"},
		{"parameters {", "snnBlock"},
		{"if norm2", "snnControl"},
		{"sqrt(norm2)", "snnBuiltin"},
		{"continuous 1", "snnKeyword"},
		{"and d > thr", "snnOperator"},
		{"threshold hit", "snnEvent"},
		{"weight\n", "snnSpecial"},
		{"x' = -x", "snnDerivative"},
		{"2 ms\n        eta", "snnNumber"},
		{"ms\n        eta", "snnUnit"},
		{`"feast_events.csv"`, "snnString"},
		{"# FEAST", "snnComment"},
		{"Feast {", "snnNetName"},
		{"TimeSurface {\n        connect", "snnTypeName"},
		{"FeastCell[16]", "snnTypeName"},
	}
	var queries [][2]int
	for _, w := range want {
		i := strings.Index(text, w.sub)
		if i < 0 {
			t.Fatalf("%q not in feast.snn", w.sub)
		}
		line := strings.Count(text[:i], "\n") + 1
		col := i - strings.LastIndex(text[:i], "\n") // 1-based byte column
		queries = append(queries, [2]int{line, col})
	}
	q, _ := json.Marshal(queries)
	script := filepath.Join(dir, "syn.lua")
	os.WriteFile(script, []byte(`
local out = {}
for _, q in ipairs(vim.fn.json_decode(vim.env.QUERIES)) do
  table.insert(out, vim.fn.synIDattr(vim.fn.synID(q[1], q[2], 1), 'name'))
end
table.insert(out, vim.bo.filetype .. '|' .. vim.bo.commentstring)
vim.fn.writefile(out, vim.env.OUT)
vim.cmd('qa!')
`), 0o644)
	out := filepath.Join(dir, "out.txt")
	vimDir, _ := filepath.Abs("../editors/vim")
	feast, _ := filepath.Abs("../examples/feast.snn")
	cmd := exec.Command("nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n",
		"--cmd", "set rtp^="+vimDir, "--cmd", "filetype plugin on", "--cmd", "syntax on", feast, "-c", "luafile "+script)
	cmd.Env = append(os.Environ(), "QUERIES="+string(q), "OUT="+out, "XDG_STATE_HOME="+dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(got) != len(want)+1 {
		t.Fatalf("got %q", got)
	}
	for i, w := range want {
		if got[i] != w.group {
			t.Errorf("%q: syntax group %q, want %q", w.sub, got[i], w.group)
		}
	}
	if got[len(want)] != "snn|# %s" {
		t.Errorf("filetype|commentstring: %q", got[len(want)])
	}
}
