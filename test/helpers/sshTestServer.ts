/**
 * A small SSH server (ssh2) to put behind a sandbox instance port: public-key login for one key,
 * and three commands — `echo WORDS`, `sink` (reads stdin to EOF, prints its byte count and
 * SHA-256) and `source N` (writes N deterministic bytes). Real OpenSSH `ssh` talks to it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Server, utils, type ServerChannel } from 'ssh2';

export interface SshTestServer {
  port: number;
  /** `ssh-ed25519 AAAA…`: the host key, for a known_hosts line. */
  hostPublicKey: string;
  /** OpenSSH private key file of the one user allowed in, and its public line. */
  clientKeyFile: string;
  clientPublicKey: string;
  /** Additional keys allowed (e.g. a temporary key sent through Cloud Assistant). */
  allow(publicKeyLine: string): void;
  /** Each finished `sink`: bytes, and when its first and last byte arrived (ms). */
  sinks: Array<{ bytes: number; firstAt: number; lastAt: number }>;
  close(): Promise<void>;
}

/** The bytes `source N` writes: a repeating, non-trivial pattern. */
export function sourceBytes(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    b[i] = (i * 131 + (i >> 8)) & 0xff;
  }
  return b;
}

type Sinks = SshTestServer['sinks'];

function run(command: string, stream: ServerChannel, sinks: Sinks): void {
  const [name, ...args] = command.trim().split(/\s+/);
  if (name === 'echo') {
    stream.write(`${args.join(' ')}\n`);
    stream.exit(0);
    stream.end();
  } else if (name === 'sink') {
    const hash = createHash('sha256');
    let n = 0;
    let firstAt = 0;
    let lastAt = 0;
    stream.on('data', (d: Buffer) => {
      lastAt = Date.now();
      firstAt ||= lastAt;
      n += d.length;
      hash.update(d);
    });
    stream.on('end', () => {
      sinks.push({ bytes: n, firstAt, lastAt });
      stream.write(`${n} ${hash.digest('hex')}\n`);
      stream.exit(0);
      stream.end();
    });
  } else if (name === 'sleep') {
    setTimeout(
      () => {
        stream.write('slept\n');
        stream.exit(0);
        stream.end();
      },
      Number(args[0]) * 1000,
    );
  } else if (name === 'source') {
    stream.write(sourceBytes(Number(args[0])));
    stream.exit(0);
    stream.end();
  } else {
    stream.stderr.write(`${name}: not found\n`);
    stream.exit(127);
    stream.end();
  }
}

export interface SshTestServerOptions {
  /**
   * The instance's own idea of who may log in, instead of the one built-in client key: the lines
   * of an authorized_keys file (read at each login) and the keys valid for `user` right now (the
   * temporary keys Cloud Assistant registered).
   */
  authorizedKeysFile?: string;
  keysFor?(user: string): string[];
}

export async function startSshTestServer(o: SshTestServerOptions = {}): Promise<SshTestServer> {
  const host = utils.generateKeyPairSync('ed25519');
  const client = utils.generateKeyPairSync('ed25519');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-test-'));
  const clientKeyFile = path.join(dir, 'id_ed25519');
  fs.writeFileSync(clientKeyFile, client.private, { mode: 0o600 });
  const allowed = [client.public];
  const sinks: Sinks = [];
  const server = new Server({ hostKeys: [host.private] }, (conn) => {
    conn.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') {
        return ctx.reject(['publickey']);
      }
      const lines =
        o.authorizedKeysFile || o.keysFor
          ? [
              ...(o.authorizedKeysFile ? fs.readFileSync(o.authorizedKeysFile, 'utf8').split('\n') : []),
              ...(o.keysFor?.(ctx.username) ?? []),
            ].filter((l) => l.trim() && !l.startsWith('#'))
          : allowed;
      const key = lines
        .map((line) => utils.parseKey(line))
        .find((k) => !(k instanceof Error) && k.getPublicSSH().equals(ctx.key.data));
      if (!key || key instanceof Error) {
        return ctx.reject(['publickey']);
      }
      if (ctx.signature && ctx.blob && !key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) {
        return ctx.reject(['publickey']);
      }
      ctx.accept();
    });
    conn.on('ready', () => {
      conn.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => run(info.command, acceptExec(), sinks));
      });
    });
    conn.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hostPublicKey: host.public.trim(),
    clientKeyFile,
    clientPublicKey: client.public.trim(),
    allow: (line) => allowed.push(line),
    sinks,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(dir, { recursive: true, force: true });
      }),
  };
}
