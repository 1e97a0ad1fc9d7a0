/**
 * The aliyun CLI's ~/.aliyun/config.json: read its profiles as ours, and add an EcsRamRole profile
 * for an instance without disturbing the others. Unsupported modes are reported with what to do
 * instead, not dropped. Field names follow aliyun-cli config/profile.go (struct Profile).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudError } from './errors';
import { l10n } from './l10n';
import type { CredentialConfig } from './profile';
import { announceSecret } from './secretValues';

export interface CliProfileRaw {
  name: string;
  mode: string;
  access_key_id?: string;
  access_key_secret?: string;
  sts_token?: string;
  ram_role_arn?: string;
  ram_session_name?: string;
  expired_seconds?: number;
  ram_role_name?: string;
  region_id?: string;
  [key: string]: unknown;
}

export interface CliConfigFile {
  current?: string;
  profiles?: CliProfileRaw[];
  [key: string]: unknown;
}

export type CliProfile =
  | { name: string; regionId?: string; mode: string; supported: true; credentials: CredentialConfig }
  | { name: string; regionId?: string; mode: string; supported: false; reason: string };

export function defaultCliConfigPath(): string {
  return path.join(os.homedir(), '.aliyun', 'config.json');
}

export function readCliConfig(file = defaultCliConfigPath()): { current?: string; profiles: CliProfile[] } {
  if (!fs.existsSync(file)) {
    return { profiles: [] };
  }
  const raw = parseConfig(file, fs.readFileSync(file, 'utf8'));
  const all = raw.profiles ?? [];
  return { current: raw.current, profiles: all.map((p) => toProfile(p, { file, all })) };
}

/**
 * JSON.parse's message quotes the text around the mistake, which in this file is next to an
 * AccessKey secret or a token; it then reaches the log and toasts. The error names the file, line
 * and column only, located by our own scan (V8's messages do not always carry a position).
 */
function parseConfig(file: string, text: string): CliConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    const { line, column } = lineColumn(text, Math.max(0, jsonErrorOffset(text)));
    throw new CloudError({
      code: 'CliConfigInvalid',
      service: 'credentials',
      message: l10n.t(
        '{0} is not valid JSON (line {1}, column {2}). Fix it, or run "aliyun configure" again.',
        file,
        line,
        column,
      ),
    });
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CloudError({
      code: 'CliConfigInvalid',
      service: 'credentials',
      message: l10n.t('{0} does not hold a JSON object.', file),
    });
  }
  return raw as CliConfigFile;
}

