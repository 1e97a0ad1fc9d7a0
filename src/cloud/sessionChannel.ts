/**
 * The private line between the extension and the Session Manager bridge that ssh runs as its
 * ProxyCommand. The bridge's argv and the ssh config name only this channel's path; the fresh
 * WebSocketUrl and token of each connection travel over it, to a caller that proves it can read
 * the nonce file. Unix: a socket in a directory only this user can enter (0700), the socket and
 * the nonce file 0600. Windows: a named pipe with a random name, the nonce in the user's temp.
 *
 * One JSON object per line. Bridge → extension: {nonce, instanceId, regionId, port, targetServer?},
 * later {event: 'end', how}. Extension → bridge: {webSocketUrl, securityToken, sessionId} or {error}.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { l10n } from './l10n';
import type { SessionEnd } from './sessionStream';
import type { TerminalSessionTicket } from './sessionManager';

export interface TicketRequest {
  instanceId: string;
  regionId: string;
  port: number;
  targetServer?: string;
}

export interface ChannelHandlers {
  ticket(req: TicketRequest): Promise<TerminalSessionTicket>;
  /** The bridge's report of how a session ended (sent the moment it knows). */
  ended?(req: TicketRequest, ticket: TerminalSessionTicket, how: SessionEnd): void;
  /**
   * The bridge is gone (its line closed): the session's end even when ssh killed the bridge before
   * it could report, as ssh does to its ProxyCommand when it exits.
   */
  released?(req: TicketRequest, ticket: TerminalSessionTicket): void;
}

export interface SessionChannel {
  /** What the bridge is given (`--channel`): the socket or pipe path. The nonce is at `<path>.nonce`. */
  readonly path: string;
  dispose(): void;
}

/** The directory for channels: one per user, 0700, refused if someone else owns it or can enter it. */
export function channelDirectory(base = os.tmpdir()): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = path.join(base, `alibabacloud-sm-${uid ?? os.userInfo().username}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || (uid !== undefined && (st.uid !== uid || (st.mode & 0o077) !== 0))) {
    throw new Error(l10n.t('{0} is not a private directory of this user; remove it and try again.', dir));
  }
  return dir;
}

const nonceFile = (channelPath: string, dir: string) =>
  process.platform === 'win32' ? path.join(dir, `${path.basename(channelPath)}.nonce`) : `${channelPath}.nonce`;

/** Where the bridge finds the nonce of a channel. */
export function nonceFileOf(channelPath: string): string {
  return nonceFile(channelPath, channelDirectory());
}

function lines(socket: net.Socket, onLine: (value: Record<string, unknown>) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > 64 * 1024) {
      socket.destroy();
      return;
    }
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        onLine(JSON.parse(line) as Record<string, unknown>);
      } catch {
        socket.destroy();
        return;
      }
    }
  });
}

const send = (socket: net.Socket, value: unknown) => socket.write(`${JSON.stringify(value)}\n`);

function asRequest(v: Record<string, unknown>): TicketRequest | undefined {
  const port = Number(v.port);
  if (
    typeof v.instanceId !== 'string' ||
    !/^[\w-]{1,64}$/.test(v.instanceId) ||
    typeof v.regionId !== 'string' ||
    !/^[a-z0-9-]{1,32}$/.test(v.regionId) ||
    !Number.isInteger(port) ||
    port < 1 ||
    port > 65535 ||
    (v.targetServer !== undefined && (typeof v.targetServer !== 'string' || !/^[\w.:-]{1,255}$/.test(v.targetServer)))
  ) {
    return undefined;
  }
  return { instanceId: v.instanceId, regionId: v.regionId, port, targetServer: v.targetServer as string | undefined };
}

/** Opens a channel the extension answers on until disposed. */
export async function openSessionChannel(handlers: ChannelHandlers, dir = channelDirectory()): Promise<SessionChannel> {
  const id = randomBytes(12).toString('hex');
  const channelPath =
    process.platform === 'win32' ? `\\\\.\\pipe\\alibabacloud-sm-${id}` : path.join(dir, `${id.slice(0, 16)}.sock`);
  const nonce = randomBytes(32).toString('base64url');
  const noncePath = nonceFile(channelPath, dir);
  fs.writeFileSync(noncePath, nonce, { mode: 0o600, flag: 'wx' });
  const expected = Buffer.from(nonce);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let pending: { req: TicketRequest; ticket: TerminalSessionTicket } | undefined;
    socket.on('close', () => {
      sockets.delete(socket);
      if (pending) {
        handlers.released?.(pending.req, pending.ticket);
      }
    });
    socket.on('error', () => undefined);
    let asked = false;
    lines(socket, (msg) => {
      if (!asked) {
        asked = true;
        const given = Buffer.from(typeof msg.nonce === 'string' ? msg.nonce : '');
        const req = asRequest(msg);
        if (given.length !== expected.length || !timingSafeEqual(given, expected) || !req) {
          send(socket, { error: 'refused: wrong nonce or malformed request' });
          socket.end();
          return;
        }
        handlers.ticket(req).then(
          (ticket) => {
            pending = { req, ticket };
            send(socket, ticket);
          },
          (e: unknown) => {
            send(socket, { error: e instanceof Error ? e.message : String(e) });
            socket.end();
          },
        );
        return;
      }
      if (msg.event === 'end' && pending && msg.how && typeof msg.how === 'object') {
        handlers.ended?.(pending.req, pending.ticket, msg.how as SessionEnd);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(channelPath, resolve);
  });
  if (process.platform !== 'win32') {
    fs.chmodSync(channelPath, 0o600);
  }
  return {
    path: channelPath,
    dispose: () => {
      sockets.forEach((s) => s.destroy());
      server.close();
      fs.rmSync(noncePath, { force: true });
    },
  };
}

/** The bridge's end: asks for a ticket, and keeps the line open to report how the session ended. */
export async function askForTicket(
  channelPath: string,
  req: TicketRequest,
): Promise<{ ticket: TerminalSessionTicket; report(how: SessionEnd): Promise<void> }> {
  const nonce = fs.readFileSync(nonceFileOf(channelPath), 'utf8').trim();
  const socket = net.connect(channelPath);
  const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(l10n.t('The editor closed the session channel.'))));
    lines(socket, resolve);
    socket.once('connect', () => send(socket, { nonce, ...req }));
  });
  if (typeof answer.error === 'string') {
    socket.destroy();
    throw new Error(answer.error);
  }
  const ticket = answer as unknown as TerminalSessionTicket;
  if (typeof ticket.webSocketUrl !== 'string' || typeof ticket.securityToken !== 'string') {
    socket.destroy();
    throw new Error(l10n.t('The editor answered without a session.'));
  }
  socket.on('error', () => undefined);
  return {
    ticket,
    report: (how) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) {
          return resolve();
        }
        socket.end(`${JSON.stringify({ event: 'end', how })}\n`, () => resolve());
        setTimeout(resolve, 500).unref();
      }),
  };
}
