/**
 * The one reader of settings that decide where requests, signatures and credentials go: endpoint
 * overrides, the metadata URL, insecure fallback, probing, the internal OSS endpoint. They are
 * machine-scoped in package.json and read here from user (or remote machine) values only, never
 * from a workspace: a cloned repository's .vscode/settings.json must not redirect anything.
 * Limits (presign lifetime, open size) are clamped here too, whatever a settings file says.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { clampNumber, OPEN_MAX_MB, PRESIGN_MAX_SECONDS } from '../cloud/endpointPolicy';
import type { Log } from './log';

const SECTION = 'alibabaCloud';

/** Keep in step with package.json (scope "machine", capabilities.untrustedWorkspaces.restrictedConfigurations). */
export const TRUSTED_KEYS = [
  'endpointOverrides',
  'metadata.endpoint',
  'metadata.allowInsecureFallback',
  'metadata.probe',
  'oss.useInternalEndpointOnInstance',
  'ssh.configFile',
] as const;
export type TrustedKey = (typeof TRUSTED_KEYS)[number];

const warned = new Set<string>();

/** A trusted setting: the user's (or remote machine's) value, else the default. */
export function trustedSetting<T>(key: TrustedKey, fallback: T, log?: Log): T {
  const i = vscode.workspace.getConfiguration(SECTION).inspect<T>(key);
  if (log && (i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined) && !warned.has(key)) {
    warned.add(key);
    log.warn(
      `settings: the workspace sets ${SECTION}.${key}; ignored (only user settings may choose endpoints and metadata access)`,
    );
  }
  return i?.globalValue ?? i?.defaultValue ?? fallback;
}

/** alibabaCloud.oss.presignExpirySeconds, within 60 s and OSS's 7-day limit. */
export function presignExpirySeconds(): number {
  return Math.floor(
    clampNumber(
      vscode.workspace.getConfiguration(SECTION).get<number>('oss.presignExpirySeconds'),
      60,
      PRESIGN_MAX_SECONDS,
      3600,
    ),
  );
}

/** alibabaCloud.oss.maxOpenSizeMB, within 1 and OPEN_MAX_MB. */
export function maxOpenSizeMb(): number {
  return clampNumber(vscode.workspace.getConfiguration(SECTION).get<number>('oss.maxOpenSizeMB'), 1, OPEN_MAX_MB, 10);
}

/**
 * The ssh config "Connect with Remote-SSH" writes to: alibabaCloud.ssh.configFile, else the file
 * Remote-SSH itself reads (remote.SSH.configFile, user value only), else ~/.ssh/config. A
 * workspace must not choose which file of the user's gets written, so neither is read from one.
 */
export function sshConfigPath(log?: Log): string {
  return sshConfigPaths(log).ours;
}

/** Ours (see sshConfigPath) and the one Remote-SSH reads, which differ only if the user set ours apart. */
export function sshConfigPaths(log?: Log): { ours: string; remoteSsh: string } {
  const expand = (p: string) => path.resolve(p.startsWith('~/') || p === '~' ? path.join(os.homedir(), p.slice(1)) : p);
  const own = trustedSetting<string>('ssh.configFile', '', log).trim();
  const set = vscode.workspace.getConfiguration('remote.SSH').inspect<string>('configFile')?.globalValue?.trim();
  const remoteSsh = set ? expand(set) : path.join(os.homedir(), '.ssh', 'config');
  return { ours: own ? expand(own) : remoteSsh, remoteSsh };
}
