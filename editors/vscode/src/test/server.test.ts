// Unit tests of the binary lookup and the server arguments (no VS Code needed).

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";

import { bundledBinary, executableName, findOnPath, resolveBinary, serverArgs } from "../server";

const none = { path: "", select: [], ignore: [] };

describe("serverArgs", () => {
  it("is just `server` by default", () => {
    assert.deepEqual(serverArgs(none), ["server"]);
  });
  it("passes the rule settings as --select and --ignore", () => {
    assert.deepEqual(serverArgs({ path: "", select: ["discarded-cancel", "test-background-context"], ignore: ["defer-cancel-in-loop"] }), [
      "server",
      "--select",
      "discarded-cancel,test-background-context",
      "--ignore",
      "defer-cancel-in-loop",
    ]);
  });
  it("drops blank and repeated names", () => {
    assert.deepEqual(serverArgs({ path: "", select: [" ALL ", "", "ALL"], ignore: ["  "] }), ["server", "--select", "ALL"]);
  });
});

describe("resolveBinary", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctxlint-vscode-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  function executable(file: string): string {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "#!/bin/sh\n");
    fs.chmodSync(file, 0o755);
    return file;
  }

  it("prefers ctxlint.path", () => {
    const configured = executable(path.join(dir, "custom", "ctxlint"));
    executable(bundledBinary(path.join(dir, "ext")));
    assert.deepEqual(resolveBinary({ ...none, path: configured }, path.join(dir, "ext")), {
      command: configured,
      source: "setting",
    });
  });
  it("takes a relative ctxlint.path from the workspace folder and ~ from home", () => {
    const inWorkspace = executable(path.join(dir, "ws", "bin", "ctxlint"));
    assert.deepEqual(resolveBinary({ ...none, path: "bin/ctxlint" }, dir, { workspaceFolder: path.join(dir, "ws") }), {
      command: inWorkspace,
      source: "setting",
    });
    const inHome = executable(path.join(dir, "home", ".local", "bin", "ctxlint"));
    assert.deepEqual(resolveBinary({ ...none, path: "~/.local/bin/ctxlint" }, dir, { home: path.join(dir, "home") }), {
      command: inHome,
      source: "setting",
    });
  });
  it("reports a ctxlint.path that is not executable instead of falling back", () => {
    executable(bundledBinary(path.join(dir, "ext")));
    const result = resolveBinary({ ...none, path: path.join(dir, "missing") }, path.join(dir, "ext"));
    assert.ok("error" in result);
    assert.match(result.error, /ctxlint\.path is set to .*missing, which is not an executable file/);
  });
  it("uses the bundled binary, then the PATH", () => {
    const ext = path.join(dir, "ext");
    const onPath = executable(path.join(dir, "path2", "ctxlint"));
    const pathVariable = [path.join(dir, "path1"), path.join(dir, "path2")].join(":");
    assert.deepEqual(resolveBinary(none, ext, { pathVariable, platform: "linux" }), { command: onPath, source: "path" });
    const bundled = executable(bundledBinary(ext, "linux"));
    assert.deepEqual(resolveBinary(none, ext, { pathVariable, platform: "linux" }), { command: bundled, source: "bundled" });
  });
  it("restores the execute bit of a bundled binary unpacked without it", { skip: process.platform === "win32" }, () => {
    const ext = path.join(dir, "ext");
    const bundled = bundledBinary(ext);
    fs.mkdirSync(path.dirname(bundled), { recursive: true });
    fs.writeFileSync(bundled, "#!/bin/sh\n");
    fs.chmodSync(bundled, 0o644);
    assert.deepEqual(resolveBinary(none, ext, { pathVariable: "" }), { command: bundled, source: "bundled" });
    assert.equal(fs.statSync(bundled).mode & 0o777, 0o755);
  });
  it("says how to install when nothing is found", () => {
    const result = resolveBinary(none, path.join(dir, "ext"), { pathVariable: path.join(dir, "nothing") });
    assert.ok("error" in result);
    assert.match(result.error, /pip install ctxlint/);
  });
  it("skips a non-executable file on the PATH", { skip: process.platform === "win32" }, () => {
    fs.mkdirSync(path.join(dir, "a"));
    fs.writeFileSync(path.join(dir, "a", "ctxlint"), "not executable");
    const good = executable(path.join(dir, "b", "ctxlint"));
    assert.equal(findOnPath("ctxlint", `${path.join(dir, "a")}:${path.join(dir, "b")}`, "linux"), good);
  });
});

describe("Windows names", () => {
  it("uses ctxlint.exe and ; in PATH", () => {
    assert.equal(executableName("win32"), "ctxlint.exe");
    assert.equal(bundledBinary("ext", "win32"), path.join("ext", "bundled", "ctxlint.exe"));
    const seen: string[] = [];
    findOnPath("ctxlint.exe", "C:\\a;C:\\b", "win32", (file) => {
      seen.push(file);
      return false;
    });
    assert.equal(seen.length, 2);
  });
});
