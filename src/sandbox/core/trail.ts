/**
 * ActionTrail as the sandbox keeps it: one event for every RPC and OSS request it serves, in the
 * documented event shape, plus the per-identity "last accessed" data the RAM access audit reports.
 *
 * Shape: the sample events of "Query ActionTrail events by assuming a RAM role"
 * (alibabacloud.com/help/en/actiontrail/user-guide/query-actiontrail-events-by-assuming-a-ram-role:
 * userIdentity {type assumed-role, principalId <roleId>:<session>, accessKeyId STS.…, userName
 * <role>:<session>}, acsRegion, eventName, eventTime, serviceName, requestParameters, errorCode) and
 * of the OSS management events (alibabacloud.com/help/doc-detail/293590.htm: referencedResources
 * {"ACS::OSS::Bucket": [...]}). OSS object calls are data events ("OSS data events",
 * alibabacloud.com/help/tc/actiontrail/product-overview/object-storage-oss-data-events): they reach
 * only a trail's SLS Logstore, never LookupEvents, so they are kept apart (`data: true`).
 */
import type { Principal } from './principal';
import { isoSeconds, type SandboxState } from './state';

export interface TrailEvent {
  eventId: string;
  eventVersion: 1;
  eventType: 'ApiCall';
  eventName: string;
  /** ActionTrail's service names: Ecs, Ram, Sts, Oss, Actiontrail. */
  serviceName: string;
  eventSource: string;
  acsRegion: string;
  eventTime: string;
  eventRW: 'Read' | 'Write';
  apiVersion?: string;
  requestId: string;
  sourceIpAddress: string;
  userIdentity: {
    type: 'root-account' | 'ram-user' | 'assumed-role';
    accountId: string;
    principalId: string;
    userName: string;
    accessKeyId?: string;
  };
  requestParameters: Record<string, string>;
  errorCode?: string;
  errorMessage?: string;
  /** `;`-separated ids, as ActionTrail lists them (i-…;i-…). */
  resourceName?: string;
  resourceType?: string;
  referencedResources?: Record<string, string[]>;
  /** Sandbox bookkeeping, never answered: an OSS data event (not in LookupEvents). */
  data?: boolean;
  /** Sandbox bookkeeping: event time in ms, for range queries. */
  at: number;
  /** Sandbox bookkeeping: the role behind an assumed-role identity (LookupAttribute RoleName). */
  roleName?: string;
}

/** Action-level access data of one identity (`role:<name>`/`user:<name>`): `service:Action` → last ms. */
export type AccessRecord = Map<string, { last: number; count: number }>;

/** The trail keeps the latest events only, like the request log (90 days is what LookupEvents reads). */
export const TRAIL_LIMIT = 100_000;
export const TRAIL_HORIZON_MS = 90 * 86_400_000;

const trails = new WeakMap<SandboxState, TrailEvent[]>();
const audits = new WeakMap<SandboxState, Map<string, AccessRecord>>();
/** Generated history, recorded on first use so a seeded sandbox starts as fast as ever. */
const pending = new WeakMap<SandboxState, () => void>();

export function recordLater(state: SandboxState, fill: () => void): void {
  pending.set(state, fill);
}

function flush(state: SandboxState): void {
  const fill = pending.get(state);
  if (fill) {
    pending.delete(state);
    fill();
  }
}

export function trailOf(state: SandboxState): TrailEvent[] {
  flush(state);
  let t = trails.get(state);
  if (!t) {
    t = [];
    trails.set(state, t);
  }
  return t;
}

export function accessOf(state: SandboxState): Map<string, AccessRecord> {
  flush(state);
  let a = audits.get(state);
  if (!a) {
    a = new Map();
    audits.set(state, a);
  }
  return a;
}

/** "Read" for the describing, listing and getting verbs; everything else writes. */
export const eventRW = (action: string): 'Read' | 'Write' =>
  /^(Describe|List|Get|Head|Query|Lookup|Check)/.test(action) ? 'Read' : 'Write';

