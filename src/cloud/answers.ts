/**
 * What the server answered during one API call, for the failures the SDKs lose it in: openapi-core
 * runs JSON.parse on an error body before it reads anything else, so a 500 with an empty body (a
 * gateway or proxy failing in front of the API) surfaces as a bare "Unexpected end of JSON input",
 * without status or request id. Node announces every HTTP response on a diagnostics channel; an
 * AsyncLocalStorage ties it to the call that sent the request. Nothing is read from the body.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as dc from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';

export interface Answer {
  status: number;
  contentType?: string;
  /** From Content-Length, when the server sent one. */
  contentLength?: number;
  requestId?: string;
}

/** The last answer seen within a call (the last attempt's, with retries). */
export interface AnswerLog {
  last?: Answer;
}

const current = new AsyncLocalStorage<AnswerLog>();
const owners = new WeakMap<object, AnswerLog>();
let listening = false;

function listen(): void {
  if (listening) {
    return;
  }
  listening = true;
  dc.subscribe('http.client.request.start', (m) => {
    const log = current.getStore();
    if (log) {
      owners.set((m as { request: object }).request, log);
    }
  });
  dc.subscribe('http.client.response.finish', (m) => {
    const { request, response } = m as { request: object; response: IncomingMessage };
    const log = owners.get(request);
    if (!log) {
      return;
    }
    const h = response.headers;
    const length = h['content-length'] !== undefined ? Number(h['content-length']) : undefined;
    const id = h['x-acs-request-id'] ?? h['x-oss-request-id'];
    log.last = {
      status: response.statusCode ?? 0,
      contentType: h['content-type'],
      contentLength: Number.isFinite(length) ? length : undefined,
      requestId: (Array.isArray(id) ? id[0] : id) || undefined,
    };
  });
}

/** Runs `fn` with the HTTP answers it receives recorded into `log`. */
export function recordingAnswers<T>(log: AnswerLog, fn: () => Promise<T>): Promise<T> {
  listen();
  log.last = undefined;
  return current.run(log, fn);
}
