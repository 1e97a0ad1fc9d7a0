/**
 * The user's OpenSSH config, edited the way a careful person would: the extension owns one marked
 * block and touches nothing outside it; an entry it wrote and the user then changed (User,
 * IdentityFile, extra options) keeps those changes, only HostName is refreshed. Line endings and
 * the file's mode are kept, a symlinked config (dotfile managers) is written through the link,
 * and the write is atomic (a new file renamed over the old one), so ssh never reads half a file.
 *
 * ssh_config(5): the first value obtained for an option wins, `Host`/`Match` start a section, and
 * `Include` files without an absolute path are looked up in ~/.ssh for a user config. An alias
 * defined elsewhere (this file or a file it includes) would shadow ours, so it is reported.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudError } from '../cloud/errors';
import { l10n } from '../cloud/l10n';

/** node:crypto loads with the first write, not with the extension (a few ms of activation). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crypto = () => require('node:crypto') as typeof import('node:crypto');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = () => require('node:net') as typeof import('node:net');

export const BLOCK_BEGIN =
  '# >>> Alibaba Cloud (VS Code): hosts written by the extension; HostName is refreshed on each connect >>>';
export const BLOCK_END = '# <<< Alibaba Cloud (VS Code) <<<';

export interface SshHostEntry {
  alias: string;
  hostName: string;
  user: string;
  identityFile?: string;
  /** One line saying what the entry is for (instance name, id, region). */
  comment?: string;
  /**
   * Reach the host through Session Manager: ssh runs `proxyCommand` (the bridge) instead of
   * opening TCP, and checks the host key pinned in `knownHostsFile` under the alias.
   */
  sessionManager?: { proxyCommand: string; knownHostsFile: string };
}

/** How often ssh sends a keepalive through a session: well inside Session Manager's 3-minute idle close. */
export const SESSION_KEEPALIVE_SECONDS = 30;

function sessionManagerLines(e: SshHostEntry): string[] {
  const sm = e.sessionManager;
  return sm
    ? [
        `    ProxyCommand ${sm.proxyCommand}`,
        `    HostKeyAlias ${e.alias}`,
        `    UserKnownHostsFile ${sm.knownHostsFile}`,
        '    StrictHostKeyChecking yes',
        `    ServerAliveInterval ${SESSION_KEEPALIVE_SECONDS}`,
        '    ServerAliveCountMax 4',
      ]
    : [];
}

export type EntryAction = 'added' | 'updated' | 'unchanged';

export interface EntryEdit {
  text: string;
  action: EntryAction;
}

// ---- what may be written ----
// Everything in an entry comes from the cloud (addresses, key pair names, instance names) and ssh
// reads it as configuration: a newline starts a new directive (`ProxyCommand` runs a shell), `%`
// and `${…}` are expanded in IdentityFile (ssh_config(5) TOKENS, ENVIRONMENT VARIABLES) and quotes
// change word splitting. Such values are refused, never cleaned into something else.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** A value as it may appear in an error message: escaped, short. */
const shown = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
const refuse = (message: string) => new CloudError({ code: 'SshConfigValueRefused', message });

/**
 * ECS key pair names: 2 to 128 characters, starting with a letter; letters, digits, colons,
 * underscores and hyphens (ECS API reference, CreateKeyPair, KeyPairName). Periods are accepted too
 * (ImportKeyPair names seen in practice carry them); none of these is special to ssh or to a path.
 */
export const isKeyPairName = (name: string) => /^[A-Za-z][A-Za-z0-9._:-]{1,127}$/.test(name);

