#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ for the six fuzz targets: every Go/Rust fixture, a deterministic
sample of real files of 300 B - 8 KiB from a corpus of extracted trees (those that mention
contexts or tasks), the README's config examples and a few hand-written LSP streams.

    python3 fuzz/seed.py [CORPUS_DIR]    # default /work/corpus; run from anywhere
"""
import hashlib
import json
import os
import random
import re
import sys

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)
CORPUS = sys.argv[1] if len(sys.argv) > 1 else "/work/corpus"
SAMPLE = 300


def out(target, name, data):
    d = os.path.join(FUZZ, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def fixtures(ext):
    for root, _, files in os.walk(os.path.join(ROOT, "testdata")):
        for f in sorted(files):
            if f.endswith(ext) or f.endswith(ext + ".want"):
                path = os.path.join(root, f)
                yield os.path.relpath(path, ROOT).replace("/", "-"), open(path, "rb").read()


def real_files(ext, words):
    paths = []
    if not os.path.isdir(CORPUS):
        return []
    for repo in sorted(os.listdir(CORPUS)):
        for root, dirs, files in os.walk(os.path.join(CORPUS, repo)):
            dirs[:] = sorted(d for d in dirs if d not in ("vendor", "node_modules", ".git"))
            for f in sorted(files):
                path = os.path.join(root, f)
                if f.endswith(ext) and 300 <= os.path.getsize(path) <= 8192:
                    paths.append(path)
    random.Random(16).shuffle(paths)
    picked = []
    for path in paths:
        data = open(path, "rb").read()
        if any(w in data for w in words):
            picked.append((path, data))
        if len(picked) == SAMPLE:
            break
    return picked


for lang, ext, words in [
    ("go", ".go", [b"context."]),
    ("rust", ".rs", [b"tokio", b"CancellationToken", b"spawn"]),
]:
    for name, data in fixtures(ext):
        out("lint_" + lang, name, data)
        out("fix_" + lang, name, data)
    for path, data in real_files(ext, words):
        name = "real-" + hashlib.sha1(path.encode()).hexdigest()[:12] + ext
        out("lint_" + lang, name, data)
        out("fix_" + lang, name, data)

readme = open(os.path.join(ROOT, "README.md")).read()
for i, block in enumerate(re.findall(r"```toml\n(.*?)```", readme, re.S)):
    out("config", f"readme-{i}.toml", block)
out("config", "own.toml", open(os.path.join(ROOT, "ctxlint.toml")).read())
for i, text in enumerate([
    'select = ["ALL"]\nignore = ["new-root"]\n',
    '[rules.missing-defer-cancel]\nseverity = "warning"\n[rules.background-in-handler]\nseverity = "off"\n',
    '[go]\ncancel-functions = ["a.B", {function = "c.D", result = 0}]\n'
    'handler-types = [{package = "x", type = "*T", context = "{}.Ctx()"}]\n',
    '[per-file-ignores]\n"**/*_test.go" = ["ALL"]\n"sub/**" = ["context-not-passed"]\n',
    'exclude = ["a/", "[", "**/b/*.go", "!c"]\n',
    'select = "x"\n',
    "[rules]\nx = 1\n",
    "a = \n",
]):
    out("config", f"extra-{i}.toml", text)


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


go = open(os.path.join(ROOT, "testdata/fix/go/imports.go")).read()[:1500]
doc = "file:///tmp/x/a.go"
session = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
    {"jsonrpc": "2.0", "method": "initialized", "params": {}},
    {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": doc, "languageId": "go", "version": 1, "text": go}}},
    {"jsonrpc": "2.0", "id": 2, "method": "textDocument/codeAction", "params": {
        "textDocument": {"uri": doc},
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}},
        "context": {"diagnostics": []}}},
    {"jsonrpc": "2.0", "id": "s", "result": None},
    {"jsonrpc": "2.0", "id": 3, "method": "shutdown"},
    {"jsonrpc": "2.0", "method": "exit"},
]
out("lsp_message", "session", b"".join(frame(m) for m in session))
for i, message in enumerate(session):
    out("lsp_message", f"one-{i}", frame(message))
for i, data in enumerate([
    b"Content-Length: 99999999999999\r\n\r\n{}",
    b"Content-Length: abc\r\n\r\n{}Content-Length: 2\r\n\r\n{}",
    b'Content-Length: 5\r\n\r\n{"a":',
    b"\r\n\r\nContent-Length: 2\r\nContent-Type: x\r\n\r\n[]",
    b'content-length:7\n\n{"id":1}',
    b"X: y\r\n" * 70 + b"\r\n",
]):
    out("lsp_message", f"bad-{i}", data)
