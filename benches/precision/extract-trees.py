#!/usr/bin/env python3
"""Rebuilds the real-code corpus from benches/precision/trees.tsv.

Fetch each `github:<owner>/<repo>` of trees.tsv first (the session's fetch tool leaves its git
directory at <mirror>/<owner>+<repo>/repo), then

    benches/precision/extract-trees.py [--mirror /work/.mirror] [--corpus /work/corpus] [names ...]

extracts the HEAD of each fetched tree into <corpus>/<name> (`git archive HEAD | tar -x`),
after checking that HEAD is the commit trees.tsv names. Trees already in the corpus, or not
fetched, are skipped and listed. Snapshots lack files of 4 MiB and more (data, media, bundled
JS); those paths are left out of the archive. check-labels.py reads trees.tsv as `--commits`.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def git(gitdir, *args, **kw):
    env = dict(os.environ, GIT_DIR=gitdir, **kw.pop("env", {}))
    return subprocess.run(["git", *args], env=env, check=True, capture_output=True, **kw).stdout


def extract(gitdir, dest):
    """Extracts HEAD into dest without the blobs the snapshot lacks; returns how many those are."""
    rows = [e.split(b"\t", 1) for e in git(gitdir, "ls-tree", "-r", "-z", "HEAD").split(b"\0") if e]
    blobs = [(meta.split()[2], path) for meta, path in rows if meta.split()[1] == b"blob"]
    check = git(gitdir, "cat-file", "--batch-check", input=b"".join(o + b"\n" for o, _ in blobs))
    absent = [p for (_, p), line in zip(blobs, check.splitlines()) if line.endswith(b" missing")]
    tree = "HEAD"
    if absent:
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
            git(gitdir, "read-tree", "HEAD", env=env)
            removal = b"".join(b"0 " + b"0" * 40 + b"\t" + p + b"\0" for p in absent)
            git(gitdir, "update-index", "-z", "--index-info", input=removal, env=env)
            tree = git(gitdir, "write-tree", env=env).decode().strip()
    os.makedirs(dest)
    archive = subprocess.Popen(["git", "archive", tree], env=dict(os.environ, GIT_DIR=gitdir),
                               stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", dest], stdin=archive.stdout, check=True)
    if archive.wait():
        sys.exit(f"git archive failed for {gitdir}")
    return len(absent)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", default=os.path.join(HERE, "trees.tsv"))
    parser.add_argument("--mirror", default="/work/.mirror")
    parser.add_argument("--corpus", default="/work/corpus")
    parser.add_argument("names", nargs="*", help="only these trees")
    args = parser.parse_args()
    bad = 0
    for line in open(args.trees):
        if line.startswith("#") or not line.strip():
            continue
        name, repo, commit = line.split()
        if args.names and name not in args.names:
            continue
        dest = os.path.join(args.corpus, name)
        gitdir = os.path.join(args.mirror, repo.replace("/", "+"), "repo")
        if os.path.isdir(os.path.join(gitdir, ".git")):
            gitdir = os.path.join(gitdir, ".git")
        if os.path.exists(dest):
            print(f"{name}: already in {args.corpus}")
        elif not os.path.isdir(gitdir):
            print(f"{name}: not fetched (github:{repo})")
            bad += 1
        elif (head := git(gitdir, "rev-parse", "HEAD").decode().strip()) != commit:
            print(f"{name}: {repo} is at {head}, not {commit}")
            bad += 1
        else:
            print(f"{name}: {commit[:12]} extracted, {extract(gitdir, dest)} absent blob(s) left out")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
