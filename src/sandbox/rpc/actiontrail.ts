/**
 * ActionTrail 2020-07-06: LookupEvents over the trail core/trail.ts records.
 *
 * "ActionTrail:LookupEvents" (alibabacloud.com/help/en/actiontrail/developer-reference/api-actiontrail-2020-07-06-lookupevents):
 * StartTime/EndTime in ISO-8601 UTC, MaxResults 0–50, NextToken with the same parameters as the
 * call before, events of the last 90 days, at most twice per second. "How do I configure the
 * LookupAttribute parameter" (alibabacloud.com/help/en/actiontrail/support/how-to-set-the-lookupattribute-parameter):
 * one or two conditions ANDed, exact and case-sensitive, the second wins when both name the same
 * key, conditions past the second ignored. OSS data events never appear (core/trail.ts).
 * The 30-day span per query is the console's and the limit; its error code and the
 * defaults are guesses (docs/SANDBOX.md "Deliberate guesses").
 */
import { createHash } from 'node:crypto';
import { SandboxError } from '../core/errors';
import { publicEvent, TRAIL_HORIZON_MS, trailOf, type TrailEvent } from '../core/trail';
import type { RpcAction, RpcContext, RpcProduct } from './product';

const DAY = 86_400_000;
export const LOOKUP_MAX_SPAN_MS = 30 * DAY;
export const LOOKUP_MAX_RESULTS = 50;
const DEFAULT_SPAN_MS = 7 * DAY;
const DEFAULT_RESULTS = 20;
/** "at most twice per second" per account. */
export const LOOKUP_PER_SECOND = 2;

const invalid = (name: string, why: string) =>
  new SandboxError('InvalidParameter', 400, `The specified parameter "${name}" is not valid: ${why}.`);

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function time(ctx: RpcContext, name: string): number | undefined {
  const v = ctx.params.str(name);
  if (v === undefined || v === '') {
    return undefined;
  }
  if (!ISO_UTC.test(v) || Number.isNaN(Date.parse(v))) {
    throw invalid(name, 'use ISO-8601 UTC, e.g. 2024-01-01T00:00:00Z');
  }
  return Date.parse(v);
}

type Matcher = (e: TrailEvent) => boolean;

const ATTRIBUTES: Record<string, (v: string) => Matcher> = {
  ServiceName: (v) => (e) => e.serviceName === v,
  EventName: (v) => (e) => e.eventName === v,
  User: (v) => (e) => e.userIdentity.userName === v,
  EventId: (v) => (e) => e.eventId === v,
  ResourceType: (v) => (e) => e.resourceType === v,
  ResourceName: (v) => (e) =>
    (e.resourceName ?? '').split(';').includes(v) ||
    Object.values(e.referencedResources ?? {}).some((names) => names.includes(v)),
  EventRW: (v) => (e) => e.eventRW === v,
  EventAccessKeyId: (v) => (e) => e.userIdentity.accessKeyId === v,
  SourceIpAddress: (v) => (e) => e.sourceIpAddress === v,
  EventType: (v) => (e) => e.eventType === v,
  RoleName: (v) => (e) => e.roleName === v,
};

function conditions(ctx: RpcContext): Matcher[] {
  const byKey = new Map<string, string>();
  for (const { Key, Value } of ctx.params.objects('LookupAttribute').slice(0, 2)) {
    if (!Key || !(Key in ATTRIBUTES)) {
      throw invalid('LookupAttribute.N.Key', `unknown key ${String(Key).slice(0, 64)}`);
    }
    byKey.set(Key, Value ?? '');
  }
  return [...byKey].map(([k, v]) => ATTRIBUTES[k](v));
}

/** Wall-clock times of the account's recent LookupEvents calls (the throttle's window). */
const recentCalls = new WeakMap<object, number[]>();

function throttle(ctx: RpcContext): void {
  const wall = Date.now();
  const calls = (recentCalls.get(ctx.state) ?? []).filter((t) => wall - t < 1000);
  if (calls.length >= LOOKUP_PER_SECOND) {
    recentCalls.set(ctx.state, calls);
    // The gateway's flow-control answer every POP product shares.
    throw new SandboxError('Throttling.User', 400, 'Request was denied due to user flow control.');
  }
  calls.push(wall);
  recentCalls.set(ctx.state, calls);
}

interface Token {
  o: number;
  f: string;
}

