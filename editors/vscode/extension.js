// The snn extension: the grammar and language configuration are declared in
// package.json; this starts `snnc lsp` for .snn files (diagnostics, hover,
// go to definition, symbols, completion, formatting, rename).
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('snn').get('server.path') || 'snnc';
  client = new LanguageClient(
    'snnc',
    'snnc language server',
    { command, args: ['lsp'] },
    { documentSelector: [{ language: 'snn' }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
