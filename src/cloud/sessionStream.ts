/**
 * The client end of a Session Manager WebSocket: a byte stream to a port of an instance.
 *
 * Wire format, read from the official client (github.com/aliyun/aliyun_assist_client,
 * agent/session/plugin/message/message.go and client.go; our own code): binary frames with a
 * 30-byte little-endian header — uint32 message type (0 input, 1 output, 2 set_size, 3 close,
 * 5 status), 4 bytes of schema version "1.01", one length byte each for a session id and an
 * instance id (0 from a client; a server's bytes are skipped), uint64 created time (ms), int64
 * sequence number (from 0, one per frame sent), uint32 payload length — then the payload.
 * A status payload is a code byte and its argument: 2 connect failed (text), 5 closed (a reason
 * word), 7 our send rate (bits per second, big-endian). The client sends in chunks of ≤ 2 KB no
 * faster than that rate (200 kbit/s until told) and holds its first bytes back until the agent has
 * answered or 3 s have passed: input that reaches the agent before it has opened the port is lost.
 * The token goes in the `x-acs-session-token` header, as the official client sends it.
 */
import type { Readable, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { l10n } from './l10n';

const TYPE = { input: 0, output: 1, close: 3, status: 5 } as const;
const HEADER_BYTES = 30;
export const MAX_CHUNK = 2048;
const BATCH = 8 * MAX_CHUNK;
/** The official client's default before a rate frame arrives: 200 kbit/s. */
const DEFAULT_BYTES_PER_SECOND = (200 * 1024) / 8;
const START_HOLD_MS = 3000;

export function encodeFrame(type: number, sequence: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32LE(type, 0);
  out.write('1.01', 4, 4, 'latin1');
  out[8] = 0;
  out[9] = 0;
  out.writeBigUInt64LE(BigInt(Date.now()), 10);
  out.writeBigInt64LE(BigInt(sequence), 18);
  out.writeUInt32LE(payload.length, 26);
  out.set(payload, HEADER_BYTES);
  return out;
}

export interface Frame {
  type: number;
  sequence: number;
  payload: Buffer;
}

export function decodeFrame(data: Buffer): Frame | undefined {
  if (data.length < HEADER_BYTES) {
    return undefined;
  }
  const ids = data[8] + (data[9 + data[8]] ?? 0);
  if (data.length < HEADER_BYTES + ids) {
    return undefined;
  }
  const length = data.readUInt32LE(26 + ids);
  const start = HEADER_BYTES + ids;
  if (data.length < start + length) {
    return undefined;
  }
  return {
    type: data.readUInt32LE(0),
    sequence: Number(data.readBigInt64LE(18 + ids)),
    payload: data.subarray(start, start + length),
  };
}

/** How a session ended, in the service's words: a close reason (status 5) or a failed connect (status 2). */
export type SessionEnd =
  | { kind: 'closed'; reason: string }
  | { kind: 'connectFailed'; detail: string }
  | { kind: 'refused'; httpStatus: number }
  | { kind: 'lost'; detail: string }
  | { kind: 'done' };

export interface SessionStreamEvents {
  data(chunk: Buffer): void;
  /** Once, when the session is over. */
  end(how: SessionEnd): void;
  /** The service's send-rate frame (bytes per second). */
  rate?(bytesPerSecond: number): void;
}

/** A paced, framed byte stream over one WebSocketUrl. */
export class SessionStream {
  private readonly ws: WebSocket;
  private sequence = 0;
  private bytesPerSecond = DEFAULT_BYTES_PER_SECOND;
  private budget = 0;
  private budgetAt = Date.now();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private timer?: NodeJS.Timeout;
  private started = false;
  private ended = false;
  private closeAfterFlush = false;
  private readonly holdTimer: NodeJS.Timeout;

  constructor(
    url: string,
    token: string,
    private readonly on: SessionStreamEvents,
  ) {
    // ws loads with the first session, not with the module (the extension host imports this lazily).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WebSocket: Client } = require('ws') as typeof import('ws');
    this.ws = new Client(url, { headers: { 'x-acs-session-token': token }, perMessageDeflate: false });
    this.ws.on('open', () => this.pump());
    this.ws.on('message', (d: Buffer) => this.onFrame(d));
    this.ws.on('unexpected-response', (_req, res) => this.finish({ kind: 'refused', httpStatus: res.statusCode ?? 0 }));
    this.ws.on('error', (e) => this.finish({ kind: 'lost', detail: e.message }));
    this.ws.on('close', () => this.finish({ kind: 'done' }));
    this.holdTimer = setTimeout(() => this.begin(), START_HOLD_MS);
  }

  /** Bytes waiting to be sent (the caller stops reading its source above a limit). */
  get backlog(): number {
    return this.pendingBytes + this.ws.bufferedAmount;
  }

  write(data: Buffer): void {
    if (this.ended || !data.length) {
      return;
    }
    this.pending.push(data);
    this.pendingBytes += data.length;
    this.pump();
  }

  /** Sends the close frame after what is queued, then closes. */
  end(): void {
    this.closeAfterFlush = true;
    this.pump();
  }

  /** Closes at once (no flush). */
  destroy(): void {
    this.finish({ kind: 'done' });
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  private begin(): void {
    clearTimeout(this.holdTimer);
    if (!this.started) {
      this.started = true;
      this.budgetAt = Date.now();
      this.pump();
    }
  }

  private onFrame(raw: Buffer): void {
    const f = decodeFrame(raw);
    if (!f) {
      return this.finish({ kind: 'lost', detail: l10n.t('A malformed frame came from the service.') });
    }
    if (f.type === TYPE.output) {
      this.begin();
      this.on.data(f.payload);
      return;
    }
    if (f.type !== TYPE.status || !f.payload.length) {
      return;
    }
    const code = f.payload[0];
    const arg = f.payload.subarray(1);
    if (code === 7 && arg.length >= 1 && arg.length <= 4) {
      const bps = arg.readUIntBE(0, arg.length);
      if (bps > 0) {
        this.bytesPerSecond = bps / 8;
        this.on.rate?.(this.bytesPerSecond);
      }
    } else if (code === 5) {
      const reason = arg.toString('latin1').trim() || 'Exit';
      // "Exit" after our own close frame is the service agreeing, not a failure.
      this.finish(reason === 'Exit' && this.closeAfterFlush ? { kind: 'done' } : { kind: 'closed', reason });
    } else if (code === 2) {
      this.finish({ kind: 'connectFailed', detail: arg.toString('utf8') });
    }
  }

  private send(type: number, payload: Uint8Array): void {
    if (this.ws.readyState === this.ws.OPEN) {
      this.ws.send(encodeFrame(type, this.sequence++, payload));
    }
  }

  /** Sends ≤ 2 KB frames while the budget allows; a quarter second of burst at most. */
  private pump(): void {
    if (this.timer || this.ended || this.ws.readyState !== this.ws.OPEN || !this.started) {
      return;
    }
    const now = Date.now();
    this.budget = Math.min(this.bytesPerSecond / 4, this.budget + ((now - this.budgetAt) / 1000) * this.bytesPerSecond);
    this.budgetAt = now;
    while (this.pendingBytes && this.budget >= Math.min(MAX_CHUNK, this.pendingBytes)) {
      const head = this.pending[0];
      const n = Math.min(MAX_CHUNK, head.length);
      this.send(TYPE.input, head.subarray(0, n));
      this.budget -= n;
      this.pendingBytes -= n;
      if (n === head.length) {
        this.pending.shift();
      } else {
        this.pending[0] = head.subarray(n);
      }
    }
    if (this.pendingBytes) {
      // Wake when a few frames' worth is due, not per frame: fewer timers, same average rate.
      const want = Math.min(BATCH, this.pendingBytes, this.bytesPerSecond / 4);
      const wait = ((want - this.budget) / this.bytesPerSecond) * 1000;
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.pump();
        },
        Math.max(1, Math.ceil(wait)),
      );
    } else if (this.closeAfterFlush) {
      this.send(TYPE.close, Buffer.from('1'));
      this.ws.close(1000);
    }
  }

  private finish(how: SessionEnd): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    clearTimeout(this.timer);
    clearTimeout(this.holdTimer);
    if (this.ws.readyState === this.ws.OPEN) {
      this.ws.close(1000);
    } else if (this.ws.readyState === this.ws.CONNECTING) {
      this.ws.terminate();
    }
    this.on.end(how);
  }
}

