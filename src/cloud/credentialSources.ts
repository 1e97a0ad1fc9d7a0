/**
 * The aliyun CLI's credential sources beyond keys and roles, each as one fetch that the refreshing
 * providers in credentials.ts call: a credential process (External), a credentials URI, an OIDC
 * token file, and the STS credentials the CLI caches for its CloudSSO and OAuth sign-ins. What
 * these return is secret: it is announced (secretValues.ts) before anything else sees it, and no
 * error here quotes a process's output or a response body.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliCacheState, readRawCliProfile } from './cliConfig';
import { isLoopbackHost } from './endpointPolicy';
import { CloudError } from './errors';
import { metadataRequest } from './imds';
import { l10n } from './l10n';
import { announceSecret } from './secretValues';

/** node:child_process loads with the first external credential process, not with the extension. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = () => require('node:child_process') as typeof import('node:child_process');

export interface FetchedCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  expiration?: Date;
}

const fail = (code: string, message: string) => new CloudError({ code, service: 'credentials', message });

/** Credential processes get this long unless the profile says otherwise (the CLI sets no limit; VS Code must not hang). */
export const CREDENTIAL_PROCESS_TIMEOUT_MS = 30_000;
/** Credentials JSON is a few hundred bytes; anything far larger is not what we asked for. */
const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * Splits `process_command` into program and arguments without a shell (the CLI's
 * config/command_split.go and credentials-go providers/command_split.go): whitespace separates,
 * double or single quotes group, a backslash escapes the next character outside single quotes.
 */
export function splitCommand(command: string): string[] {
  const args: string[] = [];
  let cur = '';
  let quote: '"' | "'" | undefined;
  let started = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      if (c === quote) {
        quote = undefined;
      } else if (c === '\\' && quote === '"' && i + 1 < command.length) {
        cur += command[++i];
      } else {
        cur += c;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) {
        args.push(cur);
        cur = '';
        started = false;
      }
    } else {
      cur += c;
      started = true;
    }
  }
  if (quote) {
    throw fail('ExternalCommandInvalid', l10n.t('The credential command has an unclosed quote.'));
  }
  if (started) {
    args.push(cur);
  }
  return args;
}

/**
 * What an approval of an External command is bound to: the machine (a remote is another machine),
 * the aliyun CLI config that names the command, the program it resolves to, and the command
 * itself. Any of them changing is a new question.
 */
export interface CommandApprovalScope {
  machine: string;
  configPath: string;
  program: string;
  command: string;
}

export const commandApprovalKey = (a: CommandApprovalScope) =>
  JSON.stringify([a.machine, a.configPath, a.program, a.command]);

/**
 * The file a command's program runs, as spawn finds it without a shell: a path (relative to the
 * working directory) as written, a bare name on PATH (with PATHEXT on Windows). Undefined when
 * there is none; the run then fails as "not found".
 */
export function resolveProgram(
  program: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const win = platform === 'win32';
  const exts = win ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  const runnable = (p: string) => {
    try {
      return fs.statSync(p).isFile() && (win || (fs.accessSync(p, fs.constants.X_OK), true));
    } catch {
      return false;
    }
  };
  const first = (base: string) => exts.map((e) => base + e).find(runnable);
  if (path.isAbsolute(program) || program.includes('/') || (win && program.includes('\\'))) {
    return first(path.resolve(program));
  }
  const dirs = (env.PATH ?? env.Path ?? '').split(win ? ';' : ':').filter(Boolean);
  for (const dir of dirs) {
    const hit = first(path.resolve(dir, program));
    if (hit) {
      return hit;
    }
  }
  return undefined;
}

/** Controls, bidi overrides and isolates, zero-width and line separators: they hide or reorder what a command says (Trojan Source). */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** A command as the user must see it before approving it: every invisible character as a visible `\uXXXX`. */
export const visibleCommand = (command: string) =>
  command.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);

/**
 * Runs an External profile's command and reads the credentials it prints. The format is the aliyun
 * CLI's (README "Use an external program to get credentials"; config/profile.go unmarshals stdout
 * into the profile itself): `{"mode": "AK", "access_key_id", "access_key_secret"}` or
 * `{"mode": "StsToken", …, "sts_token"}`. No shell; stdin closed; stderr dropped unread (the CLI
 * passes it to the terminal, which VS Code does not have); killed after `timeoutMs`.
 */
