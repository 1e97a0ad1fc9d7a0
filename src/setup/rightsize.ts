/**
 * Right-size a role: read what it did (ActionTrail's 90 days, and the RAM access audit for the
 * OSS object calls LookupEvents never returns), propose the narrowest policy with its proof, and
 * apply it — a new custom policy attached, the old ones detached — with a rollback that restores
 * the attachments if any step fails.
 */
import type { Cloud } from '../cloud';
import {
  accessKeyLastUse,
  ActionTrailApi,
  readRoleActivity,
  type ActivityProgress,
  type ActivityRead,
} from '../cloud/actionTrail';
import type { AttachedPolicy } from '../cloud/ram';
import type { BucketLogging } from '../cloud/oss';
import { attributeLines, readBucketAccessLog } from '../cloud/ossAccessLog';
import { accessedActions, type AccessedAction } from '../cloud/ramAudit';
import { roleArn } from '../policy/builders';
import {
  aggregateActivity,
  proposePolicy,
  type ActivityReport,
  type LoggedCall,
  type Proposal,
} from '../policy/rightsize';
import type { PolicyDocument } from '../policy/types';

export interface RoleActivity {
  roleName: string;
  accountId: string;
  read: ActivityRead;
  audit: AccessedAction[];
  /** Why the audit is missing (it is up to 24 h late and may be refused); the trail still counts. */
  auditError?: Error;
  report: ActivityReport;
  requests: number;
  /** Per bucket the role used: where its object-level resources came from. */
  objectSources: ObjectSource[];
}

/** A bucket the role used, and what its dumped access log told. */
export interface ObjectSource {
  bucket: string;
  region: string;
  /** Undefined: the bucket has no log dump (its object actions stay bucket/*). */
  logging?: BucketLogging;
  files: number;
  /** Lines read for the bucket; of them the role's, unattributed STS ones, other identities'. */
  lines: number;
  attributed: number;
  unattributed: number;
  others: number;
  malformed: number;
  /** Oldest log object read (ISO). */
  since?: string;
  /** The dump covers the whole period read, so the bucket's object actions come from it. */
  used: boolean;
  error?: Error;
}

/** A dump that starts this long after the period began still counts as covering it. */
const COVERAGE_SLACK_MS = 2 * 86_400_000;

export interface ReadOptions {
  onProgress?(p: ActivityProgress): void;
  signal?: AbortSignal;
  now?: number;
}

/** The role's 90 days: three ActionTrail windows and the access audit, side by side. */
export async function readActivity(cloud: Cloud, roleName: string, opts: ReadOptions = {}): Promise<RoleActivity> {
  const { accountId } = await cloud.knownIdentity();
  const api = new ActionTrailApi(cloud.session);
  let auditError: Error | undefined;
  const [read, audit] = await Promise.all([
    readRoleActivity(api, roleName, { onProgress: opts.onProgress, signal: opts.signal, now: opts.now }),
    accessedActions(cloud.session, roleArn(accountId, roleName), { signal: opts.signal }).catch((e: Error) => {
      auditError = e;
      return [] as AccessedAction[];
    }),
  ]);
  const logs = await readObjectLogs(cloud, read, opts.signal);
  return {
    roleName,
    accountId,
    read,
    audit,
    auditError,
    report: aggregateActivity(read.events, accountId, audit, { calls: logs.calls, buckets: logs.used }),
    // Generate + polls of the audit are RAM calls too, but not ActionTrail ones; log reads are OSS calls.
    requests: read.requests + logs.requests,
    objectSources: logs.sources,
  };
}

/**
 * The dumped access logs of the buckets the role's events name, over the period read, split by
 * whether the role's STS keys (from its events) signed each line. A bucket's dump is used only
 * when it was read whole and reaches back to the start of the period: a dump switched on last
 * week says nothing of the weeks before, and narrowing on it would break what ran then.
 */
