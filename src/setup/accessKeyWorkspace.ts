/**
 * Scanning many files for AccessKeys without holding the caller up: .gitignore rules, a bounded
 * number of reads in flight, a yield to the event loop between batches (the extension host keeps
 * answering), progress, and cancellation. Where the file list comes from is the caller's business
 * (VS Code's findFiles with files.exclude in the extension; a directory walk in tests and benches).
 * No `vscode` here.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { l10n } from '../cloud/l10n';
import { isScannableName, looksBinary, MAX_SCAN_BYTES, scanText, type Finding } from './accessKeyScan';

// ---- .gitignore ----
// Rules are matched by the small glob matcher below, not by regular expressions: a .gitignore is
// someone else's text, and a rule such as `*a*a*a*a*a*a*a*a*a*a*a*a*b` made a backtracking regex
// run for minutes against one 40-character name. Here each `*` only ever resumes from the last one
// seen, so one match costs at most (name length × rule length) steps, and `**` does the same over
// path segments.

/** One piece of a segment pattern: a literal character, `?`, `*`, or a `[...]` class. */
type Token =
  | { t: 'char'; c: string }
  | { t: 'any' }
  | { t: 'star' }
  | { t: 'class'; negate: boolean; ranges: Array<[string, string]> };
/** A path segment: `**` (any number of segments), or a pattern for one name. */
type Segment = { t: 'globstar' } | { t: 'name'; tokens: Token[] };

/** A rule with a `/` matches the path from its .gitignore's folder (`segments`); one without, any single name (`name`). */
interface Rule {
  segments?: Segment[];
  name?: Token[];
  negate: boolean;
  dirOnly: boolean;
}

/** Thrown for a rule git itself would not accept (a reversed range such as `[z-a]`). */
class BadRule extends Error {}

function tokenize(glob: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\' && i + 1 < glob.length) {
      out.push({ t: 'char', c: glob[++i] });
      continue;
    }
    if (c === '*') {
      // `**` inside a segment (`a**b`) is a plain `*` (gitignore(5)); runs of stars are one star.
      if (out[out.length - 1]?.t !== 'star') {
        out.push({ t: 'star' });
      }
      continue;
    }
    if (c === '?') {
      out.push({ t: 'any' });
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      const negate = glob[j] === '!' || glob[j] === '^';
      if (negate) {
        j++;
      }
      const ranges: Array<[string, string]> = [];
      // A `]` first in the class is a member, as in fnmatch; `\\` escapes the next character.
      const member = () => (glob[j] === '\\' && j + 1 < glob.length ? glob[(j += 2) - 1] : glob[j++]);
      for (let first = true; j < glob.length && (glob[j] !== ']' || first); first = false) {
        const lo = member();
        let hi = lo;
        if (glob[j] === '-' && j + 1 < glob.length && glob[j + 1] !== ']') {
          j++;
          hi = member();
          if (hi < lo) {
            throw new BadRule(`reversed range ${lo}-${hi}`);
          }
        }
        ranges.push([lo, hi]);
      }
      if (j >= glob.length) {
        out.push({ t: 'char', c: '[' });
        continue;
      } // unclosed: a literal `[`
      out.push({ t: 'class', negate, ranges });
      i = j;
      continue;
    }
    out.push({ t: 'char', c });
  }
  return out;
}

function tokenMatches(tk: Token, c: string): boolean {
  if (tk.t === 'char') {
    return tk.c === c;
  }
  if (tk.t === 'any') {
    return true;
  }
  if (tk.t === 'class') {
    return tk.ranges.some(([lo, hi]) => c >= lo && c <= hi) !== tk.negate;
  }
  return false;
}

/**
 * Wildcard matching where a `*` that fails is retried one character further from the last `*`
 * only (earlier stars never need revisiting: whatever they could absorb, the last one can too).
 * `isStar` and `same` make it serve both names (characters) and paths (segments).
 */