export function runCredentialProcess(
  command: string,
  timeoutMs = CREDENTIAL_PROCESS_TIMEOUT_MS,
): Promise<FetchedCredentials> {
  const [program, ...args] = splitCommand(command);
  if (!program) {
    return Promise.reject(fail('ExternalCommandInvalid', l10n.t('The credential command is empty.')));
  }
  const name = path.basename(program);
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = childProcess().spawn(program, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
      });
    } catch {
      reject(fail('ExternalCommandFailed', l10n.t('The credential command "{0}" could not be started.', name)));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_OUTPUT_BYTES) {
        tooLarge = true;
        child.kill('SIGKILL');
        return;
      }
      chunks.push(b);
    });
    child.stderr!.resume();
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        fail(
          'ExternalCommandFailed',
          e.code === 'ENOENT'
            ? l10n.t('The credential command "{0}" was not found.', name)
            : l10n.t('The credential command "{0}" could not be started.', name),
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          fail(
            'ExternalCommandTimeout',
            l10n.t(
              'The credential command "{0}" did not finish in time ({1} s) and was stopped.',
              name,
              Math.max(1, Math.round(timeoutMs / 1000)),
            ),
          ),
        );
        return;
      }
      if (tooLarge) {
        reject(
          fail(
            'ExternalCommandInvalidOutput',
            l10n.t('The credential command "{0}" printed more than credentials JSON.', name),
          ),
        );
        return;
      }
      if (code !== 0) {
        reject(
          fail(
            'ExternalCommandFailed',
            l10n.t('The credential command "{0}" exited with {1}.', name, code ?? String(signal)),
          ),
        );
        return;
      }
      try {
        resolve(parseProcessOutput(Buffer.concat(chunks).toString('utf8'), name));
      } catch (e) {
        reject(e);
      }
    });
  });
}

function parseProcessOutput(text: string, name: string): FetchedCredentials {
  const invalid = () =>
    fail(
      'ExternalCommandInvalidOutput',
      l10n.t(
        'The credential command "{0}" did not print credentials JSON (mode AK or StsToken with access_key_id, access_key_secret and, for StsToken, sts_token).',
        name,
      ),
    );
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid();
  }
  if (!raw || typeof raw !== 'object') {
    throw invalid();
  }
  const o = raw as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : '');
  // Announced before any check can fail, so nothing later can carry them unredacted.
  announceSecret(str('access_key_secret'), str('sts_token'));
  const mode = str('mode').toLowerCase();
  const ak = str('access_key_id');
  const sk = str('access_key_secret');
  if (mode === 'ak' && ak && sk) {
    return { accessKeyId: ak, accessKeySecret: sk };
  }
  if (mode === 'ststoken' && ak && sk && str('sts_token')) {
    return { accessKeyId: ak, accessKeySecret: sk, securityToken: str('sts_token') };
  }
  if (mode && mode !== 'ak' && mode !== 'ststoken') {
    throw fail(
      'ExternalCommandInvalidOutput',
      l10n.t(
        'The credential command "{0}" returned mode "{1}"; only AK and StsToken are supported.',
        name,
        str('mode').slice(0, 40),
      ),
    );
  }
  throw invalid();
}

/** A credentials document is a few hundred bytes; the CLI sets no limit, VS Code must not buffer without one. */
export const MAX_CREDENTIALS_URI_BODY = 64 * 1024;

/**
 * GETs a CredentialsURI. The body the aliyun CLI expects (README "Use Credentials URI";
 * config/profile.go): HTTP 200 with `{"Code": "Success", "AccessKeyId", "AccessKeySecret",
 * "SecurityToken", "Expiration"}`; anything else fails. Credentials over plain http are refused
 * unless the server is on this machine. The request goes out as the metadata client's do
 * (metadataRequest): never through VS Code's proxy (which exempts only localhost and 127.0.0.1, so
 * 127.0.0.2 or a named host would reach the user's proxy), no redirects (one could leave
 * loopback), and the body capped, https included.
 */