/** An IP literal or a DNS name (RFC 1123 labels), nothing ssh would expand or split. */
export function isHostName(host: string): boolean {
  if (net().isIP(host)) {
    return true;
  }
  return host.length <= 253 && host.split('.').every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

export function assertKeyPairName(name: string): void {
  if (!isKeyPairName(name)) {
    throw refuse(
      l10n.t(
        'The instance\'s key pair name {0} is not a valid ECS key pair name (2–128 letters, digits, ".", "_", "-" or ":", starting with a letter); no SSH entry is written for it.',
        shown(name),
      ),
    );
  }
}

/** Refuses an entry that ssh would read as more, or other, than the values it names. */
export function assertSafeEntry(e: SshHostEntry): void {
  if (!/^[A-Za-z0-9._-]+$/.test(e.alias)) {
    throw refuse(
      l10n.t(
        'The SSH host alias {0} may hold only letters, digits, ".", "_" and "-"; no SSH entry is written.',
        shown(e.alias),
      ),
    );
  }
  if (!isHostName(e.hostName)) {
    throw refuse(
      l10n.t('The address {0} is neither an IP address nor a DNS name; no SSH entry is written.', shown(e.hostName)),
    );
  }
  if (!/^[A-Za-z_][A-Za-z0-9._-]*$/.test(e.user)) {
    throw refuse(l10n.t('The login user {0} is not a plain user name; no SSH entry is written.', shown(e.user)));
  }
  if (e.identityFile !== undefined) {
    // configPathValue wraps a path with spaces in one pair of double quotes; inside, none may remain.
    const inner = /^"[^"]*"$/.test(e.identityFile) ? e.identityFile.slice(1, -1) : e.identityFile;
    if (!inner || CONTROL.test(inner) || /[%$"']/.test(inner)) {
      throw refuse(
        l10n.t(
          'The key file path {0} holds a control character, "%", "$" or a quote, which ssh would expand or split; no SSH entry is written. Rename the key file.',
          shown(e.identityFile),
        ),
      );
    }
  }
}

/** `demo-web-1.i-bp1…`: a Host pattern may not hold spaces, `*`, `?`, `!` or `,`. */
export function hostAlias(instanceName: string, instanceId: string): string {
  const name = instanceName
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return name && name !== instanceId ? `${name}.${instanceId}` : instanceId;
}

/**
 * The login user: `ecs-user` when the instance was created with ImageOptions.LoginAsNonRoot
 * (DescribeInstances returns it; "Manage logon users", ECS user guide), Administrator on Windows,
 * else root.
 */
export function loginUser(i: { osType?: string; loginAsNonRoot?: boolean }): string {
  if (i.osType?.toLowerCase() === 'windows') {
    return 'Administrator';
  }
  return i.loginAsNonRoot ? 'ecs-user' : 'root';
}

/**
 * The private key of a key pair: the console downloads `<KeyPairName>.pem`; people also keep it
 * without the suffix. `found` is false when neither exists (the first candidate is the guess).
 */
export function guessIdentityFile(
  keyPairName: string,
  sshDir: string,
  exists: (p: string) => boolean = fs.existsSync,
): { path: string; found: boolean } {
  const candidates = [`${keyPairName}.pem`, keyPairName, `${keyPairName}.key`].map((n) => path.join(sshDir, n));
  const hit = candidates.find((p) => exists(p));
  return { path: hit ?? candidates[0], found: !!hit };
}

/** `~/…` for paths under the home directory (what people write by hand), quoted if it has spaces. */
export function configPathValue(p: string, home = os.homedir()): string {
  const rel = path.relative(home, p);
  const shown = !rel.startsWith('..') && !path.isAbsolute(rel) ? `~/${rel.split(path.sep).join('/')}` : p;
  return /\s/.test(shown) ? `"${shown}"` : shown;
}

// ---- parsing ----

interface Line {
  keyword: string;
  args: string[];
}

/** `Keyword value…` or `Keyword=value`; quoted arguments keep their spaces. */
function parseLine(raw: string): Line | undefined {
  const s = raw.trim();
  if (!s || s.startsWith('#')) {
    return undefined;
  }
  const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$/.exec(s);
  if (!m) {
    return { keyword: s.toLowerCase(), args: [] };
  }
  const args = [...m[2].matchAll(/"([^"]*)"|(\S+)/g)].map((a) => a[1] ?? a[2]);
  return { keyword: m[1].toLowerCase(), args };
}

const startsSection = (l: Line | undefined) => l?.keyword === 'host' || l?.keyword === 'match';

/** Whether a `Host` line names exactly this alias (patterns with wildcards match many; not ours to judge). */
const namesAlias = (l: Line | undefined, alias: string) => l?.keyword === 'host' && l.args.some((a) => a === alias);

function blockRange(lines: string[]): { begin: number; end: number } | undefined {
  const begin = lines.findIndex((l) => l.trim() === BLOCK_BEGIN);
  if (begin < 0) {
    return undefined;
  }
  const end = lines.findIndex((l, i) => i > begin && l.trim() === BLOCK_END);
  return end < 0 ? undefined : { begin, end };
}

function entryLines(e: SshHostEntry): string[] {
  const out = [`Host ${e.alias}`];
  if (e.comment) {
    // eslint-disable-next-line no-control-regex
    out.push(`    # ${e.comment.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')}`);
  }
  out.push(`    HostName ${e.hostName}`, `    User ${e.user}`);
  if (e.identityFile) {
    out.push(`    IdentityFile ${e.identityFile}`, '    IdentitiesOnly yes');
  }
  return [...out, ...sessionManagerLines(e)];
}

/**
 * The config text with `entry` in the extension's block: added (the block is created at the end of
 * the file when missing), or updated in place (HostName only; the user's other edits stay).
 */
export function upsertEntry(text: string, entry: SshHostEntry): EntryEdit {
  assertSafeEntry(entry);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') {
    lines.pop();
  }
  const range = blockRange(lines);

  if (!range) {
    const add = [
      ...(lines.length && lines[lines.length - 1].trim() !== '' ? [''] : []),
      BLOCK_BEGIN,
      ...entryLines(entry),
      BLOCK_END,
    ];
    return { text: [...lines, ...add].join(eol) + eol, action: 'added' };
  }

  const start = lines.findIndex((l, i) => i > range.begin && i < range.end && namesAlias(parseLine(l), entry.alias));
  if (start < 0) {
    lines.splice(range.end, 0, ...entryLines(entry));
    return { text: lines.join(eol) + eol, action: 'added' };
  }
  let stop = start + 1;
  while (stop < range.end && !startsSection(parseLine(lines[stop]))) {
    stop++;
  }
  // Ours to refresh: HostName, and for Session Manager the lines that reach it (the bridge's
  // channel is new with each editor session) and log in (the connection's temporary key).
  const owned = [
    `    HostName ${entry.hostName}`,
    ...sessionManagerLines(entry),
    ...(entry.sessionManager && entry.identityFile
      ? [`    IdentityFile ${entry.identityFile}`, '    IdentitiesOnly yes']
      : []),
  ];
  let changed = false;
  for (const wanted of owned) {
    const keyword = parseLine(wanted)!.keyword;
    const at = lines.findIndex((l, i) => i > start && i < stop && parseLine(l)?.keyword === keyword);
    if (at >= 0 && parseLine(lines[at])?.args.join(' ') === parseLine(wanted)!.args.join(' ')) {
      continue;
    }
    changed = true;
    if (at >= 0) {
      lines[at] = wanted;
    } else {
      lines.splice(stop, 0, wanted);
      stop++;
    }
  }
  return changed ? { text: lines.join(eol) + eol, action: 'updated' } : { text, action: 'unchanged' };
}