/** 1-based line and column (in UTF-16 units, as editors count) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** Offset of the first character that makes `text` invalid JSON (RFC 8259), or -1 when it is valid. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) {
      i++;
    }
  };
  const word = (w: string) => {
    for (const c of w) {
      if (text[i] !== c) {
        fail();
      }
      i++;
    }
  };
  const digits = (atLeastOne: boolean) => {
    if (atLeastOne && !/[0-9]/.test(text[i] ?? '')) {
      fail();
    }
    while (/[0-9]/.test(text[i] ?? '')) {
      i++;
    }
  };
  const number = () => {
    if (text[i] === '-') {
      i++;
    }
    if (text[i] === '0') {
      i++;
    } else {
      digits(true);
    }
    if (text[i] === '.') {
      i++;
      digits(true);
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') {
        i++;
      }
      digits(true);
    }
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) {
        fail();
      }
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) {
        fail();
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      i++;
      if (text[i] === 'u') {
        for (let k = 1; k <= 4; k++) {
          if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
            i += k;
            fail();
          }
        }
        i += 5;
      } else if (text[i] !== undefined && '"\\/bfnrt'.includes(text[i])) {
        i++;
      } else {
        fail();
      }
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') {
          fail();
        }
        string();
        ws();
        if (text[i] !== ':') {
          fail();
        }
        i++;
        value();
        ws();
        if (text[i] === '}') {
          i++;
          return;
        }
        if (text[i] !== ',') {
          fail();
        }
        i++;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ']') {
          i++;
          return;
        }
        if (text[i] !== ',') {
          fail();
        }
        i++;
      }
    } else if (c === '"') {
      string();
    } else if (c === 't') {
      word('true');
    } else if (c === 'f') {
      word('false');
    } else if (c === 'n') {
      word('null');
    } else if (c === '-' || /[0-9]/.test(c ?? '')) {
      number();
    } else {
      fail();
    }
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    // A number is where the scan stopped; anything else (nesting too deep for the stack) stopped at i.
    return Math.min(typeof at === 'number' ? at : i, text.length);
  }
}

interface ReadContext {
  file: string;
  all: CliProfileRaw[];
}

function toProfile(p: CliProfileRaw, ctx: ReadContext, chain: string[] = []): CliProfile {
  const mode = normalizeMode(p.mode ?? 'AK');
  const base = { name: p.name, regionId: p.region_id || undefined, mode };
  const ak = p.access_key_id ?? '';
  const sk = p.access_key_secret ?? '';
  announceSecret(sk, p.sts_token);
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
  const missing = (what: string): CliProfile => ({
    ...base,
    supported: false,
    reason: l10n.t('Profile "{0}" has no {1}.', p.name, what),
  });
  const role = {
    roleArn: p.ram_role_arn ?? '',
    sessionName: p.ram_session_name || undefined,
    durationSeconds: p.expired_seconds || undefined,
  };
  switch (mode) {
    case 'AK':
      return ak && sk
        ? { ...base, supported: true, credentials: { mode: 'AK', accessKeyId: ak, accessKeySecret: sk } }
        : missing('access_key_id/access_key_secret');
    case 'StsToken':
      return ak && sk && p.sts_token
        ? {
            ...base,
            supported: true,
            credentials: { mode: 'StsToken', accessKeyId: ak, accessKeySecret: sk, securityToken: p.sts_token },
          }
        : missing('sts_token');
    case 'RamRoleArn':
      return ak && sk && p.ram_role_arn
        ? {
            ...base,
            supported: true,
            credentials: {
              mode: 'RamRoleArn',
              accessKeyId: ak,
              accessKeySecret: sk,
              roleArn: role.roleArn,
              sessionName: role.sessionName,
              durationSeconds: role.durationSeconds,
            },
          }
        : missing('ram_role_arn');
    case 'EcsRamRole':
      return { ...base, supported: true, credentials: { mode: 'EcsRamRole', roleName: p.ram_role_name || undefined } };
    // Deprecated by the CLI in favour of ChainableRamRoleArn: the instance role, then AssumeRole.
    case 'RamRoleArnWithRoleName':
      return p.ram_role_arn
        ? {
            ...base,
            supported: true,
            credentials: {
              mode: 'ChainableRamRoleArn',
              sourceProfile: '',
              source: { mode: 'EcsRamRole', roleName: p.ram_role_name || undefined },
              ...role,
              externalId: str('external_id') || undefined,
            },
          }
        : missing('ram_role_arn');
    case 'ChainableRamRoleArn': {
      // The CLI and credentials SDKs resolve source_profile by name in the same file, recursively
      // (credentials-go providers/cli_profile.go); a profile naming itself would never end.
      const sourceName = str('source_profile');
      if (!sourceName) {
        return missing('source_profile');
      }
      if (!p.ram_role_arn) {
        return missing('ram_role_arn');
      }
      if ([...chain, p.name].includes(sourceName)) {
        return {
          ...base,
          supported: false,
          reason: l10n.t('Profile "{0}" names source profile "{1}", which leads back to itself.', p.name, sourceName),
        };
      }
      const raw = ctx.all.find((x) => x.name === sourceName);
      if (!raw) {
        return {
          ...base,
          supported: false,
          reason: l10n.t(
            'Profile "{0}" names source profile "{1}", which is not in the aliyun CLI config.',
            p.name,
            sourceName,
          ),
        };
      }
      const source = toProfile(raw, ctx, [...chain, p.name]);
      if (!source.supported) {
        return {
          ...base,
          supported: false,
          reason: l10n.t(
            'Source profile "{0}" of profile "{1}" cannot be used: {2}',
            sourceName,
            p.name,
            source.reason,
          ),
        };
      }
      return {
        ...base,
        supported: true,
        credentials: {
          mode: 'ChainableRamRoleArn',
          sourceProfile: sourceName,
          source: source.credentials,
          ...role,
          externalId: str('external_id') || undefined,
        },
      };
    }
    case 'External':
      return str('process_command')
        ? { ...base, supported: true, credentials: { mode: 'External', command: str('process_command') } }
        : missing('process_command');
    case 'CredentialsURI':
      return str('credentials_uri')
        ? { ...base, supported: true, credentials: { mode: 'CredentialsURI', uri: str('credentials_uri') } }
        : missing('credentials_uri');
    case 'OIDC':
      if (!str('oidc_provider_arn')) {
        return missing('oidc_provider_arn');
      }
      if (!str('oidc_token_file')) {
        return missing('oidc_token_file');
      }
      if (!p.ram_role_arn) {
        return missing('ram_role_arn');
      }
      return {
        ...base,
        supported: true,
        credentials: {
          mode: 'OIDC',
          oidcProviderArn: str('oidc_provider_arn'),
          oidcTokenFile: str('oidc_token_file'),
          ...role,
        },
      };
    case 'CloudSSO':
    case 'OAuth': {
      const cache = cliCacheState(p);
      return cache.usable
        ? { ...base, supported: true, credentials: { mode, configFile: ctx.file, profileName: p.name } }
        : { ...base, supported: false, reason: cache.reason };
    }
    default:
      return {
        ...base,
        supported: false,
        reason: l10n.t(
          'Profile "{0}" uses mode "{1}", which this extension does not support (supported: AK, StsToken, RamRoleArn, EcsRamRole, ChainableRamRoleArn, External, CredentialsURI, OIDC, CloudSSO, OAuth).',
          p.name,
          mode,
        ),
      };
  }
}

/** The raw entry of one profile, read afresh (the CLI rewrites the file when it renews credentials). */
export function readRawCliProfile(file: string, name: string): CliProfileRaw | undefined {
  if (!fs.existsSync(file)) {
    return undefined;
  }
  return (parseConfig(file, fs.readFileSync(file, 'utf8')).profiles ?? []).find((p) => p.name === name);
}

