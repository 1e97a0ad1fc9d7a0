/**
 * Session Manager's WebSocket side: the service and the instance's agent in one. A client opens
 * the WebSocketUrl that StartTerminalSession returned; the relay checks the session, then forwards
 * its input frames to the instance's port and the port's output back, as the agent does.
 *
 * The frames are those of the official client (github.com/aliyun/aliyun_assist_client,
 * agent/session/plugin/message/message.go and client.go): a 30-byte little-endian header — message
 * type (uint32: 0 input, 1 output, 2 set_size, 3 close, 5 status), schema version "1.01" (4
 * bytes), a session-id length byte and an instance-id length byte (each followed by that many
 * bytes; clients send 0), created time (uint64 ms), sequence number (int64), payload length
 * (uint32) — then the payload. A status payload is one code byte and its argument: 2 connect
 * failed (text), 5 closed (a reason: Exit, AgentTimeout, InitChannelFailed, OpenChannelFailed,
 * SessionIdDuplicated, ProcessDataError, OpenPtyFailed, FlowExceedLimit), 7 the client's send
 * rate (bits per second, big-endian). The client sends in chunks of at most 2 KB at that rate.
 *
 * The sandbox is never friendlier than the service: URLs expire after 10 minutes, a session idle
 * for 3 minutes is closed, at most 20 connections per instance, output is paced to ~200 KB/s and a
 * client sending faster than its rate is cut off with FlowExceedLimit (realism `sessions`). Input
 * that arrives before the agent has opened the port is dropped, as a real agent starting up does;
 * the official client holds its first bytes back until the first output (or 3 s) for that reason.
 * The relay never runs a shell: a session without PortNumber fails with OpenPtyFailed.
 */
import { timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { realismOf } from '../core/realism';
import { now, type SandboxState } from '../core/state';
import { settleInstances } from './lifecycle';
import { sessionBook, sessionHooks, type TerminalConnection, type TerminalSession } from './terminalSessions';

const FRAME = { input: 0, output: 1, setSize: 2, close: 3, status: 5 } as const;
const STATUS = { connectFailed: 2, closed: 5, sendRate: 7 } as const;
const HEADER = 30;
const CHUNK = 2048;

function frame(type: number, seq: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(HEADER + payload.length);
  b.writeUInt32LE(type, 0);
  b.write('1.01', 4, 'latin1');
  // bytes 8 and 9: no session id, no instance id (as the client writes them)
  b.writeBigUInt64LE(BigInt(Date.now()), 10);
  b.writeBigInt64LE(BigInt(seq), 18);
  b.writeUInt32LE(payload.length, 26);
  payload.copy(b, HEADER);
  return b;
}

interface Parsed {
  type: number;
  version: string;
  seq: number;
  payload: Buffer;
}

function parse(b: Buffer): Parsed | undefined {
  if (b.length < HEADER) {
    return undefined;
  }
  const skip = b[8] + (b[9 + b[8]] ?? 0);
  if (b.length < HEADER + skip) {
    return undefined;
  }
  const length = b.readUInt32LE(26 + skip);
  if (b.length < HEADER + skip + length) {
    return undefined;
  }
  return {
    type: b.readUInt32LE(0),
    version: b.toString('latin1', 4, 8),
    seq: Number(b.readBigInt64LE(18 + skip)),
    payload: b.subarray(HEADER + skip, HEADER + skip + length),
  };
}

const statusFrame = (code: number, arg: Buffer) => Buffer.concat([Buffer.from([code]), arg]);

/** `<instanceId or VPC address>:<port>=127.0.0.1:<localPort>`, as the CLI flag and control route take it. */
export function parseInstancePort(text: string): { key: string; localPort: number } {
  const m = /^([\w.-]+):(\d{1,5})=127\.0\.0\.1:(\d{1,5})$/.exec(text.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535 || Number(m[3]) < 1 || Number(m[3]) > 65535) {
    throw new Error(`"${text}" is not <instanceId>:<port>=127.0.0.1:<localPort>`);
  }
  return { key: `${m[1]}:${Number(m[2])}`, localPort: Number(m[3]) };
}

export interface RelayHost {
  readonly state: SandboxState;
  /** `<instanceId>:<port>` (or `<VPC address>:<port>` for TargetServer) → loopback port. */
  readonly instancePorts: ReadonlyMap<string, number>;
}

class Connection {
  private outSeq = 0;
  private inSeq = 0;
  private tcp?: net.Socket;
  private open = false;
  private queue: Buffer[] = [];
  private queued = 0;
  private outBudget: number;
  private inBudget: number;
  private budgetAt = Date.now();
  private timer?: NodeJS.Timeout;
  private idle?: NodeJS.Timeout;
  private lastData = Date.now();
  private closing = false;

  constructor(
    private readonly ws: WebSocket,
    readonly session: TerminalSession,
    readonly record: TerminalConnection,
    private readonly host: RelayHost,
    private readonly done: () => void,
  ) {
    this.outBudget = this.rate;
    this.inBudget = this.rate;
  }

  private get limits() {
    return realismOf(this.host.state).sessions;
  }

  private get rate(): number {
    return this.limits.bytesPerSecond;
  }

  start(): void {
    this.ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(isBinary ? data : Buffer.from(data)));
    this.ws.on('close', () => this.finish('Terminated', this.record.closedReason ?? 'Exit'));
    this.ws.on('error', () => undefined);
    settleInstances(this.host.state);
    const instance = this.host.state.instances.get(this.session.instanceId);
    if (!instance || instance.status !== 'Running') {
      return this.fail('InstanceNotRunning', 'The instance is not running.');
    }
    if ((instance.cloudAssistant ?? 'running') !== 'running') {
      return this.fail('AgentNotOnline', 'The Cloud Assistant agent of the instance is not online.');
    }
    if (this.session.portNumber === undefined) {
      return this.fail('OpenPtyFailed', 'The sandbox does not run shells; start the session with PortNumber.');
    }
    const key = `${this.session.targetServer ?? this.session.instanceId}:${this.session.portNumber}`;
    const localPort = this.host.instancePorts.get(key);
    // The client learns its send rate first (status 7, bits per second).
    const bps = Buffer.alloc(4);
    bps.writeUInt32BE(Math.min(0xffffffff, this.rate * 8));
    this.send(FRAME.status, statusFrame(STATUS.sendRate, bps));
    this.idle = setInterval(
      () => {
        if (Date.now() - this.lastData >= this.limits.idleMs) {
          // The service's reason for an idle close is not documented; the client shows "Exit".
          this.close('Exit', 'The session was idle for too long.');
        }
      },
      Math.min(1000, Math.max(50, this.limits.idleMs / 4)),
    );
    if (localPort === undefined) {
      return this.fail('OpenChannelFailed', `Nothing listens on port ${this.session.portNumber} of the instance.`);
    }
    const tcp = net.connect(localPort, '127.0.0.1');
    this.tcp = tcp;
    tcp.on('connect', () => {
      this.open = true;
      this.record.status = 'Connected';
    });
    tcp.on('data', (d) => {
      this.lastData = Date.now();
      this.queue.push(d);
      this.queued += d.length;
      if (this.queued > 256 * 1024) {
        tcp.pause();
      }
      this.pump();
    });
    tcp.on('error', () => {
      if (!this.open) {
        this.fail('OpenChannelFailed', `Connection to port ${this.session.portNumber} was refused.`);
      }
    });
    tcp.on('close', () => {
      this.tcpClosed = true;
      this.pump();
    });
  }

  private tcpClosed = false;

  private refill(): void {
    const t = Date.now();
    const add = ((t - this.budgetAt) / 1000) * this.rate;
    this.budgetAt = t;
    // One second's worth of burst in either direction.
    this.outBudget = Math.min(this.rate, this.outBudget + add);
    this.inBudget = Math.min(this.rate, this.inBudget + add);
  }

  /** Sends queued output in ≤ 2 KB frames no faster than the rate. */
  private pump(): void {
    if (this.timer || this.closing) {
      return;
    }
    this.refill();
    while (this.queue.length && this.outBudget >= Math.min(CHUNK, this.queued)) {
      const head = this.queue[0];
      const n = Math.min(CHUNK, head.length);
      this.send(FRAME.output, head.subarray(0, n));
      this.outBudget -= n;
      this.queued -= n;
      if (n === head.length) {
        this.queue.shift();
      } else {
        this.queue[0] = head.subarray(n);
      }
    }
    if (this.queued < 64 * 1024) {
      this.tcp?.resume();
    }
    if (this.queue.length) {
      // Wake when a few frames are due, not per frame.
      const want = Math.min(8 * CHUNK, this.queued, this.rate / 4);
      const wait = ((want - this.outBudget) / this.rate) * 1000;
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.pump();
        },
        Math.max(1, Math.ceil(wait)),
      );
    } else if (this.tcpClosed) {
      this.close('Exit', 'The instance closed the connection.');
    }
  }

  private onMessage(data: Buffer): void {
    if (this.closing) {
      return;
    }
    const m = parse(data);
    if (!m || m.version !== '1.01' || m.seq !== this.inSeq) {
      return this.close('ProcessDataError', 'A frame was malformed or out of sequence.');
    }
    this.inSeq++;
    if (m.type === FRAME.close) {
      return this.close('Exit', 'The client closed the session.');
    }
    if (m.type !== FRAME.input) {
      return; // set_size: no terminal here
    }
    this.lastData = Date.now();
    this.refill();
    this.inBudget -= m.payload.length;
    if (m.payload.length > CHUNK || this.inBudget < -this.rate) {
      return this.close('FlowExceedLimit', 'The client sent faster than the session allows.');
    }
    if (this.open) {
      this.tcp!.write(m.payload);
    }
    // else: the agent has not opened the port yet; the bytes are lost, as on a real instance.
  }

  private send(type: number, payload: Buffer): void {
    if (this.ws.readyState === this.ws.OPEN) {
      this.ws.send(frame(type, this.outSeq++, payload));
    }
  }

  private fail(reason: string, detail: string): void {
    this.record.status = 'Failed';
    this.record.failedDetail = detail;
    this.close(reason, detail);
  }

  /** Closes with a reason: status frame 5, then the WebSocket. */
  close(reason: string, detail?: string): void {
    if (this.closing) {
      return;
    }
    this.closing = true;
    this.record.closedReason = reason;
    if (detail && this.record.status !== 'Failed') {
      this.record.failedDetail = undefined;
    }
    this.send(FRAME.status, statusFrame(STATUS.closed, Buffer.from(reason, 'latin1')));
    this.ws.close(1000);
    this.finish(this.record.status === 'Failed' ? 'Failed' : 'Terminated', reason);
  }

  private finish(status: 'Terminated' | 'Failed', reason: string): void {
    clearTimeout(this.timer);
    clearInterval(this.idle);
    this.tcp?.destroy();
    if (!this.record.endTime) {
      this.record.status = this.record.status === 'Failed' ? 'Failed' : status;
      this.record.closedReason ??= reason;
      this.record.endTime = now(this.host.state);
    }
    this.done();
  }
}

