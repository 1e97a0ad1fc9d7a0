/**
 * RAM Condition blocks: `{ Operator: { key: value | value[] } }`.
 *
 * - Values listed under one key are OR'ed; keys under an operator and the operators themselves are AND'ed.
 * - Condition key names are case-insensitive (`acs:SourceIp` = `acs:sourceip`); operator names are
 *   accepted case-insensitively too (lint flags the wrong case).
 * - Missing context key: a positive operator is false. A negated operator (StringNotEquals,
 *   StringNotEqualsIgnoreCase, StringNotLike, NumericNotEquals, DateNotEquals, NotIpAddress) is
 *   defined as the exact negation of its positive twin, so it is TRUE when the key is missing
 *   ("the value is not in the list"). This is the IAM-family convention, and it keeps the common
 *   guard `Deny … NotIpAddress acs:SourceIp <corp range>` fail-closed when the key is absent.
 * - A multi-valued context key matches a positive operator if any of its values matches; a negated
 *   operator only if none does.
 * - An unknown operator makes the condition false (the statement does not apply); lint reports it.
 */
import type { ConditionBlock, ConditionValue } from './types';
import { matchWildcard } from './match';

export type RequestContext = Record<string, string | string[] | undefined>;

type Test = (ctx: string, policy: string) => boolean;

const num = (s: string): number => (s.trim() === '' ? NaN : Number(s));
/** ISO 8601 (what acs:CurrentTime carries) or epoch seconds. */
export function parseDate(s: string): number {
  return /^\d+$/.test(s.trim()) ? Number(s) * 1000 : Date.parse(s);
}
const cmp =
  (parse: (s: string) => number, ok: (a: number, b: number) => boolean): Test =>
  (c, p) => {
    const a = parse(c);
    const b = parse(p);
    return !Number.isNaN(a) && !Number.isNaN(b) && ok(a, b);
  };

const eq = (a: number, b: number) => a === b;
const lt = (a: number, b: number) => a < b;
const le = (a: number, b: number) => a <= b;
const gt = (a: number, b: number) => a > b;
const ge = (a: number, b: number) => a >= b;

interface OperatorDef {
  test: Test;
  negated: boolean;
}

const positive: Record<string, Test> = {
  StringEquals: (c, p) => c === p,
  StringEqualsIgnoreCase: (c, p) => c.toLowerCase() === p.toLowerCase(),
  StringLike: (c, p) => matchWildcard(p, c),
  NumericEquals: cmp(num, eq),
  NumericLessThan: cmp(num, lt),
  NumericLessThanEquals: cmp(num, le),
  NumericGreaterThan: cmp(num, gt),
  NumericGreaterThanEquals: cmp(num, ge),
  DateEquals: cmp(parseDate, eq),
  DateLessThan: cmp(parseDate, lt),
  DateLessThanEquals: cmp(parseDate, le),
  DateGreaterThan: cmp(parseDate, gt),
  DateGreaterThanEquals: cmp(parseDate, ge),
  Bool: (c, p) => ['true', 'false'].includes(p.toLowerCase()) && c.toLowerCase() === p.toLowerCase(),
  IpAddress: (c, p) => ipInRange(c, p),
};

const OPERATORS: Record<string, OperatorDef> = {
  ...Object.fromEntries(Object.entries(positive).map(([k, test]) => [k, { test, negated: false }])),
  StringNotEquals: { test: positive.StringEquals, negated: true },
  StringNotEqualsIgnoreCase: { test: positive.StringEqualsIgnoreCase, negated: true },
  StringNotLike: { test: positive.StringLike, negated: true },
  NumericNotEquals: { test: positive.NumericEquals, negated: true },
  DateNotEquals: { test: positive.DateEquals, negated: true },
  NotIpAddress: { test: positive.IpAddress, negated: true },
};

/** Every operator RAM documents, in canonical spelling. */
export const CONDITION_OPERATORS: readonly string[] = Object.keys(OPERATORS);
const byLower = new Map(CONDITION_OPERATORS.map((o) => [o.toLowerCase(), o]));

/** Canonical spelling of an operator name, or undefined if unknown. */
export function canonicalOperator(name: string): string | undefined {
  return byLower.get(name.toLowerCase());
}

export interface ConditionFailure {
  operator: string;
  key: string;
  reason: 'unknown-operator' | 'missing-key' | 'mismatch';
}

function contextValues(ctx: RequestContext, key: string): string[] {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(ctx)) {
    if (k.toLowerCase() === lower && v !== undefined) {
      return Array.isArray(v) ? v : [v];
    }
  }
  return [];
}

function policyValues(v: unknown): string[] {
  const list = Array.isArray(v) ? v : [v];
  return list.filter((x): x is ConditionValue => ['string', 'number', 'boolean'].includes(typeof x)).map(String);
}

/** The first condition that fails, or undefined when the whole block holds (or is absent). */
export function checkConditions(
  block: ConditionBlock | undefined,
  ctx: RequestContext = {},
): ConditionFailure | undefined {
  if (!block || typeof block !== 'object') {
    return undefined;
  }
  for (const [opName, keys] of Object.entries(block)) {
    const name = canonicalOperator(opName);
    const op = name ? OPERATORS[name] : undefined;
    if (!op) {
      return { operator: opName, key: '', reason: 'unknown-operator' };
    }
    for (const [key, raw] of Object.entries(keys ?? {})) {
      const actual = contextValues(ctx, key);
      const wanted = policyValues(raw);
      const hit = actual.some((c) => wanted.some((p) => op.test(c, p)));
      if (op.negated ? hit : !hit) {
        return { operator: opName, key, reason: actual.length === 0 ? 'missing-key' : 'mismatch' };
      }
    }
  }
  return undefined;
}

// ---- IP addresses (IPv4 and IPv6, plain or CIDR), as bigints so both families share one path.

interface Ip {
  bits: 32 | 128;
  n: bigint;
}

function parseIpv4(s: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) {
    return undefined;
  }
  let n = 0n;
  for (const part of m.slice(1)) {
    const b = Number(part);
    if (b > 255) {
      return undefined;
    }
    n = (n << 8n) | BigInt(b);
  }
  return n;
}

function parseIpv6(s: string): bigint | undefined {
  const halves = s.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) {
    return undefined;
  }
  const all = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) {
      return undefined;
    }
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

export function parseIp(s: string): Ip | undefined {
  const t = s.trim();
  const v4 = parseIpv4(t);
  if (v4 !== undefined) {
    return { bits: 32, n: v4 };
  }
  const v6 = t.includes(':') ? parseIpv6(t) : undefined;
  return v6 === undefined ? undefined : { bits: 128, n: v6 };
}

/** `10.0.0.0/8`, `192.168.1.7` (a /32), `2001:db8::/32`. */
export function parseCidr(s: string): { ip: Ip; prefix: number } | undefined {
  const [addr, len, extra] = s.trim().split('/');
  const ip = parseIp(addr);
  if (!ip || extra !== undefined) {
    return undefined;
  }
  const prefix = len === undefined ? ip.bits : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= ip.bits)) {
    return undefined;
  }
  return { ip, prefix };
}

export function ipInRange(ip: string, cidr: string): boolean {
  const a = parseIp(ip);
  const range = parseCidr(cidr);
  if (!a || !range || a.bits !== range.ip.bits) {
    return false;
  }
  const shift = BigInt(a.bits - range.prefix);
  return a.n >> shift === range.ip.n >> shift;
}
