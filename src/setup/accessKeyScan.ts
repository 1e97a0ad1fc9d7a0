/**
 * Finds AccessKeys in text: AccessKey ids (`LTAI` + 12–30 letters and digits) and the 30-character
 * secrets that sit next to them under a recognisable name (access_key_secret, AccessKeySecret,
 * ALIBABA_CLOUD_ACCESS_KEY_SECRET, Terraform's secret_key…). A finding carries where it is and the
 * value masked to its last 4 characters; the value itself never leaves this module (a fingerprint
 * identifies it for the ignore list).
 *
 * Alibaba Cloud documents AccessKey ids as starting with "LTAI" and secrets as 30 characters; the
 * exact id length is not documented (16, 24 and 30 are seen), so 12–30 follows the issue.
 * No `vscode` here: node:test covers it, and the workspace scan runs the same code.
 */

/** node:crypto loads with the first fingerprint, not with the extension (a few ms of activation). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crypto = () => require('node:crypto') as typeof import('node:crypto');

export type FindingKind = 'accessKeyId' | 'accessKeySecret';

export interface Finding {
  kind: FindingKind;
  /** Offset and length of the value in the text. */
  offset: number;
  length: number;
  /** 0-based line and column (UTF-16 units, as VS Code counts) of the value. */
  line: number;
  column: number;
  /** The value masked to its last 4 characters: `••••••••wxyz`. */
  masked: string;
  /** sha256 of the value (hex, first 16): stable across edits, useless to recover the value. */
  fingerprint: string;
}

/** The comment marker that silences findings on its own line and the line after it. */
export const IGNORE_MARKER = 'alibabacloud:ignore-accesskey';

/** Alphanumerics and the base64 alphabet: an id glued to them is part of a longer blob, not a key. */
const ID = /(?<![A-Za-z0-9+/])LTAI[A-Za-z0-9]{12,30}(?![A-Za-z0-9+/])/g;
/**
 * A secret's name, then (on the same line, within a few characters of `"':=(),` or a call such as
 * Go's tea.String) a 30-character alphanumeric value standing alone.
 */
