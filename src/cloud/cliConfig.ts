/**
 * The aliyun CLI's ~/.aliyun/config.json: read its profiles as ours, and add an EcsRamRole profile
 * for an instance without disturbing the others. Unsupported modes are reported, not dropped.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { l10n } from './l10n';
import type { CredentialConfig } from './profile';

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
  if (!fs.existsSync(file)) { return { profiles: [] }; }
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as CliConfigFile;
  return { current: raw.current, profiles: (raw.profiles ?? []).map(toProfile) };
}

function toProfile(p: CliProfileRaw): CliProfile {
  const mode = normalizeMode(p.mode ?? 'AK');
  const base = { name: p.name, regionId: p.region_id || undefined, mode };
  const ak = p.access_key_id ?? '';
  const sk = p.access_key_secret ?? '';
  const missing = (what: string): CliProfile => ({ ...base, supported: false, reason: l10n.t('Profile "{0}" has no {1}.', p.name, what) });
  switch (mode) {
    case 'AK':
      return ak && sk ? { ...base, supported: true, credentials: { mode: 'AK', accessKeyId: ak, accessKeySecret: sk } } : missing('access_key_id/access_key_secret');
    case 'StsToken':
      return ak && sk && p.sts_token ? { ...base, supported: true, credentials: { mode: 'StsToken', accessKeyId: ak, accessKeySecret: sk, securityToken: p.sts_token } } : missing('sts_token');
    case 'RamRoleArn':
      return ak && sk && p.ram_role_arn
        ? { ...base, supported: true, credentials: { mode: 'RamRoleArn', accessKeyId: ak, accessKeySecret: sk, roleArn: p.ram_role_arn, sessionName: p.ram_session_name || undefined, durationSeconds: p.expired_seconds || undefined } }
        : missing('ram_role_arn');
    case 'EcsRamRole':
      return { ...base, supported: true, credentials: { mode: 'EcsRamRole', roleName: p.ram_role_name || undefined } };
    default:
      return { ...base, supported: false, reason: l10n.t('Profile "{0}" uses mode "{1}", which this extension does not support yet (supported: AK, StsToken, RamRoleArn, EcsRamRole).', p.name, mode) };
  }
}

/** The CLI matches modes case-insensitively. */
function normalizeMode(mode: string): string {
  const known = ['AK', 'StsToken', 'RamRoleArn', 'EcsRamRole', 'RsaKeyPair', 'RamRoleArnWithRoleName', 'ChainableRamRoleArn', 'External', 'CredentialsURI', 'OIDC', 'CloudSSO', 'OAuth', 'BearerToken', 'Anonymous'];
  return known.find((k) => k.toLowerCase() === mode.toLowerCase()) ?? mode;
}

export interface UpsertResult { created: boolean; replaced: boolean; madeCurrent: boolean }

/**
 * Adds (or replaces) an EcsRamRole profile. The file is created with mode 0600; other profiles
 * and unknown keys are kept; `current` changes only when asked.
 */
export function upsertEcsRamRoleProfile(file: string, profile: { name: string; roleName: string; regionId: string }, makeCurrent: boolean): UpsertResult {
  const exists = fs.existsSync(file);
  const raw: CliConfigFile = exists ? JSON.parse(fs.readFileSync(file, 'utf8')) as CliConfigFile : { current: profile.name, profiles: [], meta_path: '' };
  const profiles = raw.profiles ?? [];
  const entry: CliProfileRaw = { name: profile.name, mode: 'EcsRamRole', ram_role_name: profile.roleName, region_id: profile.regionId, output_format: 'json', language: 'en' };
  const i = profiles.findIndex((p) => p.name === profile.name);
  if (i >= 0) { profiles[i] = { ...profiles[i], ...entry }; } else { profiles.push(entry); }
  raw.profiles = profiles;
  const madeCurrent = makeCurrent || !exists;
  if (madeCurrent) { raw.current = profile.name; }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(raw, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
  return { created: !exists, replaced: i >= 0, madeCurrent };
}
