// The VS Code extension: starts `ctxlint server` and lets vscode-languageclient show its
// diagnostics and quick fixes. Everything that can be tested without VS Code is in server.ts.

import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from "vscode-languageclient/node";

import { Settings, documentSelector, resolveBinary, serverArgs } from "./server";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;

function readSettings(): { enable: boolean; settings: Settings } {
  const config = vscode.workspace.getConfiguration("ctxlint");
  return {
    enable: config.get<boolean>("enable", true),
    settings: {
      path: config.get<string>("path", ""),
      select: config.get<string[]>("select", []),
      ignore: config.get<string[]>("ignore", []),
    },
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const { enable, settings } = readSettings();
  if (!enable) {
    return;
  }
  const resolved = resolveBinary(settings, context.extensionPath, {
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
  if ("error" in resolved) {
    const choice = await vscode.window.showErrorMessage(resolved.error, "Open Settings");
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "ctxlint.path");
    }
    return;
  }
  output ??= vscode.window.createOutputChannel("ctxlint", { log: true });
  output.info(`starting ${resolved.command} (${resolved.source}) ${serverArgs(settings).join(" ")}`);
  const executable = { command: resolved.command, args: serverArgs(settings), transport: TransportKind.stdio };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    // The server registers its own watchers for ctxlint.toml files.
    outputChannel: output,
  };
  client = new LanguageClient("ctxlint", "ctxlint", serverOptions, clientOptions);
  await client.start();
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    await running.stop();
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("ctxlint.restart", async () => {
      await stop();
      await start(context);
    }),
    vscode.commands.registerCommand("ctxlint.showOutput", () => output?.show()),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      // The rules and the binary are arguments of the server process: restart it.
      if (
        ["ctxlint.enable", "ctxlint.path", "ctxlint.select", "ctxlint.ignore"].some((key) =>
          event.affectsConfiguration(key),
        )
      ) {
        await stop();
        await start(context);
      }
    }),
  );
  await start(context);
}

export function deactivate(): Promise<void> {
  return stop();
}
