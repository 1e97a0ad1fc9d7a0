/**
 * The temporary SSH key of a Session Manager connection: a fresh ed25519 pair per connection, its
 * public key registered on the instance for 60 seconds through Cloud Assistant
 * (ACS-ECS-SendSshPublicKey), its private key written 0600 where the ssh config's IdentityFile
 * points and removed once the connection no longer needs it. authorized_keys is never touched.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudAssistantApi } from '../cloud/cloudAssistant';
import { CloudError } from '../cloud/errors';
import { l10n } from '../cloud/l10n';
import { shorten } from '../cloud/inert';
import { ConnectivityApi } from '../cloud/connectivity';
import type { Cloud } from '../cloud';
import { SessionManagerApi, type TerminalSessionTicket } from '../cloud/sessionManager';
import type { TicketRequest } from '../cloud/sessionChannel';
import { loginUser } from './sshConfig';
import { awaitInvocation } from './verifyRole';
import type { TempKeyBook, TempKeyPair } from './tempKeyBook';

export { newTempKeyBook, clearTempKeys, type TempKeyBook, type TempKeyPair } from './tempKeyBook';

/** How long Cloud Assistant keeps a sent key (the help pages above: 60 seconds). */
export const TEMP_KEY_TTL_MS = 60_000;

const sshString = (b: Buffer | string) => {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** A fresh ed25519 pair in OpenSSH's formats (PROTOCOL.key), which every OpenSSH reads. */
export function generateTempKey(comment = 'alibabacloud-session-manager'): TempKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const pubBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4).readUInt32BE();
  let priv = Buffer.concat([
    u32(check),
    u32(check),
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const pad = Buffer.from(Array.from({ length: (8 - (priv.length % 8)) % 8 }, (_, i) => i + 1));
  priv = Buffer.concat([priv, pad]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    u32(1),
    sshString(pubBlob),
    sshString(priv),
  ]).toString('base64');
  const wrapped = body.match(/.{1,70}/g)!.join('\n');
  return {
    publicLine: `ssh-ed25519 ${pubBlob.toString('base64')} ${comment}`,
    privateFile: `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrapped}\n-----END OPENSSH PRIVATE KEY-----\n`,
  };
}

/** The directory for temporary keys: 0700 inside the extension's private storage. */
export function tempKeyDirectory(storageDir: string): string {
  const dir = path.join(storageDir, 'session-manager-keys');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  return dir;
}

/**
 * Where the ssh config's IdentityFile points for one instance port. ssh reads the private key only
 * when it authenticates, after the ProxyCommand (our bridge) has its session, so the file written
 * while the bridge asks for its ticket is there in time.
 */
export function tempKeyPath(dir: string, instanceId: string, port: number): string {
  return path.join(dir, `${instanceId.replace(/[^\w-]/g, '_')}-${port}`);
}

/**
 * The documented way to install and enable the plug-in ACS-ECS-SendSshPublicKey needs, run through
 * Cloud Assistant before the first key is sent (Alibaba Cloud help, "Connect to a Linux instance
 * by using the config_ecs_instance_connect plug-in", Procedure step 2).
 */
export const CONNECT_PLUGIN_INSTALL = 'acs-plugin-manager -e -P config_ecs_instance_connect --params --install';

/** Instance output in a message: one line, short (someone else's text; the error funnel makes it inert). */
const excerpt = (text: string) => shorten(text.replace(/\s+/g, ' ').trim(), 160);

/**
 * Installs the config_ecs_instance_connect plug-in on the instance unless this extension host did
 * so already. Installing it again is harmless (acs-plugin-manager keeps one copy).
 */
export async function ensureConnectPlugin(
  cloud: Cloud,
  book: TempKeyBook,
  regionId: string,
  instanceId: string,
  o: { pollIntervalMs?: number; waitMs?: number } = {},
): Promise<void> {
  const id = `${regionId}/${instanceId}`;
  if (book.pluginReady.has(id)) {
    return;
  }
  const assistant = new CloudAssistantApi(cloud.session);
  const { invokeId } = await assistant.run(regionId, instanceId, {
    type: 'RunShellScript',
    content: `#!/bin/sh\n${CONNECT_PLUGIN_INSTALL}\n`,
    name: 'alibabaCloud-install-config_ecs_instance_connect',
    timeoutSeconds: 60,
  });
  const { last: r, final } = await awaitInvocation(assistant, regionId, invokeId, instanceId, {
    pollIntervalMs: o.pollIntervalMs,
    waitMs: o.waitMs ?? 90_000,
  });
  if (!r || !final || r.status !== 'Success') {
    throw new CloudError({
      code: 'ConnectPluginNotInstalled',
      message: l10n.t(
        'Cloud Assistant could not install the config_ecs_instance_connect plug-in on {0} ({1}), which temporary SSH keys need.',
        instanceId,
        r ? excerpt(`${r.status}: ${r.errorInfo ?? r.output}`) : l10n.t('no answer in time'),
      ),
    });
  }
  book.pluginReady.add(id);
}