/** The entry the extension's block holds for `alias` (to show what an update keeps). */
export function managedEntry(text: string, alias: string): Record<string, string> | undefined {
  const lines = text.split(/\r?\n/);
  const range = blockRange(lines);
  if (!range) {
    return undefined;
  }
  const start = lines.findIndex((l, i) => i > range.begin && i < range.end && namesAlias(parseLine(l), alias));
  if (start < 0) {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (let i = start + 1; i < range.end; i++) {
    const l = parseLine(lines[i]);
    if (startsSection(l)) {
      break;
    }
    if (l && !(l.keyword in out)) {
      out[l.keyword] = l.args.join(' ');
    }
  }
  return out;
}

// ---- Include ----

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

const globToRegExp = (g: string) =>
  new RegExp(
    `^${g
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/** Files an `Include` argument names: relative to `baseDir`, wildcards in any path segment. */
function expandInclude(arg: string, baseDir: string, home: string): string[] {
  const full = path.resolve(baseDir, expandHome(arg, home));
  const segments = full.split(path.sep).filter(Boolean);
  let found = [path.parse(full).root];
  for (const seg of segments) {
    const next: string[] = [];
    for (const dir of found) {
      if (!/[*?]/.test(seg)) {
        next.push(path.join(dir, seg));
        continue;
      }
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        names = [];
      }
      const re = globToRegExp(seg);
      next.push(
        ...names
          .filter((n) => re.test(n))
          .sort()
          .map((n) => path.join(dir, n)),
      );
    }
    found = next;
  }
  return found.filter((f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Where else `alias` is defined: outside the extension's block in `configPath`, or in a file
 * reached through Include (recursively, as ssh does, at most 16 deep).
 */
export function findOtherDefinitions(configPath: string, text: string, alias: string, home = os.homedir()): string[] {
  const baseDir = path.dirname(configPath);
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string, content: string, depth: number, own: boolean) => {
    if (depth > 16 || seen.has(file)) {
      return;
    }
    seen.add(file);
    const lines = content.split(/\r?\n/);
    const range = own ? blockRange(lines) : undefined;
    lines.forEach((raw, i) => {
      if (range && i >= range.begin && i <= range.end) {
        return;
      }
      const l = parseLine(raw);
      if (namesAlias(l, alias) && !out.includes(file)) {
        out.push(file);
      }
      if (l?.keyword === 'include') {
        for (const arg of l.args) {
          for (const f of expandInclude(arg, baseDir, home)) {
            let inc: string;
            try {
              inc = fs.readFileSync(f, 'utf8');
            } catch {
              continue;
            }
            visit(f, inc, depth + 1, false);
          }
        }
      }
    });
  };
  visit(configPath, text, 0, true);
  return out;
}

// ---- the file ----

export function readConfig(configPath: string): string {
  try {
    return fs.readFileSync(configPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return '';
    }
    throw e;
  }
}

/**
 * Replaces `file` with `text` atomically, keeping its mode (0600 for a new file, in a 0700
 * directory, as OpenSSH wants); through a symlink, the link's target is replaced.
 */
export function writeFileAtomic(file: string, text: string): void {
  let target = file;
  try {
    target = fs.realpathSync(file);
  } catch {
    /* a new file */
  }
  let mode = 0o600;
  try {
    mode = fs.statSync(target).mode & 0o7777;
  } catch {
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  }
  const tmp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${crypto().randomBytes(6).toString('hex')}.tmp`,
  );
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    fs.writeFileSync(fd, text);
    fs.fchmodSync(fd, mode); // the umask may have narrowed it at open
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) {
      fs.closeSync(fd);
    }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export interface WrittenEntry {
  path: string;
  action: EntryAction;
  /** Other files (or this one, outside the block) defining the same alias: theirs would win. */
  shadowedBy: string[];
  /** The entry as it is in the file now (the user's User/IdentityFile edits included). */
  entry: Record<string, string>;
}

/** Adds or refreshes the instance's entry in the user's ssh config. */
export function writeSshEntry(configPath: string, entry: SshHostEntry, home = os.homedir()): WrittenEntry {
  const before = readConfig(configPath);
  const edit = upsertEntry(before, entry);
  if (edit.action !== 'unchanged') {
    writeFileAtomic(configPath, edit.text);
  }
  return {
    path: configPath,
    action: edit.action,
    shadowedBy: findOtherDefinitions(configPath, edit.text, entry.alias, home),
    entry: managedEntry(edit.text, entry.alias) ?? {},
  };
}
