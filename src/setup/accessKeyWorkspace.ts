/**
 * Scanning many files for AccessKeys without holding the caller up: .gitignore rules, a bounded
 * number of reads in flight, a yield to the event loop between batches (the extension host keeps
 * answering), progress, and cancellation. Where the file list comes from is the caller's business
 * (VS Code's findFiles with files.exclude in the extension; a directory walk in tests and benches).
 * No `vscode` here.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isScannableName, looksBinary, MAX_SCAN_BYTES, scanText, type Finding } from './accessKeyScan';

// ---- .gitignore ----

interface Rule { re: RegExp; negate: boolean; dirOnly: boolean }

function globToRegex(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') { i++; re += '(?:.*/)?'; } else { re += '.*'; }
      } else { re += '[^/]*'; }
    } else if (c === '?') { re += '[^/]'; } else if (c === '[') {
      const end = glob.indexOf(']', i);
      if (end < 0) { re += '\\['; } else { re += glob.slice(i, end + 1).replace(/^\[!/, '[^'); i = end; }
    } else { re += c.replace(/[.+^${}()|\\]/g, '\\$&'); }
  }
  return re;
}

/** The rules of one .gitignore, for paths relative to the folder it sits in. */
export function parseGitignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (let line of text.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#')) { continue; }
    line = line.replace(/(?<!\\)\s+$/, '');
    const negate = line.startsWith('!');
    if (negate) { line = line.slice(1); }
    const dirOnly = line.endsWith('/');
    if (dirOnly) { line = line.slice(0, -1); }
    const anchored = line.includes('/');
    if (line.startsWith('/')) { line = line.slice(1); }
    const body = globToRegex(line);
    rules.push({ re: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${body}$`), negate, dirOnly });
  }
  return rules;
}

/** .gitignore files by the folder (relative, '' for the root) they apply to. */
export class GitignoreMatcher {
  private readonly byDir = new Map<string, Rule[]>();

  add(dir: string, text: string): void { this.byDir.set(dir.replace(/\/$/, ''), parseGitignore(text)); }

  /** Whether a file (path relative to the root, with '/') is ignored by any applicable .gitignore. */
  ignores(rel: string): boolean {
    let ignored = false;
    for (const [dir, rules] of this.byDir) {
      if (dir && !rel.startsWith(`${dir}/`)) { continue; }
      const parts = (dir ? rel.slice(dir.length + 1) : rel).split('/');
      // A rule matches the file itself, or any folder above it (dir-only rules: only folders).
      for (const r of rules) {
        for (let i = 1; i <= parts.length; i++) {
          if (r.dirOnly && i === parts.length) { break; }
          if (r.re.test(parts.slice(0, i).join('/'))) { ignored = !r.negate; break; }
        }
      }
    }
    return ignored;
  }
}

// ---- scanning ----

export interface FileFindings { file: string; findings: Finding[] }

export interface ScanStats { files: number; scanned: number; skippedLarge: number; skippedBinary: number; findings: number; ms: number }

export interface ScanOptions {
  /** Reads a file's bytes (workspace.fs in the extension, node fs in tests). */
  read(file: string): Promise<Uint8Array>;
  /** Its size, to skip large files before reading them. */
  size?(file: string): Promise<number>;
  concurrency?: number;
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Scans `files` (scannable names only), yielding to the event loop between batches. */
export async function scanFiles(files: string[], o: ScanOptions): Promise<{ results: FileFindings[]; stats: ScanStats }> {
  const started = Date.now();
  const list = files.filter(isScannableName);
  const stats: ScanStats = { files: files.length, scanned: 0, skippedLarge: 0, skippedBinary: 0, findings: 0, ms: 0 };
  const results: FileFindings[] = [];
  const batch = o.concurrency ?? 16;
  for (let i = 0; i < list.length; i += batch) {
    if (o.signal?.aborted) { break; }
    await Promise.all(list.slice(i, i + batch).map(async (file) => {
      try {
        if (o.size && await o.size(file) > MAX_SCAN_BYTES) { stats.skippedLarge++; return; }
        const bytes = await o.read(file);
        if (bytes.length > MAX_SCAN_BYTES) { stats.skippedLarge++; return; }
        if (looksBinary(bytes)) { stats.skippedBinary++; return; }
        stats.scanned++;
        const findings = scanText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
        if (findings.length) { results.push({ file, findings }); stats.findings += findings.length; }
      } catch { /* gone or unreadable since listing: nothing to report */ }
    }));
    o.onProgress?.(Math.min(i + batch, list.length), list.length);
    await tick();
  }
  stats.ms = Date.now() - started;
  results.sort((a, b) => a.file.localeCompare(b.file));
  return { results, stats };
}

/** Every file under `root` not ignored by .gitignore (nor in .git or node_modules), relative paths with '/'. */
export async function walkDirectory(root: string): Promise<string[]> {
  const matcher = new GitignoreMatcher();
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const dir = path.join(root, rel);
    const entries = await fs.readdir(dir, { withFileTypes: true });
    const gi = entries.find((e) => e.isFile() && e.name === '.gitignore');
    if (gi) { matcher.add(rel, await fs.readFile(path.join(dir, gi.name), 'utf8')); }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name === '.git' || e.name === 'node_modules' || matcher.ignores(`${r}/x`)) { continue; }
        await visit(r);
      } else if (e.isFile() && !matcher.ignores(r)) { out.push(r); }
    }
  };
  await visit('');
  return out;
}
