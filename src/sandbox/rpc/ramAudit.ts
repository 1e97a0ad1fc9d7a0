/**
 * The RAM access audit: GenerateServiceLastAccessedDetails starts a report on a user or role,
 * GetServiceLastAccessedDetails reads it. "Overview of access auditing"
 * (alibabacloud.com/help/en/ram/overview-of-permissions-audit): service- and action-level last
 * access, denied attempts counted, tracked since 2024-02-01, and only the identity that generated a
 * report can read it. The parameter and field names, the job states and the time a job takes are
 * guesses modelled on the console's report (docs/SANDBOX.md "Deliberate guesses").
 */
import { SandboxError } from '../core/errors';
import { accessOf } from '../core/trail';
import { isoSeconds, nextId, type SandboxState } from '../core/state';
import type { RpcAction, RpcContext } from './product';

/** A report is IN_PROGRESS for this long before it reads COMPLETED. */
export const AUDIT_JOB_MS = 1500;

interface AuditJob {
  jobId: string;
  owner: string;
  entity: string;
  granularity: 'Service' | 'Action';
  createdAt: number;
}

const jobs = new WeakMap<SandboxState, Map<string, AuditJob>>();

const ownerOf = (ctx: RpcContext) => ctx.principal.arn;

/** `acs:ram::<acct>:role/<name>` or `…:user/<name>` → `role:<name>` / `user:<name>`. */
function entityOf(ctx: RpcContext, arn: string): string {
  const m = /^acs:ram::(\d+):(role|user)\/(.+)$/i.exec(arn);
  if (!m || m[1] !== ctx.accountId) {
    throw new SandboxError('InvalidParameter.ResourceArn', 400, 'The specified parameter "ResourceArn" is not valid.');
  }
  const kind = m[2].toLowerCase();
  const name = m[3];
  if (kind === 'role' ? !ctx.state.roles.has(name) : !ctx.state.users.has(name)) {
    throw new SandboxError(
      `EntityNotExist.${kind === 'role' ? 'Role' : 'User'}`,
      404,
      `The ${kind} does not exist: ${name}.`,
    );
  }
  return `${kind}:${name}`;
}

const SERVICE_NAMES: Record<string, string> = {
  ecs: 'Elastic Compute Service',
  oss: 'Object Storage Service',
  ram: 'Resource Access Management',
  sts: 'Security Token Service',
  actiontrail: 'ActionTrail',
};

function generate(ctx: RpcContext) {
  const entity = entityOf(ctx, ctx.params.required('ResourceArn'));
  const g = ctx.params.str('Granularity') ?? 'Service';
  if (g !== 'Service' && g !== 'Action') {
    throw new SandboxError('InvalidParameter.Granularity', 400, 'The specified parameter "Granularity" is not valid.');
  }
  const job: AuditJob = {
    jobId: nextId(ctx.state, 'job-', 24),
    owner: ownerOf(ctx),
    entity,
    granularity: g,
    createdAt: ctx.now(),
  };
  const all = jobs.get(ctx.state) ?? new Map<string, AuditJob>();
  jobs.set(ctx.state, all);
  all.set(job.jobId, job);
  return { JobId: job.jobId };
}

function read(ctx: RpcContext) {
  const jobId = ctx.params.required('JobId');
  const job = jobs.get(ctx.state)?.get(jobId);
  // Another identity's report is as invisible as one that never existed.
  if (!job || job.owner !== ownerOf(ctx)) {
    throw new SandboxError('EntityNotExist.Job', 404, `The job does not exist: ${jobId}.`);
  }
  const done = ctx.now() - job.createdAt >= AUDIT_JOB_MS;
  if (!done) {
    return { JobStatus: 'IN_PROGRESS', JobCreationDate: isoSeconds(job.createdAt) };
  }
  const byService = new Map<string, Array<[string, { last: number; count: number }]>>();
  for (const [action, rec] of accessOf(ctx.state).get(job.entity) ??
    new Map<string, { last: number; count: number }>()) {
    const service = action.split(':')[0];
    byService.set(service, [...(byService.get(service) ?? []), [action, rec]]);
  }
  return {
    JobStatus: 'COMPLETED',
    JobCreationDate: isoSeconds(job.createdAt),
    JobCompletionDate: isoSeconds(job.createdAt + AUDIT_JOB_MS),
    AccessedServices: {
      AccessedService: [...byService].map(([service, list]) => ({
        ServiceNamespace: service,
        ServiceName: SERVICE_NAMES[service] ?? service,
        LastAccessedTime: isoSeconds(Math.max(...list.map(([, r]) => r.last))),
        ...(job.granularity === 'Action'
          ? {
              AccessedActions: {
                AccessedAction: list.map(([action, r]) => ({
                  ActionName: action,
                  LastAccessedTime: isoSeconds(r.last),
                  AccessCount: r.count,
                })),
              },
            }
          : {}),
      })),
    },
  };
}

export const ramAuditActions: Record<string, RpcAction> = {
  GenerateServiceLastAccessedDetails: { handle: generate },
  GetServiceLastAccessedDetails: { handle: read },
};
