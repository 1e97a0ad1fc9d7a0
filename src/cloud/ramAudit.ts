/**
 * The RAM access audit: GenerateServiceLastAccessedDetails, then GetServiceLastAccessedDetails
 * until the job completes. Not in @alicloud/ram20150501 1.2.1, so through callRpcJson on the RAM
 * client. "Overview of access auditing" (alibabacloud.com/help/en/ram/overview-of-permissions-audit):
 * action-level last access (OSS object actions included, which ActionTrail keeps out of
 * LookupEvents), up to 24 h late, and only the identity that generated a report can read it.
 */
import { CloudError } from './errors';
import { l10n } from './l10n';
import { callRpcJson } from './sdk';
import type { CloudSession } from './session';

export interface AccessedAction {
  /** `service:Action`, e.g. oss:GetObject. */
  action: string;
  lastAccessed: string;
  count?: number;
}

interface RawReport {
  JobStatus?: string;
  AccessedServices?: {
    AccessedService?: Array<{
      ServiceNamespace?: string;
      LastAccessedTime?: string;
      AccessedActions?: {
        AccessedAction?: Array<{ ActionName?: string; LastAccessedTime?: string; AccessCount?: number }>;
      };
    }>;
  };
}

const VERSION = '2015-05-01';

/** Action-level last access of `resourceArn` (a role or user ARN); polls until the report is done. */
export async function accessedActions(
  session: CloudSession,
  resourceArn: string,
  opts: { pollMs?: number; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<AccessedAction[]> {
  const rpc = <B>(action: string, query: Record<string, unknown>) =>
    session
      .call('ram', action, undefined, () => callRpcJson<B>(session.ramClient(), action, VERSION, query), {
        idempotent: action.startsWith('Get'),
      })
      .then((r) => r.body);
  const started = await rpc<{ JobId?: string }>('GenerateServiceLastAccessedDetails', {
    ResourceArn: resourceArn,
    Granularity: 'Action',
  });
  const jobId = started?.JobId;
  if (!jobId) {
    throw new CloudError({ code: 'MissingJobId', message: l10n.t('RAM started no access audit report.') });
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const report = await rpc<RawReport>('GetServiceLastAccessedDetails', { JobId: jobId });
    if (report?.JobStatus === 'COMPLETED') {
      return (report.AccessedServices?.AccessedService ?? []).flatMap((s) =>
        (s.AccessedActions?.AccessedAction ?? [])
          .filter((a) => typeof a.ActionName === 'string' && a.ActionName.includes(':'))
          .map((a) => ({ action: a.ActionName!, lastAccessed: a.LastAccessedTime ?? '', count: a.AccessCount })),
      );
    }
    if (report?.JobStatus === 'FAILED') {
      throw new CloudError({ code: 'AuditJobFailed', message: l10n.t('The RAM access audit report failed.') });
    }
    if (Date.now() > deadline || opts.signal?.aborted) {
      throw new CloudError({ code: 'AuditJobTimeout', message: l10n.t('The RAM access audit report took too long.') });
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
  }
}