/** Live connections per sandbox state (EndTerminalSession and the control route close them). */
const live = new WeakMap<SandboxState, Set<Connection>>();

sessionHooks.onEnd = (state, session, reason) => {
  for (const c of live.get(state) ?? []) {
    if (c.session === session) {
      c.close(reason);
    }
  }
};

/** Closes live connections (of one session or instance, or all) with a reason: the control route. */
export function closeSessions(
  state: SandboxState,
  reason: string,
  filter: { sessionId?: string; instanceId?: string },
) {
  let n = 0;
  for (const c of [...(live.get(state) ?? [])]) {
    if (
      (!filter.sessionId || c.session.sessionId === filter.sessionId) &&
      (!filter.instanceId || c.session.instanceId === filter.instanceId)
    ) {
      c.close(reason);
      n++;
    }
  }
  return n;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Forbidden'}\r\n` +
      `content-type: text/plain\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Serves `GET /session` upgrades of `server`. */
export function sessionRelay(host: RelayHost) {
  // ws loads with the first session, not with every sandbox.
  let server: WebSocketServer | undefined;
  const wss = () =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (server ??= new (require('ws') as typeof import('ws')).WebSocketServer({ noServer: true, maxPayload: 64 * 1024 }));
  return {
    handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
      const url = new URL(req.url ?? '/', 'ws://sandbox');
      if (url.pathname !== '/session') {
        return refuse(socket, 404, 'no WebSocket service here\n');
      }
      // The official client rewrites "sessionid" to "sessionId"; accept both spellings.
      const id = url.searchParams.get('sessionId') ?? url.searchParams.get('sessionid') ?? '';
      const token = String(req.headers['x-acs-session-token'] || url.searchParams.get('token') || '');
      const book = sessionBook(host.state);
      const session = book.sessions.get(id);
      if (!session || !token || !sameSecret(token, session.securityToken)) {
        return refuse(socket, 401, 'unknown session or wrong token\n');
      }
      if (session.ended || now(host.state) > session.urlExpiresAt) {
        return refuse(socket, 403, 'the session URL has expired or the session was ended\n');
      }
      const connected = [...book.sessions.values()]
        .filter((s) => s.instanceId === session.instanceId)
        .flatMap((s) => s.connections)
        .filter((c) => c.status === 'Connecting' || c.status === 'Connected').length;
      wss().handleUpgrade(req, socket, head, (ws) => {
        const record: TerminalConnection = { status: 'Connecting', startTime: now(host.state), clientIp: '127.0.0.1' };
        session.connections.push(record);
        if (connected >= realismOf(host.state).sessions.perInstance) {
          record.status = 'Failed';
          record.failedDetail = 'The instance has too many connected sessions.';
          record.endTime = now(host.state);
          ws.send(frame(FRAME.status, 0, statusFrame(STATUS.connectFailed, Buffer.from(record.failedDetail))));
          ws.close(1000);
          return;
        }
        const set = live.get(host.state) ?? new Set<Connection>();
        live.set(host.state, set);
        const c: Connection = new Connection(ws, session, record, host, () => set.delete(c));
        set.add(c);
        c.start();
      });
    },
    close(): void {
      closeSessions(host.state, 'Exit', {});
      server?.close();
    },
  };
}