export async function fetchCredentialsUri(uri: string, timeoutMs = 10_000): Promise<FetchedCredentials> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw fail('CredentialsUriInvalid', l10n.t('The credentials URI is not a valid URL.'));
  }
  const where = url.host;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw fail('CredentialsUriInvalid', l10n.t('The credentials URI must use http or https.'));
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw fail(
      'CredentialsUriInsecure',
      l10n.t(
        'The credentials URI {0} uses plain http to another machine; credentials would cross the network unencrypted. Use https, or a server on this machine.',
        where,
      ),
    );
  }
  const tooLarge = () =>
    fail(
      'CredentialsUriInvalidResponse',
      l10n.t(
        'The credentials URI {0} answered with more than {1} KB; a credentials document is far smaller.',
        where,
        MAX_CREDENTIALS_URI_BODY / 1024,
      ),
    );
  let res: { status: number; body: string };
  try {
    res = await metadataRequest(url.href, 'GET', { accept: 'application/json' }, timeoutMs, {
      maxBytes: MAX_CREDENTIALS_URI_BODY,
      tooLarge,
    });
  } catch (e) {
    if (e instanceof CloudError) {
      throw e;
    }
    throw fail('CredentialsUriFailed', l10n.t('The credentials URI {0} could not be reached.', where));
  }
  const text = res.body;
  if (res.status !== 200) {
    throw fail('CredentialsUriFailed', l10n.t('The credentials URI {0} answered HTTP {1}.', where, res.status));
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw fail(
      'CredentialsUriInvalidResponse',
      l10n.t('The credentials URI {0} did not answer with credentials JSON.', where),
    );
  }
  const str = (k: string) => (body && typeof body[k] === 'string' ? (body[k] as string) : '');
  announceSecret(str('AccessKeySecret'), str('SecurityToken'));
  if (str('Code') !== 'Success') {
    throw fail(
      'CredentialsUriFailed',
      l10n.t(
        'The credentials URI {0} answered Code "{1}" instead of "Success".',
        where,
        str('Code')
          .replace(/[^\w.-]/g, '')
          .slice(0, 60),
      ),
    );
  }
  const expiration = str('Expiration') ? new Date(str('Expiration')) : undefined;
  if (
    !str('AccessKeyId') ||
    !str('AccessKeySecret') ||
    !str('SecurityToken') ||
    !expiration ||
    Number.isNaN(expiration.getTime())
  ) {
    throw fail(
      'CredentialsUriInvalidResponse',
      l10n.t(
        'The credentials URI {0} did not answer with AccessKeyId, AccessKeySecret, SecurityToken and Expiration.',
        where,
      ),
    );
  }
  return {
    accessKeyId: str('AccessKeyId'),
    accessKeySecret: str('AccessKeySecret'),
    securityToken: str('SecurityToken'),
    expiration,
  };
}

/** The OIDC token, read afresh each time: issuers (e.g. Kubernetes RRSA) rotate the file. */
export function readOidcToken(file: string): string {
  let token: string;
  try {
    token = fs.readFileSync(file, 'utf8').trim();
  } catch {
    throw fail('OidcTokenFileUnreadable', l10n.t('The OIDC token file {0} could not be read.', file));
  }
  announceSecret(token);
  if (!token) {
    throw fail('OidcTokenFileUnreadable', l10n.t('The OIDC token file {0} is empty.', file));
  }
  return token;
}

/**
 * The STS credentials the aliyun CLI keeps in a CloudSSO or OAuth profile (see cliCacheState),
 * read afresh each time so a renewal by the CLI is picked up.
 */
export function readCliCachedSts(file: string, profileName: string, now = Date.now()): FetchedCredentials {
  const p = readRawCliProfile(file, profileName);
  if (!p) {
    throw fail('CliProfileMissing', l10n.t('Profile "{0}" is gone from the aliyun CLI config.', profileName));
  }
  const s = cliCacheState(p, now);
  if (!s.usable) {
    throw fail('CliSignInExpired', s.reason);
  }
  return s.credentials;
}
