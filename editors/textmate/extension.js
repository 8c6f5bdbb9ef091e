// The glha language server in VS Code: starts `glhac lsp` for .glha files.
// Needs `npm install` in this folder once (it fetches vscode-languageclient).
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('glha').get('server.path') || 'glhac';
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient('glha', 'glha language server', server, {
    documentSelector: [{ language: 'glha' }],
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
