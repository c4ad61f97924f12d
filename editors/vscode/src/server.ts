// How the extension finds and starts `ctxlint server`. Kept free of the `vscode` module so the
// unit tests run under plain Node.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The extension's settings that shape the server process. */
export interface Settings {
  /** `ctxlint.path`: the binary to run; empty for the bundled one, else `ctxlint` on the PATH. */
  path: string;
  /** `ctxlint.select`: run only these rules. */
  select: string[];
  /** `ctxlint.ignore`: do not run these rules. */
  ignore: string[];
}

export type Resolved =
  | { command: string; source: "setting" | "bundled" | "path" }
  | { error: string };

export function executableName(platform: NodeJS.Platform = process.platform): string {
  return platform === "win32" ? "ctxlint.exe" : "ctxlint";
}

/** Where a platform-specific package of the extension carries its binary. */
export function bundledBinary(extensionPath: string, platform: NodeJS.Platform = process.platform): string {
  return path.join(extensionPath, "bundled", executableName(platform));
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes the bundled binary executable if unpacking the extension lost its mode bits (a no-op on
 * Windows and when it is missing or already executable).
 */
export function ensureExecutable(file: string, platform: NodeJS.Platform = process.platform): void {
  if (platform === "win32") {
    return;
  }
  try {
    const mode = fs.statSync(file).mode;
    if ((mode & 0o111) !== 0o111) {
      fs.chmodSync(file, mode | 0o755);
    }
  } catch {
    // Missing or not ours to change: resolveBinary reports what it cannot use.
  }
}

/** The first `name` in the directories of `pathVariable`, like a shell's command lookup. */
export function findOnPath(
  name: string,
  pathVariable: string | undefined,
  platform: NodeJS.Platform = process.platform,
  isExecutable: (file: string) => boolean = isExecutableFile,
): string | undefined {
  const separator = platform === "win32" ? ";" : ":";
  for (const dir of (pathVariable ?? "").split(separator)) {
    if (dir === "") {
      continue;
    }
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * The binary to start: `ctxlint.path` if set (`~` is the home directory, a relative path is
 * taken from the first workspace folder), else the bundled binary, else `ctxlint` on the PATH.
 */
export function resolveBinary(
  settings: Settings,
  extensionPath: string,
  options: {
    workspaceFolder?: string;
    pathVariable?: string;
    platform?: NodeJS.Platform;
    isExecutable?: (file: string) => boolean;
    home?: string;
  } = {},
): Resolved {
  const platform = options.platform ?? process.platform;
  const isExecutable = options.isExecutable ?? isExecutableFile;
  const configured = settings.path.trim();
  if (configured !== "") {
    let file = configured;
    if (file === "~" || file.startsWith("~/")) {
      file = path.join(options.home ?? os.homedir(), file.slice(1));
    } else if (!path.isAbsolute(file) && options.workspaceFolder !== undefined) {
      file = path.join(options.workspaceFolder, file);
    }
    if (!isExecutable(file)) {
      return { error: `ctxlint.path is set to ${configured}, which is not an executable file` };
    }
    return { command: file, source: "setting" };
  }
  const bundled = bundledBinary(extensionPath, platform);
  ensureExecutable(bundled, platform);
  if (isExecutable(bundled)) {
    return { command: bundled, source: "bundled" };
  }
  const onPath = findOnPath(executableName(platform), options.pathVariable ?? process.env.PATH, platform, isExecutable);
  if (onPath !== undefined) {
    return { command: onPath, source: "path" };
  }
  return {
    error:
      "ctxlint was not found: install it (`pip install ctxlint`, or the install script in its README) " +
      "or set `ctxlint.path` to the binary",
  };
}

/** Rule names from a setting: trimmed, without empties or duplicates. */
function ruleList(names: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    const trimmed = String(name).trim();
    if (trimmed !== "") {
      seen.add(trimmed);
    }
  }
  return [...seen];
}

/** The arguments of `ctxlint server` for these settings. */
export function serverArgs(settings: Settings): string[] {
  const args = ["server"];
  const select = ruleList(settings.select);
  const ignore = ruleList(settings.ignore);
  if (select.length > 0) {
    args.push("--select", select.join(","));
  }
  if (ignore.length > 0) {
    args.push("--ignore", ignore.join(","));
  }
  return args;
}

/** The documents the server lints. */
export const documentSelector = [
  { scheme: "file", language: "go" },
  { scheme: "file", language: "rust" },
];