/**
 * Joins a session to a byte stream (ssh's stdin/stdout, a forwarded socket) with backpressure both
 * ways: the WebSocket is paused while `output` drains, `input` while the paced backlog is high.
 */
export function pipeSession(
  ticket: { webSocketUrl: string; securityToken: string },
  input: Readable,
  output: Writable,
  end: (how: SessionEnd) => void,
  highWater = 1024 * 1024,
): SessionStream {
  let draining = false;
  let waiting: NodeJS.Timeout | undefined;
  const stream = new SessionStream(ticket.webSocketUrl, ticket.securityToken, {
    data: (chunk) => {
      if (!output.write(chunk) && !draining) {
        draining = true;
        stream.pause();
        output.once('drain', () => {
          draining = false;
          stream.resume();
        });
      }
    },
    end: (how) => {
      clearInterval(waiting);
      input.pause();
      end(how);
    },
  });
  input.on('data', (d: Buffer) => {
    stream.write(d);
    if (stream.backlog > highWater && !waiting) {
      input.pause();
      waiting = setInterval(() => {
        if (stream.backlog < highWater / 4) {
          clearInterval(waiting);
          waiting = undefined;
          input.resume();
        }
      }, 5);
    }
  });
  input.on('end', () => stream.end());
  return stream;
}