/** Cached CLI credentials this close to expiry are not handed out: a call could outlive them. */
const CACHE_MARGIN_MS = 60_000;

export type CliCacheState =
  | {
      usable: true;
      credentials: { accessKeyId: string; accessKeySecret: string; securityToken: string; expiration: Date };
    }
  | { usable: false; reason: string };

/**
 * CloudSSO and OAuth profiles: the aliyun CLI signs in with its own OAuth client and keeps the STS
 * credentials it exchanged in the profile (access_key_id, access_key_secret, sts_token,
 * sts_expiration in Unix seconds; config/profile.go writes them back after each exchange). Only
 * the CLI can renew them: a refresh rotates its tokens, so a second client refreshing would sign
 * the CLI out. Usable while they last; otherwise the reason names the CLI command that renews them.
 */
export function cliCacheState(p: Record<string, unknown>, now = Date.now()): CliCacheState {
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
  const num = (k: string) => (typeof p[k] === 'number' ? (p[k] as number) : 0);
  const name = str('name');
  const sso = str('mode').toLowerCase() === 'cloudsso';
  announceSecret(
    str('access_key_secret'),
    str('sts_token'),
    str('access_token'),
    str('oauth_access_token'),
    str('oauth_refresh_token'),
  );
  const expiresAt = num('sts_expiration') * 1000;
  if (str('access_key_id') && str('access_key_secret') && str('sts_token') && expiresAt - now > CACHE_MARGIN_MS) {
    return {
      usable: true,
      credentials: {
        accessKeyId: str('access_key_id'),
        accessKeySecret: str('access_key_secret'),
        securityToken: str('sts_token'),
        expiration: new Date(expiresAt),
      },
    };
  }
  const profileFlag = name && name !== 'default' ? ` --profile ${name}` : '';
  // Any CLI call renews the STS credentials while the sign-in itself lasts (CloudSSO: its access
  // token; OAuth: the refresh token); after that only a new sign-in does.
  const signedIn = sso ? num('cloud_sso_access_token_expire') * 1000 > now : !!str('oauth_refresh_token');
  const site = str('oauth_site_type').replace(/[^A-Z]/gi, '');
  const relogin = sso
    ? `aliyun configure${profileFlag} --mode CloudSSO`
    : `aliyun configure --mode OAuth${site ? ` --oauth-site-type ${site}` : ''}${profileFlag}`;
  const renew = `aliyun sts GetCallerIdentity${profileFlag}`;
  const kind = sso ? 'CloudSSO' : 'OAuth';
  return {
    usable: false,
    reason: signedIn
      ? l10n.t(
          'The credentials the aliyun CLI keeps for {0} profile "{1}" have expired. Run `{2}` in a terminal (the CLI renews them), then select the profile again.',
          kind,
          name,
          renew,
        )
      : l10n.t(
          'The {0} sign-in of aliyun CLI profile "{1}" has expired. Sign in again with `{2}` in a terminal, then select the profile again.',
          kind,
          name,
          relogin,
        ),
  };
}

/** The CLI matches modes case-insensitively. */
function normalizeMode(mode: string): string {
  const known = [
    'AK',
    'StsToken',
    'RamRoleArn',
    'EcsRamRole',
    'RsaKeyPair',
    'RamRoleArnWithRoleName',
    'ChainableRamRoleArn',
    'External',
    'CredentialsURI',
    'OIDC',
    'CloudSSO',
    'OAuth',
    'BearerToken',
    'Anonymous',
  ];
  return known.find((k) => k.toLowerCase() === mode.toLowerCase()) ?? mode;
}

export interface UpsertResult {
  created: boolean;
  replaced: boolean;
  madeCurrent: boolean;
}

/**
 * Adds (or replaces) an EcsRamRole profile. The file is created with mode 0600; other profiles
 * and unknown keys are kept; `current` changes only when asked.
 */
export function upsertEcsRamRoleProfile(
  file: string,
  profile: { name: string; roleName: string; regionId: string },
  makeCurrent: boolean,
): UpsertResult {
  const exists = fs.existsSync(file);
  const raw: CliConfigFile = exists
    ? parseConfig(file, fs.readFileSync(file, 'utf8'))
    : { current: profile.name, profiles: [], meta_path: '' };
  const profiles = raw.profiles ?? [];
  const entry: CliProfileRaw = {
    name: profile.name,
    mode: 'EcsRamRole',
    ram_role_name: profile.roleName,
    region_id: profile.regionId,
    output_format: 'json',
    language: 'en',
  };
  const i = profiles.findIndex((p) => p.name === profile.name);
  if (i >= 0) {
    profiles[i] = { ...profiles[i], ...entry };
  } else {
    profiles.push(entry);
  }
  raw.profiles = profiles;
  const madeCurrent = makeCurrent || !exists;
  if (madeCurrent) {
    raw.current = profile.name;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(raw, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
  return { created: !exists, replaced: i >= 0, madeCurrent };
}