function wildMatch<P, T>(pattern: P[], text: T[], isStar: (p: P) => boolean, same: (p: P, t: T) => boolean): boolean {
  let p = 0,
    t = 0,
    star = -1,
    resume = 0;
  while (t < text.length) {
    if (p < pattern.length && isStar(pattern[p])) {
      star = p++;
      resume = t;
    } else if (p < pattern.length && same(pattern[p], text[t])) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && isStar(pattern[p])) {
    p++;
  }
  return p === pattern.length;
}

const nameMatches = (tokens: Token[], name: string) =>
  wildMatch(tokens, name.split(''), (k) => k.t === 'star', tokenMatches);

function pathMatches(segments: Segment[], parts: string[]): boolean {
  return wildMatch(
    segments,
    parts,
    (s) => s.t === 'globstar',
    (s, part) => s.t === 'name' && nameMatches(s.tokens, part),
  );
}

/** Trailing blanks end a rule unless escaped; a loop, not a regex (long runs of blanks). */
function trimTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t') && line[end - 2] !== '\\') {
    end--;
  }
  return line.slice(0, end);
}

/** A .gitignore larger than this is not read (no hand-written one comes close): nothing is ignored by it. */
export const MAX_GITIGNORE_BYTES = 256 * 1024;

/** The rules of one .gitignore, for paths relative to the folder it sits in; `skipped` gets rules that cannot be used. */
export function parseGitignore(text: string, skipped?: (rule: string, why: string) => void): Rule[] {
  const rules: Rule[] = [];
  if (text.length > MAX_GITIGNORE_BYTES) {
    skipped?.('(whole file)', `larger than ${MAX_GITIGNORE_BYTES} bytes`);
    return rules;
  }
  for (const raw of text.split('\n')) {
    let line = trimTrailingBlanks(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (!line || line.startsWith('#')) {
      continue;
    }
    const negate = line.startsWith('!');
    if (negate) {
      line = line.slice(1);
    }
    const dirOnly = line.endsWith('/');
    if (dirOnly) {
      line = line.slice(0, -1);
    }
    const anchored = line.includes('/');
    if (line.startsWith('/')) {
      line = line.slice(1);
    }
    if (!line) {
      continue;
    }
    try {
      if (!anchored) {
        rules.push({ name: tokenize(line), negate, dirOnly });
        continue;
      }
      const segments: Segment[] = line
        .split('/')
        .map((part) => (part === '**' ? { t: 'globstar' } : { t: 'name', tokens: tokenize(part) }));
      // `dir/**` matches what is inside dir (one segment or more), not dir itself.
      if (segments.length > 1 && segments[segments.length - 1].t === 'globstar') {
        segments.splice(-1, 0, { t: 'name', tokens: [{ t: 'star' }] });
      }
      rules.push({ segments, negate, dirOnly });
    } catch (e) {
      if (!(e instanceof BadRule)) {
        throw e;
      }
      skipped?.(raw, e.message);
    }
  }
  return rules;
}

/** .gitignore files by the folder (relative, '' for the root) they apply to. */
export class GitignoreMatcher {
  private readonly byDir = new Map<string, Rule[]>();
  /** Rules that were skipped, for the log: `<dir>/.gitignore: <rule> (<why>)`. */
  readonly skipped: string[] = [];

  add(dir: string, text: string): void {
    const d = dir.replace(/\/$/, '');
    this.byDir.set(
      d,
      parseGitignore(text, (rule, why) => this.skipped.push(`${d ? `${d}/` : ''}.gitignore: ${rule} (${why})`)),
    );
  }

  /** Whether a file (path relative to the root, with '/') is ignored by any applicable .gitignore. */
  ignores(rel: string): boolean {
    let ignored = false;
    for (const [dir, rules] of this.byDir) {
      if (dir && !rel.startsWith(`${dir}/`)) {
        continue;
      }
      const parts = (dir ? rel.slice(dir.length + 1) : rel).split('/');
      // A rule matches the file itself, or any folder above it (dir-only rules: only folders).
      for (const r of rules) {
        for (let i = 1; i <= parts.length; i++) {
          if (r.dirOnly && i === parts.length) {
            break;
          }
          const hit = r.segments ? pathMatches(r.segments, parts.slice(0, i)) : nameMatches(r.name!, parts[i - 1]);
          if (hit) {
            ignored = !r.negate;
            break;
          }
        }
      }
    }
    return ignored;
  }
}

// ---- scanning ----

/** `truncated`: the file holds more than MAX_FINDINGS_PER_FILE findings; only those are listed. */
export interface FileFindings {
  file: string;
  findings: Finding[];
  truncated?: boolean;
}

export interface ScanStats {
  files: number;
  scanned: number;
  skippedLarge: number;
  skippedBinary: number;
  findings: number;
  ms: number;
}

export const emptyStats = (): ScanStats => ({
  files: 0,
  scanned: 0,
  skippedLarge: 0,
  skippedBinary: 0,
  findings: 0,
  ms: 0,
});

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
export async function scanFiles(
  files: string[],
  o: ScanOptions,
): Promise<{ results: FileFindings[]; stats: ScanStats }> {
  const started = Date.now();
  const list = files.filter(isScannableName);
  const stats: ScanStats = { ...emptyStats(), files: files.length };
  const results: FileFindings[] = [];
  const batch = o.concurrency ?? 16;
  for (let i = 0; i < list.length; i += batch) {
    if (o.signal?.aborted) {
      break;
    }
    await Promise.all(
      list.slice(i, i + batch).map(async (file) => {
        try {
          if (o.size && (await o.size(file)) > MAX_SCAN_BYTES) {
            stats.skippedLarge++;
            return;
          }
          const bytes = await o.read(file);
          if (bytes.length > MAX_SCAN_BYTES) {
            stats.skippedLarge++;
            return;
          }
          if (looksBinary(bytes)) {
            stats.skippedBinary++;
            return;
          }
          stats.scanned++;
          // Without a BOM, as VS Code shows the text: columns on the first line then agree.
          const findings = scanText(
            Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
              .toString('utf8')
              .replace(/^\uFEFF/, ''),
          );
          if (findings.length) {
            results.push({ file, findings: [...findings], ...(findings.truncated ? { truncated: true } : {}) });
            stats.findings += findings.length;
          }
        } catch {
          /* gone or unreadable since listing: nothing to report */
        }
      }),
    );
    o.onProgress?.(Math.min(i + batch, list.length), list.length);
    await tick();
  }
  stats.ms = Date.now() - started;
  results.sort((a, b) => a.file.localeCompare(b.file));
  return { results, stats };
}

/** Every file under `root` not ignored by .gitignore (nor in .git or node_modules), relative paths with '/'. */
export async function walkDirectory(root: string, skippedRule?: (rule: string) => void): Promise<string[]> {
  const matcher = new GitignoreMatcher();
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const dir = path.join(root, rel);
    const entries = await fs.readdir(dir, { withFileTypes: true });
    const gi = entries.find((e) => e.isFile() && e.name === '.gitignore');
    if (gi) {
      matcher.add(rel, await fs.readFile(path.join(dir, gi.name), 'utf8'));
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name === '.git' || e.name === 'node_modules' || matcher.ignores(`${r}/x`)) {
          continue;
        }
        await visit(r);
      } else if (e.isFile() && !matcher.ignores(r)) {
        out.push(r);
      }
    }
  };
  await visit('');
  matcher.skipped.forEach((r) => skippedRule?.(r));
  return out;
}

