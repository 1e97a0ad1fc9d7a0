/**
 * Right-sizing a role from what it really did: ActionTrail events (and, for OSS object calls that
 * ActionTrail keeps out of LookupEvents, the RAM access audit's action-level data) → an activity
 * report per service → action → resources, the narrowest policy that allows every observed call,
 * and the proof: every observed allowed call replayed through the evaluator against that draft.
 *
 * An event maps to a RAM action only when the action catalogue knows `service:EventName` (or an
 * OSS API is documented to be authorized as another action): unmapped events are listed, never
 * guessed. Resources are narrowed for ECS (instance, else region) and OSS (bucket); other services
 * keep `*`, as their events name no resource the policy could use.
 */
import type { TrailEvent } from '../cloud/actionTrail';
import type { AccessedAction } from '../cloud/ramAudit';
import { ACTION_CATALOG, findAction, serviceCatalog } from './actionCatalog';
import { actionMatches, evaluate, statementsOf } from './evaluate';
import { coverOf, narrowKeys } from './objectPrefixes';
import type { NamedPolicy, PolicyDocument, PolicyStatement } from './types';

/** OSS APIs RAM authorizes as another action (OSS "RAM Policy overview"; actionCatalog.ts). */
const OSS_AUTHORIZED_AS: Record<string, string> = {
  HeadObject: 'GetObject',
  GetObjectMeta: 'GetObject',
  ListObjectsV2: 'ListObjects',
  GetService: 'ListBuckets',
  // The access log names ListObjects by its older API name, "GetBucket (ListObjects)".
  GetBucket: 'ListObjects',
};

/** Actions every identity may call without a policy (STS GetCallerIdentity "requires no permission"). */
const NEEDS_NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

export interface ObservedCall {
  service: string;
  eventName: string;
  /** `service:Action` the call is authorized as. */
  action: string;
  resource: string;
  region?: string;
  at: string;
  errorCode?: string;
  /** ActionTrail, the RAM access audit, or a bucket's dumped access log. */
  source: 'trail' | 'audit' | 'log';
  /** Audit calls: the attempts the audit counted for the action (one call stands per bucket). */
  accessCount?: number;
  /** Log calls on objects: the object's key (the resource names it too, but a key may hold `*`). */
  objectKey?: string;
  bucketArn?: string;
}

/** One object-level call read from a bucket's dumped access log, already attributed to the role. */
export interface LoggedCall {
  operation: string;
  bucket: string;
  key?: string;
  at: string;
  status: number;
  errorCode?: string;
}

/** What the log dumps add: the role's calls, and the buckets whose dump covered the whole period. */
export interface ObjectLog {
  calls: LoggedCall[];
  /** Only these buckets' object actions come from the log; the others keep the audit's bucket/*. */
  buckets: string[];
}

export interface ActionActivity {
  action: string;
  count: number;
  lastSeen: string;
  regions: string[];
  resources: string[];
  source: 'trail' | 'audit' | 'log';
}

export interface UnmappedEvent {
  serviceName: string;
  eventName: string;
  count: number;
  lastSeen: string;
}

export interface ActivityReport {
  /** service → its actions (allowed calls only), sorted. */
  services: Array<{ service: string; actions: ActionActivity[] }>;
  /** Refused calls: what the role needed and was denied. */
  denied: Array<ActionActivity & { errorCode: string }>;
  unmapped: UnmappedEvent[];
  calls: ObservedCall[];
  events: number;
}

const ROLE_ACCESS_DENIED = /^(NoPermission|Forbidden|AccessDenied)/;

/** The RAM action an event stands for, or undefined when the catalogue does not know it. */
export function actionForEvent(serviceName: string, eventName: string): string | undefined {
  const service = serviceName.toLowerCase();
  if (!serviceCatalog(service)) {
    return undefined;
  }
  const name = service === 'oss' ? (OSS_AUTHORIZED_AS[eventName] ?? eventName) : eventName;
  const found = findAction(`${service}:${name}`);
  return found ? `${found.service}:${found.name}` : undefined;
}

const BUCKET_TYPE = 'ACS::OSS::Bucket';

