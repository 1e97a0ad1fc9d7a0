/**
 * Real OpenSSH through the Session Manager bridge and the sandbox relay to an ssh2 test server:
 * the pieces a test (or the bench) needs, wired as the extension wires them — the channel, the
 * bridge bundle, an ssh config block written by src/setup/sshConfig.ts with a pinned host key.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Cloud } from '../../src/cloud';
import { channelDirectory, openSessionChannel, type SessionChannel } from '../../src/cloud/sessionChannel';
import { SessionManagerApi, type TerminalSessionTicket } from '../../src/cloud/sessionManager';
import type { SessionEnd } from '../../src/cloud/sessionStream';
import { readHostKeys, replaceKnownHosts } from '../../src/setup/hostKeys';
import { proxyCommandLine } from '../../src/setup/sessionManager';
import { loginUser, upsertEntry } from '../../src/setup/sshConfig';
import { newTempKeyBook, startWithTempKey, tempKeyDirectory, tempKeyPath } from '../../src/setup/tempKey';
import { activeTempKeys } from '../../src/sandbox/rpc/terminalSessions';
import { ConnectivityApi } from '../../src/cloud/connectivity';
import type { Sandbox } from '../../src/sandbox/server';
import { startSshTestServer, type SshTestServer } from './sshTestServer';

const root = path.join(__dirname, '..', '..');

/** Builds dist-like bundle of the bridge into `dir` (what esbuild.mjs makes as dist/sessionBridge.js). */
export async function buildBridge(dir: string): Promise<string> {
  const outfile = path.join(dir, 'sessionBridge.js');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/cloud/sessionBridge.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

export interface SshRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

export interface BridgeRig {
  ssh: SshTestServer;
  channel: SessionChannel;
  configFile: string;
  knownHosts: string;
  alias: string;
  /** Tickets handed to the bridge (to look for their secrets where they must not be). */
  tickets: TerminalSessionTicket[];
  /** Ends the bridge reported, with when they arrived. */
  ends: Array<{ how: SessionEnd; at: number; ticket: TerminalSessionTicket }>;
  sm: SessionManagerApi;
  run(command: string, opts?: { input?: Buffer | fs.ReadStream; extraOptions?: string[] }): Promise<SshRun>;
  spawnSsh(command: string, extraOptions?: string[]): ReturnType<typeof spawn>;
  close(): Promise<void>;
}

export interface TempKeyRig {
  /** The instance's authorized_keys, which the test server also honours (and nothing may change). */
  authorizedKeysFile: string;
  /** Where the connection's temporary private key lives while it is needed. */
  keyDir?: string;
  /** Runs after the key was registered, before the session starts (to move the sandbox clock). */
  afterKey?: () => void;
}

/**
 * With `tempKeys`, the rig serves tickets as the extension does (a fresh 60-second key per
 * connection through ACS-ECS-SendSshPublicKey) and the test server accepts only the keys the
 * sandbox has registered for the instance at that moment, plus its authorized_keys.
 */
export async function startBridgeRig(
  sandbox: Sandbox,
  cloud: Cloud,
  instanceId: string,
  o: { tempKeys?: TempKeyRig } = {},
): Promise<BridgeRig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-rig-'));
  const tk = o.tempKeys;
  const ssh = await startSshTestServer(
    tk
      ? {
          authorizedKeysFile: tk.authorizedKeysFile,
          keysFor: (user) =>
            activeTempKeys(sandbox.state, instanceId)
              .filter((k) => k.username === user)
              .map((k) => k.publicKey),
        }
      : {},
  );
  const keyFile = tk ? tempKeyPath(tempKeyDirectory(tk.keyDir ?? dir), instanceId, 22) : undefined;
  const removers = new Map<string, () => void>();
  const book = newTempKeyBook();
  sandbox.instancePorts.set(`${instanceId}:22`, ssh.port);
  const sm = new SessionManagerApi(cloud.session);
  await sm.setEnabled('cn-hangzhou', true);
  const tickets: TerminalSessionTicket[] = [];
  const ends: BridgeRig['ends'] = [];
  const channel = await openSessionChannel(
    {
      ticket: async (req) => {
        if (keyFile) {
          const { ticket, key } = await startWithTempKey(cloud, book, req, keyFile, {
            pollIntervalMs: 20,
            afterKey: tk?.afterKey,
          });
          if (key) {
            removers.set(ticket.sessionId, key.remove);
          }
          tickets.push(ticket);
          return ticket;
        }
        const t = await sm.start(req.regionId, req.instanceId, req.port, req.targetServer);
        tickets.push(t);
        return t;
      },
      released: (_req, ticket) => removers.get(ticket.sessionId)?.(),
      ended: (_req, ticket, how) => ends.push({ how, at: Date.now(), ticket }),
    },
    channelDirectory(dir),
  );
  const bridge = await buildBridge(dir);
  const alias = `sandbox.${instanceId}`;
  // Pinned from the instance through Cloud Assistant, as Connect does.
  sandbox.setInstanceHostKey(instanceId, ssh.hostPublicKey);
  const keys = await readHostKeys(cloud, 'cn-hangzhou', instanceId, { pollIntervalMs: 20 });
  const knownHosts = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHosts, replaceKnownHosts('', alias, keys), { mode: 0o600 });
  const configFile = path.join(dir, 'ssh_config');
  const { text } = upsertEntry('', {
    alias,
    hostName: instanceId,
    user: tk ? loginUser(await new ConnectivityApi(cloud.session).describeInstance('cn-hangzhou', instanceId)) : 'root',
    identityFile: keyFile ?? ssh.clientKeyFile,
    sessionManager: {
      proxyCommand: proxyCommandLine({
        runtime: process.execPath,
        bridge,
        channel: channel.path,
        regionId: 'cn-hangzhou',
        instanceId,
        port: 22,
      }),
      knownHostsFile: knownHosts,
    },
  });
  fs.writeFileSync(configFile, text, { mode: 0o600 });
  const args = (command: string, extra: string[] = []) => [
    '-F',
    configFile,
    '-o',
    'BatchMode=yes',
    '-o',
    'LogLevel=ERROR',
    ...extra.flatMap((o) => ['-o', o]),
    alias,
    command,
  ];
  const spawnSsh = (command: string, extra?: string[]) =>
    spawn('ssh', args(command, extra), { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
  return {
    ssh,
    channel,
    configFile,
    knownHosts,
    alias,
    tickets,
    ends,
    sm,
    spawnSsh,
    run: (command, opts = {}) =>
      new Promise((resolve) => {
        const started = Date.now();
        const child = spawnSsh(command, opts.extraOptions);
        const out: Buffer[] = [];
        let err = '';
        child.stdout!.on('data', (d: Buffer) => out.push(d));
        child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
        if (opts.input instanceof fs.ReadStream) {
          opts.input.pipe(child.stdin!);
        } else {
          child.stdin!.end(opts.input ?? Buffer.alloc(0));
        }
        child.on('close', (code) =>
          resolve({ code, stdout: Buffer.concat(out), stderr: err, ms: Date.now() - started }),
        );
      }),
    close: async () => {
      channel.dispose();
      await ssh.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