/** The `.gitignore` files in a listing (relative paths) applied to it: what remains, and the rules skipped. */
export async function withoutIgnored(
  files: string[],
  read: (file: string) => Promise<string>,
): Promise<{ kept: string[]; skippedRules: string[] }> {
  const matcher = new GitignoreMatcher();
  for (const gi of files.filter((f) => f === '.gitignore' || f.endsWith('/.gitignore'))) {
    try {
      matcher.add(gi.slice(0, Math.max(0, gi.length - '/.gitignore'.length)), await read(gi));
    } catch {
      /* gone since listing */
    }
  }
  return { kept: files.filter((f) => !matcher.ignores(f)), skippedRules: matcher.skipped };
}

// ---- the scan in a worker thread ----
// The extension host runs every extension's code on one thread: the workspace scan (reading,
// decoding and matching thousands of files) runs in a worker_threads worker instead
// (dist/accessKeyScanWorker.js, src/setup/accessKeyScanWorker.ts), and the host only lists files
// and publishes what comes back.

/** One folder to scan: its path on disk, and the files in it (relative, '/'), or none to walk it. */
export interface ScanRoot {
  root: string;
  files?: string[];
}
export interface ScanJob {
  roots: ScanRoot[];
}
export interface ScanJobResult {
  results: Array<FileFindings & { root: number }>;
  stats: ScanStats;
  skippedRules: string[];
}