/** How long a key stays after its last session ended, for an ssh that started just then. */
const GRACE_MS = 1000;

/**
 * Makes the key of one connection: registers its public half on the instance for the login user
 * (DescribeInstances ImageOptions.LoginAsNonRoot: ecs-user, else root), then writes the private half
 * to `file` (0600). The remover deletes the file once no session uses it; at the latest it goes
 * when the key has expired on the instance.
 */
export async function issueTempKey(
  cloud: Cloud,
  book: TempKeyBook,
  regionId: string,
  instanceId: string,
  file: string,
  o: { pollIntervalMs?: number; waitMs?: number } = {},
): Promise<{ user: string; publicLine: string; remove(): void }> {
  const info = await new ConnectivityApi(cloud.session).describeInstance(regionId, instanceId);
  const user = loginUser(info);
  await ensureConnectPlugin(cloud, book, regionId, instanceId, o);
  const { live } = book;
  let entry = live.get(file);
  if (!entry || entry.user !== user || readOr(file) !== entry.key.privateFile) {
    entry = { key: generateTempKey(), user, users: 0 };
  }
  const { key } = entry;
  const assistant = new CloudAssistantApi(cloud.session);
  const { invokeId } = await assistant.sendSshPublicKey(regionId, instanceId, user, key.publicLine);
  // The key counts from when the agent ran the command: wait for that, and say why if it did not.
  const { last: r, final } = await awaitInvocation(assistant, regionId, invokeId, instanceId, {
    pollIntervalMs: o.pollIntervalMs,
    waitMs: o.waitMs ?? 30_000,
  });
  if (!r || !final) {
    throw new CloudError({
      code: 'TempKeyNotSent',
      message: l10n.t('Cloud Assistant did not send the temporary SSH key to {0} in time.', instanceId),
    });
  }
  if (r.status !== 'Success') {
    // Removed behind our back, perhaps: installed again on the next connection.
    book.pluginReady.delete(`${regionId}/${instanceId}`);
    throw new CloudError({
      code: 'TempKeyNotSent',
      message: l10n.t(
        'The temporary SSH key could not be sent to {0} through Cloud Assistant ({1}).',
        instanceId,
        excerpt(`${r.status}: ${r.errorInfo ?? r.output}`),
      ),
    });
  }
  if (live.get(file) !== entry) {
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, key.privateFile, { mode: 0o600, flag: 'wx' });
    live.set(file, entry);
  }
  const e = entry;
  e.users++;
  const drop = () => {
    clearTimeout(e.timer);
    if (live.get(file) === e) {
      live.delete(file);
      fs.rmSync(file, { force: true });
    }
  };
  clearTimeout(e.timer);
  e.timer = setTimeout(drop, TEMP_KEY_TTL_MS);
  e.timer.unref?.();
  let removed = false;
  const remove = () => {
    if (removed) {
      return;
    }
    removed = true;
    if (--e.users === 0 && live.get(file) === e) {
      clearTimeout(e.timer);
      e.timer = setTimeout(drop, GRACE_MS);
      e.timer.unref?.();
    }
  };
  return { user, publicLine: key.publicLine, remove };
}

function readOr(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A Session Manager session for one ssh connection through the bridge, with its own temporary key
 * (none for a jump to another address, which is not an ssh login on the instance). The key file
 * goes when the session could not start; otherwise the caller removes it when the session ends.
 */
export async function startWithTempKey(
  cloud: Cloud,
  book: TempKeyBook,
  req: TicketRequest,
  keyFile: string,
  o: { pollIntervalMs?: number; afterKey?: () => void } = {},
): Promise<{ ticket: TerminalSessionTicket; key?: { user: string; remove(): void } }> {
  const key = req.targetServer
    ? undefined
    : await issueTempKey(cloud, book, req.regionId, req.instanceId, keyFile, { pollIntervalMs: o.pollIntervalMs });
  o.afterKey?.();
  try {
    const ticket = await new SessionManagerApi(cloud.session).start(
      req.regionId,
      req.instanceId,
      req.port,
      req.targetServer,
    );
    return { ticket, key };
  } catch (e) {
    key?.remove();
    throw e;
  }
}
