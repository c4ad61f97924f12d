#!/usr/bin/env python3
"""Checks ctxlint against hand-labelled findings in real trees.

Each label row is `repo, path, line, rule, label` (tab-separated; `#` starts a comment), with
label TRUE (a maintainer would merge the fix: must still be reported), FALSE (the tool was
wrong: must be gone) or DEBATABLE (deliberate code: reported or not, shown for information).
Every repository is linted once from `<corpus>/<repo>` (its vendor/ tree too, when it has one)
with the rules the labels name.

    benches/precision/check-labels.py --bin target/debug/ctxlint \
        --corpus /work/corpus /work/shared/realcode/labels.tsv [more.tsv ...]

Exit status 1 when a TRUE is missed or a FALSE is still reported.

With `--table`, it prints the README's precision table instead: per rule, the labelled findings
that ctxlint still reports, split by label, and precision = TRUE / all of them (DEBATABLE,
deliberate code, counts against the rule: a maintainer would not merge its fix), counting
warnings and errors only (findings now reported as info are listed apart); with
`--commits FILE` (`repo commit` lines, or the `name owner/repo commit` rows of
benches/precision/trees.tsv) also the trees and their commits. trees.tsv itself is no label file:
given among the labels (`benches/precision/*.tsv`), it is skipped.
"""
import argparse
import collections
import json
import os
import subprocess
import sys


def read_labels(paths):
    """The label rows; a finding labelled in several files counts once (the first file's label)."""
    rows = {}
    for path in paths:
        if os.path.basename(path) == "trees.tsv":
            continue
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    continue
                repo, file, lineno, rule, label = line.split("\t")[:5]
                rows.setdefault((repo, file, int(lineno), rule), label.upper())
    return [key + (label,) for key, label in rows.items()]


def findings(binary, corpus, repo, rules):
    root = os.path.join(corpus, repo)
    targets = ["."]
    if os.path.isdir(os.path.join(root, "vendor")):
        targets.append("vendor")
    out = subprocess.run(
        [binary, "check", "--isolated", "--format", "json", "--select", ",".join(sorted(rules))]
        + targets,
        cwd=root,
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1, 2):
        sys.exit(f"{repo}: ctxlint exited {out.returncode}: {out.stderr}")
    found = {}
    for d in json.loads(out.stdout)["diagnostics"]:
        path = d["path"][2:] if d["path"].startswith("./") else d["path"]
        found[(path, d["range"]["start"]["line"], d["rule"])] = d["severity"]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default="target/debug/ctxlint")
    parser.add_argument("--corpus", default="/work/corpus")
    parser.add_argument("--table", action="store_true", help="print the precision table")
    parser.add_argument("--commits", help="`repo commit` lines, for --table")
    parser.add_argument("labels", nargs="+")
    args = parser.parse_args()
    rows = read_labels(args.labels)
    by_repo = collections.defaultdict(list)
    for row in rows:
        by_repo[row[0]].append(row)
    binary = os.path.abspath(args.bin)
    counts = collections.Counter()
    repos = collections.defaultdict(set)
    bad = 0
    for repo in sorted(by_repo):
        found = findings(binary, args.corpus, repo, {r[3] for r in by_repo[repo]})
        for _, path, line, rule, label in sorted(by_repo[repo]):
            reported = (path, line, rule) in found
            # Info findings make no claim a maintainer must act on: precision is over
            # warnings and errors, so they are counted apart.
            if found.get((path, line, rule)) == "info":
                counts[(rule, label, "info")] += 1
            else:
                counts[(rule, label, reported)] += 1
            wrong = (label == "TRUE" and not reported) or (label == "FALSE" and reported)
            if reported:
                repos[rule].add(repo)
            if wrong and not args.table:
                bad += 1
                verdict = "MISSED" if label == "TRUE" else "STILL REPORTED"
                print(f"{verdict}: {repo} {path}:{line} {rule} ({label})")
    if args.table:
        print_table(counts, repos, args.commits)
        return
    print()
    print(f"{'rule':<26} {'label':<10} {'reported':>8} {'silent':>6}")
    for rule, label in sorted({(r, l) for r, l, _ in counts}):
        print(f"{rule:<26} {label:<10} {counts[(rule, label, True)]:>8} "
              f"{counts[(rule, label, False)]:>6} {counts[(rule, label, 'info')]:>6} info")
    print(f"\n{bad} wrong of {len(rows)} labelled findings")
    sys.exit(1 if bad else 0)


def print_table(counts, repos, commits):
    print("| rule | findings read | true | deliberate | false | precision | trees |")
    print("|---|---:|---:|---:|---:|---:|---|")
    gone = collections.Counter()
    for rule in sorted({r for r, _, _ in counts}):
        c = {label: counts[(rule, label, True)] for label in ("TRUE", "DEBATABLE", "FALSE")}
        for label in c:
            gone[label] += counts[(rule, label, False)]
        total = sum(c.values())
        precision = f"{100.0 * c['TRUE'] / total:.0f} %" if total else "–"
        print(f"| {rule} | {total} | {c['TRUE']} | {c['DEBATABLE']} | {c['FALSE']} | "
              f"{precision} | {', '.join(sorted(repos[rule]))} |")
    print(f"\nLabelled findings no longer reported: {gone['FALSE']} false, "
          f"{gone['DEBATABLE']} deliberate, {gone['TRUE']} true.")
    info = collections.Counter({label: n for (_, label, state), n in counts.items() if state == "info"})
    if info:
        print(f"Labelled findings now reported as info (not counted above): {info['FALSE']} false, "
              f"{info['DEBATABLE']} deliberate, {info['TRUE']} true.")
    if commits:
        used = set().union(*repos.values())
        print("\n| tree | commit |\n|---|---|")
        with open(commits) as f:
            for line in sorted(f):
                parts = line.split()
                if len(parts) == 3 and not line.startswith("#"):
                    parts = [parts[0], parts[2]]
                if len(parts) == 2 and parts[0] in used:
                    print(f"| {parts[0]} | `{parts[1][:12]}` |")


if __name__ == "__main__":
    main()
