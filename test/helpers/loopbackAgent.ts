/**
 * An HTTP agent whose every DNS answer is 127.0.0.1. OSS addresses a bucket by host name
 * (`<bucket>.oss-cn-hangzhou.aliyuncs.com`), and the sandbox routes by the Host header, so tests
 * that need real OSS host names in their URLs and signatures send them through this agent: the
 * names are signed and sent, but the connection is made to the sandbox on loopback. The loopback
 * guard (test/loopbackGuard.mjs) checks the resolved address as well, so a request that bypassed
 * this agent would fail rather than leave the machine.
 */
import * as http from 'node:http';
import type { LookupFunction } from 'node:net';

const loopbackLookup = ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) =>
  options?.all
    ? cb(null, [{ address: '127.0.0.1', family: 4 }])
    : cb(null, '127.0.0.1', 4)) as unknown as LookupFunction;

export const loopbackAgent = (options: http.AgentOptions = {}): http.Agent =>
  new http.Agent({ ...options, lookup: loopbackLookup });