const SECRET =
  /(?:access[_-]?key[_-]?secret|ALIBABA_CLOUD_ACCESS_KEY_SECRET|ALICLOUD_SECRET_KEY|ALICLOUD_ACCESS_KEY_SECRET|\bsecret[_-]?key|OSS_ACCESS_KEY_SECRET)["']?(?:[\s"':=(),>]|tea\.String\(|String\(|\bnew\b){1,12}?["'`]?([A-Za-z0-9]{30})(?![A-Za-z0-9+/=])/gi;

export function mask(value: string): string {
  return `${'•'.repeat(Math.max(4, value.length - 4))}${value.slice(-4)}`;
}

export function fingerprint(value: string): string {
  return crypto().createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/** Files worth scanning: source, .env, yaml, json, properties, ini, Dockerfiles, shell, Terraform. */
const SCANNED_EXTENSIONS: ReadonlySet<string> = new Set([
  'py',
  'js',
  'mjs',
  'cjs',
  'jsx',
  'ts',
  'mts',
  'cts',
  'tsx',
  'java',
  'kt',
  'kts',
  'scala',
  'groovy',
  'go',
  'cs',
  'php',
  'rb',
  'rs',
  'swift',
  'c',
  'cc',
  'cpp',
  'h',
  'env',
  'yaml',
  'yml',
  'json',
  'jsonc',
  'properties',
  'ini',
  'cfg',
  'conf',
  'toml',
  'xml',
  'gradle',
  'sh',
  'bash',
  'zsh',
  'ps1',
  'bat',
  'cmd',
  'tf',
  'tfvars',
  'hcl',
  'txt',
  'md',
]);

export function isScannableName(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (
    /^\.env(\..+)?$/.test(name) ||
    name.endsWith('.env') ||
    /^dockerfile(\..+)?$/.test(name) ||
    name.endsWith('.dockerfile') ||
    name === 'containerfile' ||
    name === '.envrc' ||
    name === 'credentials' ||
    name === 'config'
  ) {
    return true;
  }
  const dot = name.lastIndexOf('.');
  return dot > 0 && SCANNED_EXTENSIONS.has(name.slice(dot + 1));
}

/** Files larger than this are skipped (generated bundles, dumps): a key there is not hand-written. */
export const MAX_SCAN_BYTES = 1024 * 1024;

/** A NUL in the first 8 KB: binary (git's rule). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) {
    if (bytes[i] === 0) {
      return true;
    }
  }
  return false;
}

/** Secrets mix cases: all-hex or single-case 30-character strings are hashes and ids, not secrets. */
function isSecretShaped(value: string): boolean {
  return !/^[0-9a-f]+$/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value);
}

/** Offsets where each line starts: a finding's line and column come from here, never from summing lines. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return starts;
}

/** The 0-based line holding `offset` (binary search over `lineStarts`). */
export function lineOf(starts: number[], offset: number): number {
  let lo = 0,
    hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

/**
 * Findings kept per file. A file with more is not hand-written configuration (a dump, a generated
 * list): the scan stops at this many, in text order, and says so (`truncated`), so one hostile file
 * costs bounded time and memory and the Problems panel is not flooded.
 */
export const MAX_FINDINGS_PER_FILE = 100;

export interface ScanResult extends Array<Finding> {
  truncated?: boolean;
}

/**
 * Every AccessKey id and secret in `text`, in order, minus those under an ignore marker; at most
 * MAX_FINDINGS_PER_FILE (then `truncated` is set). Linear in the text: one pass per pattern (both
 * bounded), a set for duplicates, and the ignore marker's lines found once up front.
 */
export function scanText(text: string): ScanResult {
  // Fast path: most files hold neither shape.
  const secrets = /secret/i.test(text);
  if (!text.includes('LTAI') && !secrets) {
    return [];
  }
  const starts = lineStarts(text);
  const marked = new Set<number>();
  for (let i = text.indexOf(IGNORE_MARKER); i >= 0; i = text.indexOf(IGNORE_MARKER, i + 1)) {
    marked.add(lineOf(starts, i));
  }
  const ignored = (line: number) => marked.has(line) || marked.has(line - 1);
  const seen = new Set<number>();
  const found: Array<{ kind: FindingKind; value: string; offset: number; line: number }> = [];
  let truncated = false;
  // Each pass stops once it holds the cap: the first MAX findings in text order are among them.
  const full = (n: number) => {
    if (n >= MAX_FINDINGS_PER_FILE) {
      truncated = true;
      return true;
    }
    return false;
  };
  const add = (kind: FindingKind, value: string, offset: number) => {
    const line = lineOf(starts, offset);
    if (ignored(line) || seen.has(offset)) {
      return;
    }
    seen.add(offset);
    found.push({ kind, value, offset, line });
  };
  for (const m of text.matchAll(ID)) {
    if (full(found.length)) {
      break;
    }
    add('accessKeyId', m[0], m.index!);
    // Positional pairs (oss2.Auth(id, secret), OSSClientBuilder().build(endpoint, id, secret),
    // oss.New(endpoint, id, secret)): the quoted 30-character literal right after an id.
    const after = text.slice(m.index! + m[0].length, m.index! + m[0].length + 120);
    const pos = /^["'`]?\s*[,;]?\s*(?:\r?\n\s*)?["'`]([A-Za-z0-9]{30})["'`]/.exec(after);
    if (pos && isSecretShaped(pos[1])) {
      add('accessKeySecret', pos[1], m.index! + m[0].length + pos.index + pos[0].length - 31);
    }
  }
  const fromSecrets = found.length;
  for (const m of secrets ? text.matchAll(SECRET) : []) {
    if (full(found.length - fromSecrets)) {
      break;
    }
    const value = m[1];
    if (!isSecretShaped(value)) {
      continue;
    }
    add('accessKeySecret', value, m.index! + m[0].length - value.length);
  }
  found.sort((a, b) => a.offset - b.offset);
  if (found.length > MAX_FINDINGS_PER_FILE) {
    truncated = true;
  }
  // Only the kept ones are hashed (the costly part per finding).
  const out: ScanResult = found.slice(0, MAX_FINDINGS_PER_FILE).map(({ kind, value, offset, line }) => ({
    kind,
    offset,
    length: value.length,
    line,
    column: offset - starts[line],
    masked: mask(value),
    fingerprint: fingerprint(value),
  }));
  if (truncated) {
    out.truncated = true;
  }
  return out;
}
