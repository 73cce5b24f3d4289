-- Drives `snnc lsp` with Neovim's built-in LSP client (headless), for
-- lsp/nvim_test.go: open a model with an error, wait for the diagnostic,
-- ask for a hover and a definition, fix the error with an edit (sent as an
-- incremental change) and wait for the diagnostics to clear. Results are
-- written as JSON to $OUT; the Go test checks them.
local out = {}
local function finish()
  vim.fn.writefile({ vim.fn.json_encode(out) }, vim.env.OUT)
  vim.cmd('qa!')
end
local function fail(msg)
  out.error = msg
  finish()
end

vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.MODEL))
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({
  name = 'snnc',
  cmd = { vim.env.SNNC, 'lsp' },
  root_dir = vim.fn.fnamemodify(vim.env.MODEL, ':h'),
  on_exit = function(code) out.exit_code = code end,
})
if not id then return fail('start_client failed') end
vim.lsp.buf_attach_client(buf, id)
local client = vim.lsp.get_client_by_id(id)

if not vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20) then
  return fail('no diagnostics')
end
out.diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(out.diagnostics, { lnum = d.lnum, col = d.col, message = d.message, severity = d.severity })
end
-- how Neovim sends changes: 2 is incremental
if client.resolved_capabilities then
  out.sync = client.resolved_capabilities.text_document_did_change
else
  out.sync = client.server_capabilities.textDocumentSync.change
end

local function at(line, col)
  return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } }
end
local hover = client.request_sync('textDocument/hover', at(tonumber(vim.env.HOVER_LINE), tonumber(vim.env.HOVER_COL)), 10000, buf)
if not hover or hover.err then return fail('hover: ' .. vim.inspect(hover)) end
out.hover = hover.result.contents.value

local def = client.request_sync('textDocument/definition', at(tonumber(vim.env.DEF_LINE), tonumber(vim.env.DEF_COL)), 10000, buf)
if not def or def.err then return fail('definition: ' .. vim.inspect(def)) end
out.definition = def.result

-- the fix, typed into the buffer: Neovim sends it as an incremental change
local l, c = tonumber(vim.env.FIX_LINE), tonumber(vim.env.FIX_COL)
vim.api.nvim_buf_set_text(buf, l, c, l, c + #vim.env.FIX_OLD, { vim.env.FIX_NEW })
if not vim.wait(20000, function() return #vim.diagnostic.get(buf) == 0 end, 20) then
  out.after_fix = vim.diagnostic.get(buf)
  return fail('diagnostics not cleared by the fix')
end
out.fixed = true
-- the server's copy of the text must be the buffer, byte for byte: the
-- model is formatted, so formatting it gives no edit
local fmt = client.request_sync('textDocument/formatting', { textDocument = { uri = vim.uri_from_bufnr(buf) }, options = { tabSize = 4, insertSpaces = true } }, 10000, buf)
if not fmt or fmt.err then return fail('formatting: ' .. vim.inspect(fmt)) end
out.format_edits = #(fmt.result or {})

client.stop()
vim.wait(5000, function() return client.is_stopped() end, 20)
finish()