function lookupEvents(ctx: RpcContext) {
  throttle(ctx);
  const nowMs = ctx.now();
  const end = time(ctx, 'EndTime') ?? nowMs;
  const start = time(ctx, 'StartTime') ?? end - DEFAULT_SPAN_MS;
  if (start > end) {
    throw invalid('StartTime', 'it is after EndTime');
  }
  if (end - start > LOOKUP_MAX_SPAN_MS) {
    throw invalid('EndTime', 'a query spans at most 30 days');
  }
  if (start < nowMs - TRAIL_HORIZON_MS - 60_000) {
    throw invalid('StartTime', 'events are kept for 90 days');
  }
  const max =
    ctx.params.int('MaxResults', {
      min: 0,
      max: LOOKUP_MAX_RESULTS,
      invalid: () => invalid('MaxResults', 'valid values are 0 to 50'),
    }) || DEFAULT_RESULTS;
  const match = conditions(ctx);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(ctx.params.entries().filter(([k]) => k !== 'NextToken' && k !== 'MaxResults')))
    .digest('base64url')
    .slice(0, 16);
  // Absolute position in the trail (oldest first): live events appended meanwhile do not move it.
  let from = Number.POSITIVE_INFINITY;
  const raw = ctx.params.str('NextToken');
  if (raw) {
    let t: Token | undefined;
    try {
      t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Token;
    } catch {
      t = undefined;
    }
    if (!t || typeof t.o !== 'number' || t.f !== fingerprint) {
      throw invalid('NextToken', 'it belongs to a request with other parameters');
    }
    from = t.o;
  }
  // Newest first, as the console and the API list them.
  const trail = trailOf(ctx.state);
  const page: TrailEvent[] = [];
  let i = Math.min(trail.length - 1, from);
  let more = false;
  for (; i >= 0; i--) {
    const e = trail[i];
    if (e.at > end) {
      continue;
    }
    if (e.at < start) {
      break;
    }
    if (e.data || !match.every((m) => m(e))) {
      continue;
    }
    if (page.length === max) {
      more = true;
      break;
    }
    page.push(e);
  }
  const next = more ? Buffer.from(JSON.stringify({ o: i, f: fingerprint })).toString('base64url') : '';
  return {
    Events: page.map(publicEvent),
    NextToken: next,
    StartTime: new Date(start).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    EndTime: new Date(end).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/**
 * What an AccessKey was last used for: "GetAccessKeyLastUsedProducts" and "…Resources"
 * (alibabacloud.com/help/en/actiontrail/developer-reference/api-actiontrail-2020-07-06-getaccesskeylastusedproducts,
 * …-getaccesskeylastusedresources): per service, and per resource of one service (PageSize 0–100,
 * default 20, NextToken), each with UsedTimestamp (ms) and the event as a JSON string in Detail.
 * Management events only, as `Source: ManagementEvent` says.
 */
function keyEvents(ctx: RpcContext): TrailEvent[] {
  const key = ctx.params.required('AccessKey');
  return trailOf(ctx.state).filter((e) => !e.data && e.userIdentity.accessKeyId === key);
}

const detail = (e: TrailEvent) => JSON.stringify(publicEvent(e));

function lastUsedProducts(ctx: RpcContext) {
  const latest = new Map<string, TrailEvent>();
  for (const e of keyEvents(ctx)) {
    latest.set(e.serviceName, e);
  }
  return {
    Products: [...latest.values()].map((e) => ({
      ServiceName: e.serviceName,
      ServiceNameEn: e.serviceName,
      UsedTimestamp: e.at,
      Source: 'ManagementEvent',
      Detail: detail(e),
    })),
  };
}

function lastUsedResources(ctx: RpcContext) {
  const service = ctx.params.required('ServiceName');
  const size =
    ctx.params.int('PageSize', { min: 0, max: 100, invalid: () => invalid('PageSize', 'valid values are 0 to 100') }) ||
    20;
  const latest = new Map<string, { name: string; type: string; e: TrailEvent }>();
  for (const e of keyEvents(ctx).filter((x) => x.serviceName === service)) {
    const names = e.resourceName
      ? e.resourceName.split(';').map((n) => ({ name: n, type: e.resourceType ?? '' }))
      : Object.entries(e.referencedResources ?? {}).flatMap(([type, list]) => list.map((name) => ({ name, type })));
    for (const r of names) {
      latest.set(`${r.type}|${r.name}`, { ...r, e });
    }
  }
  const all = [...latest.values()].sort((a, b) => b.e.at - a.e.at);
  const offset = Number(ctx.params.str('NextToken') ?? 0) || 0;
  const page = all.slice(offset, offset + size);
  return {
    Resources: page.map((r) => ({
      ResourceName: r.name,
      ResourceType: r.type,
      UsedTimestamp: r.e.at,
      Detail: detail(r.e),
    })),
    NextToken: offset + size < all.length ? String(offset + size) : '',
  };
}

const actions: Record<string, RpcAction> = {
  LookupEvents: { handle: lookupEvents },
  GetAccessKeyLastUsedProducts: { handle: lastUsedProducts },
  GetAccessKeyLastUsedResources: { handle: lastUsedResources },
};

export const actionTrailProduct: RpcProduct = {
  name: 'actiontrail',
  version: '2020-07-06',
  hostId: 'actiontrail.cn-hangzhou.aliyuncs.com',
  productCode: 'Actiontrail',
  actions,
  defaultResource: (ctx) => `acs:actiontrail:*:${ctx.accountId}:*`,
  denied: {
    code: 'NoPermission',
    status: 403,
    message: 'You are not authorized to do this action. You should be authorized by RAM.',
  },
};