async function readObjectLogs(
  cloud: Cloud,
  read: ActivityRead,
  signal?: AbortSignal,
): Promise<{ sources: ObjectSource[]; calls: LoggedCall[]; used: string[]; requests: number }> {
  const buckets = new Map<string, string>();
  const roleKeys = new Set<string>();
  for (const e of read.events) {
    const key = e.userIdentity?.accessKeyId;
    if (key?.startsWith('STS.')) {
      roleKeys.add(key);
    }
    if (e.serviceName.toLowerCase() === 'oss') {
      for (const b of e.referencedResources?.['ACS::OSS::Bucket'] ?? []) {
        if (!buckets.has(b)) {
          buckets.set(b, e.acsRegion || cloud.session.regionId);
        }
      }
    }
  }
  const start = read.windows.length ? Date.parse(read.windows[read.windows.length - 1].start) : Date.now();
  const sources: ObjectSource[] = [];
  const calls: LoggedCall[] = [];
  const used: string[] = [];
  let requests = 0;
  for (const [bucket, region] of [...buckets].sort()) {
    if (signal?.aborted) {
      break;
    }
    const r = await readBucketAccessLog(cloud.oss, bucket, region, { since: start, signal });
    requests += r.requests;
    const a = attributeLines(r.lines, roleKeys);
    const covers = !!r.since && Date.parse(r.since) <= start + COVERAGE_SLACK_MS;
    const ok = !!r.logging && r.complete && covers;
    if (ok) {
      used.push(bucket);
      calls.push(
        ...a.attributed.map((l) => ({
          operation: l.operation,
          bucket: l.bucket,
          key: l.key,
          at: l.at,
          status: l.status,
          errorCode: l.errorCode,
        })),
      );
    }
    sources.push({
      bucket,
      region,
      logging: r.logging,
      files: r.files,
      lines: r.lines.length,
      attributed: a.attributed.length,
      unattributed: a.unattributed,
      others: a.others,
      malformed: r.malformed,
      since: r.since,
      used: ok,
      error: r.error,
    });
  }
  return { sources, calls, used, requests };
}

export interface CurrentPolicies {
  attached: AttachedPolicy[];
  documents: PolicyDocument[];
}

export async function currentPolicies(cloud: Cloud, roleName: string): Promise<CurrentPolicies> {
  const attached = await cloud.ram.listPoliciesForRole(roleName);
  const documents = await Promise.all(
    attached.map(async (p) => {
      const { document } = await cloud.ram.getPolicy(p.policyName, p.policyType);
      try {
        return JSON.parse(document) as PolicyDocument;
      } catch {
        return { Version: '1', Statement: [] } as PolicyDocument;
      }
    }),
  );
  return { attached, documents };
}

export async function proposeForRole(
  cloud: Cloud,
  activity: RoleActivity,
): Promise<{ proposal: Proposal; current: CurrentPolicies }> {
  const current = await currentPolicies(cloud, activity.roleName);
  return { proposal: proposePolicy(activity.report, current.documents), current };
}

export interface ApplyPlan {
  roleName: string;
  policyName: string;
  document: string;
  description?: string;
  detach: AttachedPolicy[];
}

export interface ApplyResult {
  created: string;
  detached: AttachedPolicy[];
}

/**
 * Creates the policy, attaches it, then detaches the old ones. A failure part-way undoes what was
 * done, in reverse: the detached policies go back, the new one comes off and is deleted, so the
 * role is never left with less than it had unless every step succeeded.
 */
export async function applyRightsize(cloud: Cloud, plan: ApplyPlan): Promise<ApplyResult> {
  const ram = cloud.ram;
  const undo: Array<() => Promise<unknown>> = [];
  try {
    await ram.createPolicy(plan.policyName, plan.document, plan.description);
    undo.push(() => ram.deletePolicy(plan.policyName));
    await ram.attachPolicyToRole(plan.roleName, plan.policyName, 'Custom');
    undo.push(() => ram.detachPolicyFromRole(plan.roleName, plan.policyName, 'Custom'));
    const detached: AttachedPolicy[] = [];
    for (const p of plan.detach) {
      await ram.detachPolicyFromRole(plan.roleName, p.policyName, p.policyType);
      detached.push(p);
      undo.push(() => ram.attachPolicyToRole(plan.roleName, p.policyName, p.policyType));
    }
    return { created: plan.policyName, detached };
  } catch (e) {
    for (const step of undo.reverse()) {
      await step().catch(() => undefined);
    }
    throw e;
  }
}

/** Puts a role back as it was before applyRightsize: the old policies on, the new one off and gone. */
export async function rollBackRightsize(cloud: Cloud, roleName: string, result: ApplyResult): Promise<void> {
  for (const p of result.detached) {
    await cloud.ram.attachPolicyToRole(roleName, p.policyName, p.policyType);
  }
  await cloud.ram.detachPolicyFromRole(roleName, result.created, 'Custom');
  await cloud.ram.deletePolicy(result.created);
}

/**
 * A policy for a role that replaces an AccessKey: built from what the key was last used for. The
 * last-used data holds the latest call per service and per resource, so the proof covers those
 * calls; older calls of other actions on the same resource are not seen.
 */
export async function proposeForAccessKey(cloud: Cloud, accessKeyId: string): Promise<Proposal> {
  const { accountId } = await cloud.knownIdentity();
  const events = await accessKeyLastUse(cloud.session, accessKeyId);
  return proposePolicy(aggregateActivity(events, accountId), []);
}