/** The resources (ARNs) a call touched, as precisely as its event says. */
function resourcesOf(e: TrailEvent, service: string, accountId: string): string[] {
  const region = e.acsRegion || '*';
  if (service === 'ecs') {
    const ids = e.resourceType === 'ACS::ECS::Instance' && e.resourceName ? e.resourceName.split(/[;,]/) : [];
    return ids.length
      ? ids.filter(Boolean).map((id) => `acs:ecs:${region}:${accountId}:instance/${id}`)
      : [`acs:ecs:${region}:${accountId}:*`];
  }
  if (service === 'oss') {
    const buckets = e.referencedResources?.[BUCKET_TYPE] ?? [];
    return buckets.length ? buckets.map((b) => `acs:oss:*:${accountId}:${b}`) : ['*'];
  }
  return ['*'];
}

const later = (a: string, b: string) => (a > b ? a : b);

/** Object-level OSS actions: a bucket ARN stands for the objects in it (`bucket/*`). */
function objectLevel(action: string): boolean {
  if (!action.startsWith('oss:')) {
    return false;
  }
  const name = action.slice(4);
  return /Object|Multipart|Part|Symlink|Restore/.test(name) && !/^ListObject/.test(name);
}

/** Aggregates a role's events (and audit data, and its object calls from log dumps) into the report the commands show. */
export function aggregateActivity(
  events: TrailEvent[],
  accountId: string,
  audit: AccessedAction[] = [],
  objectLog?: ObjectLog,
): ActivityReport {
  const calls: ObservedCall[] = [];
  const unmapped = new Map<string, UnmappedEvent>();
  for (const e of events) {
    const action = actionForEvent(e.serviceName, e.eventName);
    if (!action) {
      const key = `${e.serviceName}:${e.eventName}`;
      const u = unmapped.get(key) ?? { serviceName: e.serviceName, eventName: e.eventName, count: 0, lastSeen: '' };
      u.count++;
      u.lastSeen = later(u.lastSeen, e.eventTime);
      unmapped.set(key, u);
      continue;
    }
    const service = action.split(':')[0];
    for (const resource of resourcesOf(e, service, accountId)) {
      calls.push({
        service,
        eventName: e.eventName,
        action,
        resource,
        region: e.acsRegion,
        at: e.eventTime,
        errorCode: e.errorCode || undefined,
        source: 'trail',
      });
    }
  }
  // OSS object calls are data events, absent from LookupEvents: the audit says which actions were
  // used (not where), so they are scoped to the buckets the role's management events named.
  const seen = new Set(calls.map((c) => c.action.toLowerCase()));
  const logged = new Set(objectLog?.buckets ?? []);
  // A bucket's access log names the objects: its lines stand for the role's data events there
  // (management events, already in the trail, are not counted twice).
  for (const l of objectLog?.calls ?? []) {
    if (!logged.has(l.bucket)) {
      continue;
    }
    const action = actionForEvent('Oss', l.operation);
    if (!action) {
      const key = `Oss:${l.operation}`;
      const u = unmapped.get(key) ?? { serviceName: 'Oss', eventName: l.operation, count: 0, lastSeen: '' };
      u.count++;
      u.lastSeen = later(u.lastSeen, l.at);
      unmapped.set(key, u);
      continue;
    }
    if (seen.has(action.toLowerCase())) {
      continue;
    }
    const bucketArn = `acs:oss:*:${accountId}:${l.bucket}`;
    const onObject = l.key !== undefined && objectLevel(action);
    calls.push({
      service: 'oss',
      eventName: l.operation,
      action,
      resource: onObject ? `${bucketArn}/${l.key}` : bucketArn,
      at: l.at,
      errorCode: l.errorCode && ROLE_ACCESS_DENIED.test(l.errorCode) ? l.errorCode : undefined,
      source: 'log',
      ...(onObject ? { objectKey: l.key, bucketArn } : {}),
    });
  }
  const buckets = [
    ...new Set(
      calls.filter((c) => c.service === 'oss' && c.source === 'trail' && c.resource !== '*').map((c) => c.resource),
    ),
  ].sort();
  for (const a of audit) {
    const action = findAction(a.action);
    if (!action || seen.has(a.action.toLowerCase()) || action.service !== 'oss') {
      continue;
    }
    const name = `${action.service}:${action.name}`;
    const bucketLevel = /^(ListObjects|ListObjectVersions|GetBucket|PutBucket|DeleteBucket)/.test(action.name);
    for (const b of buckets.length ? buckets : ['*']) {
      if (logged.has(b.slice(b.lastIndexOf(':') + 1))) {
        continue; // Its access log says where, call by call (above).
      }
      calls.push({
        service: 'oss',
        eventName: action.name,
        action: name,
        resource: b === '*' || bucketLevel ? b : `${b}/*`,
        at: a.lastAccessed,
        source: 'audit',
        accessCount: a.count,
      });
    }
  }
  return {
    services: groupByService(calls.filter((c) => !c.errorCode)),
    denied: group(calls.filter((c) => c.errorCode && ROLE_ACCESS_DENIED.test(c.errorCode))).map((a) => ({
      ...a,
      errorCode: calls.find((c) => c.action === a.action && c.errorCode)!.errorCode!,
    })),
    unmapped: [...unmapped.values()].sort((a, b) => b.count - a.count),
    calls,
    events: events.length,
  };
}

