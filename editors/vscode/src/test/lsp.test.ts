// Drives the real `ctxlint server`, started the way the extension starts it (resolveBinary +
// serverArgs), over the Language Server Protocol with the same protocol library
// vscode-languageclient uses: diagnostics, quick fixes, the rule settings and config errors
// shown to the user. Set CTXLINT_BIN to the binary to test (.ci/test-vscode.sh does); without
// it the tests are skipped.

import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";

import {
  createProtocolConnection,
  ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";

import { Settings, resolveBinary, serverArgs } from "../server";

const binary = process.env.CTXLINT_BIN;
const skip = binary === undefined ? "set CTXLINT_BIN to a ctxlint binary to run the server tests" : false;

const handler = `package api

import (
\t"context"
\t"net/http"
\t"time"
)

func Handle(w http.ResponseWriter, r *http.Request) {
\tctx, _ := context.WithTimeout(r.Context(), time.Second)
\t_ = ctx
\twork(context.Background())
}

func work(ctx context.Context) {}
`;

interface Diagnostic {
  code?: string | number;
  source?: string;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** One server process and the messages it sent. */
class Session {
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly shownMessages: { type: number; message: string }[] = [];
  private readonly waiters: (() => void)[] = [];
  private exitCode: number | null | undefined = undefined;
  private readonly exited: Promise<never>;
  stderr = "";

  constructor(process: ChildProcess) {
    this.exited = new Promise<never>((_, reject) => {
      process.once("exit", (code) => {
        this.exitCode = code;
        this.wake();
        reject(new Error(`the server exited with code ${code}: ${this.stderr}`));
      });
    });
    this.exited.catch(() => undefined);
    process.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.connection = createProtocolConnection(
      new StreamMessageReader(process.stdout!),
      new StreamMessageWriter(process.stdin!),
    );
    this.connection.onNotification("textDocument/publishDiagnostics", (params: { uri: string; diagnostics: Diagnostic[] }) => {
      this.diagnostics.set(params.uri, params.diagnostics);
      this.wake();
    });
    this.connection.onNotification("window/showMessage", (params: { type: number; message: string }) => {
      this.shownMessages.push(params);
      this.wake();
    });
    this.connection.onRequest("client/registerCapability", () => null);
    this.connection.onRequest("window/workDoneProgress/create", () => null);
    this.connection.listen();
  }

  static async start(settings: Settings, root: string): Promise<Session> {
    const resolved = resolveBinary(settings, "/nonexistent-extension-dir");
    assert.ok(!("error" in resolved), "error" in resolved ? resolved.error : "");
    const child = spawn(resolved.command, serverArgs(settings), { stdio: ["pipe", "pipe", "pipe"] });
    const session = new Session(child);
    await session.request("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: "ws" }],
      capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true } } },
    });
    await session.connection.sendNotification("initialized", {});
    return session;
  }

  /** A request that fails (instead of hanging) if the server dies or takes over 10 s. */
  request(method: string, params?: unknown): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to ${method} within 10 s`)), 10_000);
    });
    return Promise.race([this.connection.sendRequest(method, params), this.exited, timeout]).finally(() =>
      clearTimeout(timer),
    );
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter();
    }
  }

  /** Waits (at most 10 s) until `done` holds after some message from the server. */
  async until<T>(what: string, done: () => T | undefined): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = done();
      if (value !== undefined) {
        return value;
      }
      if (this.exitCode !== undefined) {
        throw new Error(`the server exited with code ${this.exitCode} while waiting for ${what}: ${this.stderr}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  open(file: string, text: string, languageId = "go"): string {
    const uri = pathToFileURL(file).href;
    void this.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId, version: 1, text },
    });
    return uri;
  }

  async close(): Promise<void> {
    await this.request("shutdown");
    await this.connection.sendNotification("exit");
    await this.exited.catch(() => undefined);
    const code = this.exitCode;
    this.connection.dispose();
    assert.equal(code, 0, "the server exits 0 after shutdown + exit");
  }
}

describe("ctxlint server, started like the extension starts it", { skip }, () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctxlint-lsp-"));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const settings = (select: string[] = [], ignore: string[] = []): Settings => ({ path: binary ?? "", select, ignore });

  it("publishes diagnostics and offers the fix as a quick fix", async () => {
    const session = await Session.start(settings(), dir);
    const uri = session.open(path.join(dir, "handler.go"), handler);
    const diagnostics = await session.until("diagnostics", () => session.diagnostics.get(uri));
    const codes = diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, ["background-in-handler", "discarded-cancel"]);
    const discarded = diagnostics.find((d) => d.code === "discarded-cancel")!;
    assert.equal(discarded.source, "ctxlint");
    assert.equal(discarded.range.start.line, 9);

    const actions = (await session.request("textDocument/codeAction", {
      textDocument: { uri },
      range: discarded.range,
      context: { diagnostics: [discarded] },
    })) as { title: string; kind?: string; edit?: { changes?: Record<string, { newText: string }[]>; documentChanges?: unknown[] } }[];
    const fix = actions.find((a) => a.kind === "quickfix" && a.edit !== undefined && !a.title.startsWith("Ignore"));
    assert.ok(fix, `a quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.match(JSON.stringify(fix.edit), /defer cancel\(\)/);
    await session.close();
  });

  it("runs only the rules of ctxlint.select, without those of ctxlint.ignore", async () => {
    const session = await Session.start(settings(["ALL"], ["discarded-cancel"]), dir);
    const uri = session.open(path.join(dir, "handler.go"), handler);
    const diagnostics = await session.until("diagnostics", () => session.diagnostics.get(uri));
    assert.deepEqual(diagnostics.map((d) => d.code), ["background-in-handler"]);
    await session.close();
  });

  it("shows an unknown rule in the settings to the user and lints with the defaults", async () => {
    const session = await Session.start(settings(["discarded-cancle"]), dir);
    const uri = session.open(path.join(dir, "handler.go"), handler);
    const shown = await session.until("window/showMessage", () => session.shownMessages[0]);
    assert.equal(shown.type, 1, "an error");
    assert.match(shown.message, /unknown rule `discarded-cancle`; did you mean `discarded-cancel`\?/);
    const diagnostics = await session.until("diagnostics", () => session.diagnostics.get(uri));
    assert.equal(diagnostics.length, 2);
    await session.close();
  });

  it("shows a broken ctxlint.toml to the user", async () => {
    const project = path.join(dir, "broken");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "ctxlint.toml"), 'select = ["discarded-cancel"\n');
    const session = await Session.start(settings(), project);
    session.open(path.join(project, "handler.go"), handler);
    const shown = await session.until("window/showMessage", () => session.shownMessages[0]);
    assert.equal(shown.type, 1, "an error");
    assert.match(shown.message, /ctxlint\.toml/);
    await session.close();
  });
});
