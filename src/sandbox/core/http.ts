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
  body?: string | Buffer;
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
