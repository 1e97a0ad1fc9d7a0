/** The request/response shapes every sandbox service handler works with. */
import type { IncomingHttpHeaders } from 'node:http';

export interface SandboxRequest {
  method: string;
  /** Path without the query string, percent-decoding left to the handler. */
  rawPath: string;
  /** Raw query string (no leading ?) so signatures can be recomputed exactly. */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Client address, for the acs:SourceIp condition key. */
  remoteAddress?: string;
  /** The TCP ports of the connection (absent for requests the sandbox makes to itself). */
  remotePort?: number;
  localPort?: number;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Pieces (jsonPieces) are written one after another, with their total as Content-Length. */
  body?: string | Buffer | Buffer[];
  /** Drop the connection without answering (fault "down"). */
  destroy?: boolean;
}

export function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
}

export function requestId(): string {
  const hex = () =>
    Math.floor(Math.random() * 16)
      .toString(16)
      .toUpperCase();
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-${part(4)}-${part(4)}-${part(12)}`;
}

/**
 * A value's JSON text made earlier (a kept answer row): jsonPieces writes it as is. Anything else
 * that serialises it gets the value back through toJSON.
 */
export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** Pieces of about this size: below V8's large-object threshold (128 KB), so never a fresh mapping. */
const PIECE_CHARS = 16 * 1024;

/**
 * `JSON.stringify(value)` as UTF-8 pieces of about 16 KB, the same bytes. A page of 100
 * instances is about 170 KB of JSON: as one string it lands in V8's large-object space, and
 * flattening it, measuring it and encoding it for the socket cost the sandbox more than building
 * the answer (fresh mappings are slow on the shared 2-core machines). Plain objects are walked
 * here; each array element, and anything else, is stringified natively.
 */
export function jsonPieces(value: unknown): Buffer[] {
  const pieces: Buffer[] = [];
  let current = '';
  const put = (s: string) => {
    current += s;
    if (current.length >= PIECE_CHARS) {
      pieces.push(Buffer.from(current));
      current = '';
    }
  };
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      put('[');
      v.forEach((e, i) => {
        put(`${i ? ',' : ''}${e instanceof JsonText ? e.text : ((JSON.stringify(e) as string | undefined) ?? 'null')}`);
      });
      put(']');
      return;
    }
    if (v !== null && typeof v === 'object' && isPlain(v)) {
      put('{');
      let first = true;
      for (const [k, x] of Object.entries(v)) {
        // JSON.stringify leaves such members out.
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') {
          continue;
        }
        put(`${first ? '' : ','}${JSON.stringify(k)}:`);
        first = false;
        walk(x);
      }
      put('}');
      return;
    }
    put((JSON.stringify(v) as string | undefined) ?? '');
  };
  walk(value);
  if (current) {
    pieces.push(Buffer.from(current));
  }
  return pieces;
}

/** An object JSON.stringify writes member by member (no toJSON of its own, as a Date has). */
const isPlain = (v: object) => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
};