let seq = 0;
function eventId(at: number): string {
  seq = (seq + 1) % 0xffffff;
  const hex = (at.toString(16) + seq.toString(16).padStart(6, '0')).toUpperCase().padStart(20, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${seq.toString(16).padStart(12, '0').toUpperCase()}`;
}

export interface Caller {
  principal: Principal;
  accessKeyId?: string;
  roleId?: string;
}

export function identityOf(state: SandboxState, c: Caller): TrailEvent['userIdentity'] {
  const p = c.principal;
  if (p.kind === 'role') {
    const roleId = c.roleId ?? state.roles.get(p.roleName)?.roleId ?? p.roleName;
    return {
      type: 'assumed-role',
      accountId: state.accountId,
      principalId: `${roleId}:${p.sessionName}`,
      userName: `${p.roleName}:${p.sessionName}`,
      accessKeyId: c.accessKeyId ?? p.session.accessKeyId,
    };
  }
  if (p.kind === 'user') {
    const u = state.users.get(p.userName);
    return {
      type: 'ram-user',
      accountId: state.accountId,
      principalId: u?.userId ?? p.userName,
      userName: p.userName,
      accessKeyId: c.accessKeyId,
    };
  }
  return {
    type: 'root-account',
    accountId: state.accountId,
    principalId: state.accountId,
    userName: 'root',
    accessKeyId: c.accessKeyId,
  };
}

export interface EventInput {
  at: number;
  caller: Caller;
  serviceName: string;
  eventSource: string;
  action: string;
  acsRegion: string;
  apiVersion?: string;
  requestId: string;
  requestParameters?: Record<string, string>;
  errorCode?: string;
  errorMessage?: string;
  resourceName?: string;
  resourceType?: string;
  referencedResources?: Record<string, string[]>;
  data?: boolean;
  /** The RAM action(s) the request was authorized as (the access audit's unit). */
  authAction?: string | string[];
}

/** Records one served request; also feeds the access audit of the identity behind it. */
export function recordEvent(state: SandboxState, e: EventInput): TrailEvent {
  const p = e.caller.principal;
  const ev: TrailEvent = {
    eventId: eventId(e.at),
    eventVersion: 1,
    eventType: 'ApiCall',
    eventName: e.action,
    serviceName: e.serviceName,
    eventSource: e.eventSource,
    acsRegion: e.acsRegion,
    eventTime: isoSeconds(e.at),
    eventRW: eventRW(e.action),
    apiVersion: e.apiVersion,
    requestId: e.requestId,
    sourceIpAddress: '127.0.0.1',
    userIdentity: identityOf(state, e.caller),
    requestParameters: e.requestParameters ?? {},
    ...(e.errorCode ? { errorCode: e.errorCode, errorMessage: e.errorMessage ?? '' } : {}),
    ...(e.resourceName ? { resourceName: e.resourceName, resourceType: e.resourceType } : {}),
    ...(e.referencedResources ? { referencedResources: e.referencedResources } : {}),
    ...(e.data ? { data: true } : {}),
    at: e.at,
    ...(p.kind === 'role' ? { roleName: p.roleName } : {}),
  };
  const trail = trailOf(state);
  // Kept in time order: generated history is seeded before any live request.
  let i = trail.length;
  while (i > 0 && trail[i - 1].at > ev.at) {
    i--;
  }
  trail.splice(i, 0, ev);
  if (trail.length > TRAIL_LIMIT) {
    trail.splice(0, trail.length - TRAIL_LIMIT);
  }
  // The access audit counts attempts, denied ones too ("Overview of access auditing",
  // alibabacloud.com/help/en/ram/overview-of-permissions-audit).
  if (p.kind !== 'root' && e.authAction) {
    noteAccess(state, p.kind === 'role' ? `role:${p.roleName}` : `user:${p.userName}`, e.authAction, e.at);
  }
  return ev;
}

/** What LookupEvents answers for an event: the documented fields, none of the sandbox's own. */
export function publicEvent(ev: TrailEvent): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { data, at, roleName, eventRW: rw, ...rest } = ev;
  return { ...rest, additionalEventData: { eventRW: rw } };
}

/** Feeds the access audit of `entity` (`role:<name>`): one attempt at each action at `at`. */
export function noteAccess(state: SandboxState, entity: string, actions: string | string[], at: number): void {
  const rec: AccessRecord = accessOf(state).get(entity) ?? new Map();
  accessOf(state).set(entity, rec);
  for (const action of new Set(typeof actions === 'string' ? [actions] : actions)) {
    const cur = rec.get(action);
    rec.set(action, { last: Math.max(cur?.last ?? 0, at), count: (cur?.count ?? 0) + 1 });
  }
}