export type WorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | ({ type: 'done' } & ScanJobResult)
  | { type: 'error'; message: string };

/** What the worker does (also callable in-thread by tests): per root, .gitignore, then the scan, with node fs. */
export async function runScanJob(
  job: ScanJob,
  onProgress?: (done: number, total: number) => void,
): Promise<ScanJobResult> {
  const started = Date.now();
  const stats = emptyStats();
  const results: ScanJobResult['results'] = [];
  const skippedRules: string[] = [];
  const lists: string[][] = [];
  for (const r of job.roots) {
    if (r.files) {
      const { kept, skippedRules: skipped } = await withoutIgnored(r.files, (f) =>
        fs.readFile(path.join(r.root, f), 'utf8'),
      );
      lists.push(kept);
      skippedRules.push(...skipped.map((s) => `${r.root}: ${s}`));
    } else {
      lists.push(await walkDirectory(r.root, (s) => skippedRules.push(`${r.root}: ${s}`)));
    }
  }
  const total = lists.reduce((n, l) => n + l.length, 0);
  let before = 0;
  for (const [i, r] of job.roots.entries()) {
    const { results: found, stats: s } = await scanFiles(lists[i], {
      read: (f) => fs.readFile(path.join(r.root, f)),
      size: async (f) => (await fs.stat(path.join(r.root, f))).size,
      onProgress: (done, n) => onProgress?.(before + Math.round((done / Math.max(1, n)) * lists[i].length), total),
    });
    before += lists[i].length;
    results.push(...found.map((f) => ({ ...f, root: i })));
    for (const k of ['files', 'scanned', 'skippedLarge', 'skippedBinary', 'findings'] as const) {
      stats[k] += s[k];
    }
  }
  stats.ms = Date.now() - started;
  return { results, stats, skippedRules };
}

export interface WorkerScanOptions {
  onProgress?(done: number, total: number): void;
  /** Aborting ends the worker at once. */
  signal?: AbortSignal;
  /** Ends the worker and rejects after this long (tests: a scan that never ends fails instead of hanging). */
  timeoutMs?: number;
}

/** Runs `job` in a worker thread started from `workerFile` (the bundled accessKeyScanWorker.js). */
export function scanInWorker(workerFile: string, job: ScanJob, o: WorkerScanOptions = {}): Promise<ScanJobResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: job });
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const end = (e?: Error, r?: ScanJobResult) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', abort);
      void worker.terminate();
      if (e) {
        reject(e);
      } else {
        resolve(r!);
      }
    };
    const abort = () => end(new Error(l10n.t('The AccessKey scan was cancelled.')));
    if (o.signal?.aborted) {
      abort();
      return;
    }
    o.signal?.addEventListener('abort', abort);
    if (o.timeoutMs) {
      timer = setTimeout(
        () => end(new Error(l10n.t('The AccessKey scan did not finish within {0} ms.', o.timeoutMs ?? 0))),
        o.timeoutMs,
      );
    }
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        o.onProgress?.(m.done, m.total);
      } else if (m.type === 'done') {
        end(undefined, m);
      } else {
        end(new Error(m.message));
      }
    });
    worker.once('error', (e) => end(e));
    worker.once('exit', (code) =>
      end(new Error(l10n.t('The AccessKey scan stopped unexpectedly (exit code {0}).', code))),
    );
  });
}