function group(calls: ObservedCall[]): ActionActivity[] {
  const by = new Map<string, ActionActivity & { r: Set<string>; g: Set<string> }>();
  for (const c of calls) {
    const a = by.get(c.action) ?? {
      action: c.action,
      count: 0,
      lastSeen: '',
      regions: [],
      resources: [],
      source: c.source,
      r: new Set<string>(),
      g: new Set<string>(),
    };
    // An audit action's count is the audit's own (0 when it gives none), not its per-bucket calls.
    a.count = c.source === 'audit' ? (c.accessCount ?? 0) : a.count + 1;
    a.lastSeen = later(a.lastSeen, c.at);
    // A log's object calls are shown by directory, not key by key.
    a.r.add(c.objectKey !== undefined && c.bucketArn ? `${c.bucketArn}/${coverOf(c.objectKey)}` : c.resource);
    if (c.region) {
      a.g.add(c.region);
    }
    by.set(c.action, a);
  }
  return [...by.values()]
    .map(({ r, g, ...a }) => ({ ...a, resources: [...r].sort(), regions: [...g].sort() }))
    .sort((a, b) => a.action.localeCompare(b.action));
}

function groupByService(calls: ObservedCall[]): ActivityReport['services'] {
  const services = [...new Set(calls.map((c) => c.service))].sort();
  return services.map((service) => ({ service, actions: group(calls.filter((c) => c.service === service)) }));
}

/** For object-level OSS actions a bucket ARN means the objects in it. */
function policyResource(action: string, resource: string): string {
  if (!action.startsWith('oss:') || resource === '*' || resource.includes('/')) {
    return resource;
  }
  return objectLevel(action) ? `${resource}/*` : resource;
}

/**
 * The narrowest draft: one statement per set of actions sharing the same resources, each action
 * only on the resources it was observed on. Object calls read from an access log are narrowed to
 * the smallest prefixes covering their keys (objectPrefixes.ts), never wider than `bucket/*`.
 */
export function buildDraft(report: ActivityReport): PolicyDocument {
  const byAction = new Map<string, Set<string>>();
  const keys = new Map<string, Map<string, string[]>>();
  for (const c of report.calls) {
    if (c.errorCode || NEEDS_NO_PERMISSION.has(c.action)) {
      continue;
    }
    const resources = byAction.get(c.action) ?? new Set<string>();
    byAction.set(c.action, resources);
    if (c.objectKey !== undefined && c.bucketArn) {
      const perBucket = keys.get(c.action) ?? new Map<string, string[]>();
      keys.set(c.action, perBucket);
      perBucket.set(c.bucketArn, [...(perBucket.get(c.bucketArn) ?? []), c.objectKey]);
    } else {
      resources.add(policyResource(c.action, c.resource));
    }
  }
  for (const [action, perBucket] of keys) {
    const resources = byAction.get(action)!;
    for (const [bucketArn, list] of perBucket) {
      if (!resources.has('*') && !resources.has(`${bucketArn}/*`)) {
        narrowKeys(list).forEach((p) => resources.add(`${bucketArn}/${p}`));
      }
    }
  }
  const byResources = new Map<string, { actions: string[]; resources: string[] }>();
  for (const [action, resources] of byAction) {
    const list = resources.has('*') ? ['*'] : [...resources].sort();
    const key = `${action.split(':')[0]}|${list.join(',')}`;
    const entry = byResources.get(key) ?? { actions: [], resources: list };
    entry.actions.push(action);
    byResources.set(key, entry);
  }
  const Statement: PolicyStatement[] = [...byResources.values()]
    .sort((a, b) => a.actions[0].localeCompare(b.actions[0]))
    .map((e) => ({
      Effect: 'Allow',
      Action: e.actions.sort(),
      Resource: e.resources.length === 1 ? e.resources[0] : e.resources,
    }));
  return { Version: '1', Statement };
}

