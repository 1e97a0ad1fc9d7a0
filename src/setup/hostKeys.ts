/**
 * The instance's SSH host keys, read on the instance itself through Cloud Assistant (RunCommand),
 * so a Session Manager connection checks the key it was told by the cloud, never trusting whatever
 * answers first. The output is someone else's text: only lines in the shape of an OpenSSH public
 * key are kept.
 */
import type { Cloud } from '../cloud';
import { CloudAssistantApi } from '../cloud/cloudAssistant';
import { CloudError } from '../cloud/errors';
import { l10n } from '../cloud/l10n';
import { awaitInvocation } from './verifyRole';

export const HOST_KEYS_MARKER = 'alibabaCloud.hostKeys v1';

export function hostKeyScript(): string {
  return [
    '#!/bin/sh',
    `# ${HOST_KEYS_MARKER}: prints the SSH host public keys, changes nothing`,
    'cat /etc/ssh/ssh_host_ed25519_key.pub /etc/ssh/ssh_host_ecdsa_key.pub /etc/ssh/ssh_host_rsa_key.pub 2>/dev/null',
    'exit 0',
    '',
  ].join('\n');
}

const KEY_LINE = /^(ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|ssh-rsa) ([A-Za-z0-9+/]{40,}={0,2})(?:\s.*)?$/;

/** `type base64` of each well-formed key line; comments and anything else dropped. */
export function parseHostKeys(output: string): string[] {
  const keys: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = KEY_LINE.exec(line.trim());
    if (m && !keys.includes(`${m[1]} ${m[2]}`)) {
      keys.push(`${m[1]} ${m[2]}`);
    }
  }
  return keys;
}

/** known_hosts lines pinning `keys` to the HostKeyAlias `alias`. */
export function knownHostsLines(alias: string, keys: string[]): string {
  return keys.map((k) => `${alias} ${k}\n`).join('');
}

/** known_hosts text with `alias`'s lines replaced by `keys`. */
export function replaceKnownHosts(text: string, alias: string, keys: string[]): string {
  const kept = text.split('\n').filter((l) => l.trim() && l.split(' ')[0] !== alias);
  return [...kept.map((l) => `${l}\n`), knownHostsLines(alias, keys)].join('');
}

export async function readHostKeys(
  cloud: Cloud,
  regionId: string,
  instanceId: string,
  o: { pollIntervalMs?: number; waitMs?: number } = {},
): Promise<string[]> {
  const assistant = new CloudAssistantApi(cloud.session);
  const { invokeId } = await assistant.run(regionId, instanceId, {
    type: 'RunShellScript',
    content: hostKeyScript(),
    name: 'alibabaCloud-read-host-keys',
    timeoutSeconds: 30,
  });
  const { last: r, final } = await awaitInvocation(assistant, regionId, invokeId, instanceId, {
    pollIntervalMs: o.pollIntervalMs,
    waitMs: o.waitMs ?? 60_000,
  });
  if (!r || !final) {
    throw new CloudError({
      code: 'HostKeysUnavailable',
      message: l10n.t('Reading the SSH host keys of {0} did not finish in time.', instanceId),
    });
  }
  const keys = r.status === 'Success' ? parseHostKeys(r.output) : [];
  if (!keys.length) {
    throw new CloudError({
      code: 'HostKeysUnavailable',
      message: l10n.t(
        'The SSH host keys of {0} could not be read through Cloud Assistant ({1}); without them the connection cannot be verified.',
        instanceId,
        r.status,
      ),
    });
  }
  return keys;
}