export interface Proof {
  checked: number;
  allowed: number;
  failures: ObservedCall[];
}

/** Replays every observed allowed call through the evaluator against the draft. */
export function proveDraft(draft: PolicyDocument, report: ActivityReport): Proof {
  const policies: NamedPolicy[] = [{ name: 'draft', type: 'Custom', document: draft }];
  const failures: ObservedCall[] = [];
  const allowedCalls = report.calls.filter((c) => !c.errorCode && !NEEDS_NO_PERMISSION.has(c.action));
  for (const c of allowedCalls) {
    // The resource the service authorizes the call on: the logged object itself, else an object
    // under the bucket for object calls the audit only says were made there.
    const resource =
      c.objectKey !== undefined
        ? c.resource
        : policyResource(c.action, c.resource).replace(/\/\*$/, '/observed-object');
    if (evaluate(policies, { action: c.action, resource }).effect !== 'Allow') {
      failures.push(c);
    }
  }
  return { checked: allowedCalls.length, allowed: allowedCalls.length - failures.length, failures };
}

/** The statement that would allow a denied call: offered, unchecked by default. */
export function statementFor(denied: ActionActivity): PolicyStatement {
  const resources = denied.resources.map((r) => policyResource(denied.action, r));
  return {
    Effect: 'Allow',
    Action: [denied.action],
    Resource: resources.includes('*') ? '*' : resources.length === 1 ? resources[0] : resources,
  };
}

export interface PolicyDiff {
  /** Catalogued actions the current policies allow (on some resource). */
  current: number;
  /** Of those, how many the draft keeps. */
  kept: number;
  removed: number;
  /** Actions in the draft: at most the distinct observed allowed actions. */
  draftActions: number;
}

/** Catalogued actions an Allow statement of `docs` grants (NotAction counted against the catalogue). */
function grantedActions(docs: PolicyDocument[]): Set<string> {
  const out = new Set<string>();
  const statements = docs.flatMap((d) => statementsOf(d)).filter((s) => s.Effect === 'Allow');
  for (const [service, cat] of Object.entries(ACTION_CATALOG)) {
    for (const name of Object.keys(cat.actions)) {
      const action = `${service}:${name}`;
      if (statements.some((s) => actionMatches(s, action))) {
        out.add(action.toLowerCase());
      }
    }
  }
  return out;
}

/** "removes 37 of 41 actions": the current policies against the draft, over catalogued actions. */
export function diffPolicies(current: PolicyDocument[], draft: PolicyDocument): PolicyDiff {
  const before = grantedActions(current);
  const after = grantedActions([draft]);
  const kept = [...after].filter((a) => before.has(a)).length;
  return { current: before.size, kept, removed: before.size - kept, draftActions: after.size };
}

/** Everything a proposal is: the report, the draft, its proof and the diff. */
export interface Proposal {
  report: ActivityReport;
  draft: PolicyDocument;
  proof: Proof;
  diff: PolicyDiff;
  /** Only a draft whose proof passed is offered. */
  offered: boolean;
}

export function proposePolicy(report: ActivityReport, current: PolicyDocument[]): Proposal {
  const draft = buildDraft(report);
  const proof = proveDraft(draft, report);
  return {
    report,
    draft,
    proof,
    diff: diffPolicies(current, draft),
    offered: proof.checked > 0 && proof.failures.length === 0,
  };
}
