/**
 * "Verify Role on Instance" without logging in: ask Cloud Assistant whether its agent is there
 * (DescribeCloudAssistantStatus), run the role-check script (RunCommand; PowerShell on Windows),
 * poll DescribeInvocationResults until a final state, and turn the outcome into one verdict with
 * its explanation. Works for instances without a public IP: the agent talks to ECS, not to us.
 */
import type { Cloud } from '../cloud';
import { CloudAssistantApi, FINAL_STATES, type AgentStatus, type InvocationResult } from '../cloud/cloudAssistant';
import { ConnectivityApi } from '../cloud/connectivity';
import { l10n } from '../cloud/l10n';
import { formatDateTime } from '../cloud/timeFormat';
import { parseRoleCheckOutput, powerShellRoleCheck, shellRoleCheck, type RoleCheckReport } from './roleCheckScript';

export type VerifyVerdict =
  | 'roleOk'
  | 'roleListRefused'
  | 'noRole'
  | 'imdsUnreachable'
  | 'notRunning'
  | 'classicNetwork'
  | 'agentMissing'
  | 'agentNotRunning'
  | 'invocationFailed'
  | 'incomplete';

export interface VerifyRoleResult {
  instanceId: string;
  instanceName: string;
  regionId: string;
  verdict: VerifyVerdict;
  /** One line for a notification and the tree. */
  summary: string;
  /** What it means and what to do, when something is wrong. */
  detail?: string;
  report?: RoleCheckReport;
  invocation?: InvocationResult;
  agent?: AgentStatus;
  checkedAt: Date;
}

export interface VerifyRoleOptions {
  /** A bucket to try listing; a function is asked only once the instance can be checked at all. */
  bucket?: { name: string; regionId: string } | (() => Promise<{ name: string; regionId: string } | undefined>);
  pollIntervalMs?: number;
  /** Give up waiting after this long (the invocation itself keeps its own Timeout). */
  waitMs?: number;
  onState?: (status: string) => void;
  signal?: AbortSignal;
}

/** What each final InvocationStatus means, for the user (DescribeInvocationResults reference). */
function stateExplanation(r: InvocationResult): string {
  switch (r.status) {
    case 'Failed':
      return l10n.t('The script ran but exited with code {0}.', r.exitCode ?? '?');
    case 'Error':
      return l10n.t('The agent hit an error and could not finish the script.');
    case 'Timeout':
      return l10n.t('The script did not finish within its time limit.');
    case 'Invalid':
      return l10n.t('Cloud Assistant refused the command for this instance.');
    case 'Aborted':
      return l10n.t('The command did not reach the instance.');
    default:
      return l10n.t('The command was stopped before it finished ({0}).', r.status);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/**
 * Polls DescribeInvocationResults until the invocation reaches a final state or `waitMs` passes
 * (the invocation keeps its own Timeout); `final` says which. Shared by every script we run.
 */
export async function awaitInvocation(
  assistant: CloudAssistantApi,
  regionId: string,
  invokeId: string,
  instanceId: string,
  o: Pick<VerifyRoleOptions, 'pollIntervalMs' | 'waitMs' | 'onState' | 'signal'> = {},
): Promise<{ last?: InvocationResult; final: boolean }> {
  const deadline = Date.now() + (o.waitMs ?? 120_000);
  for (;;) {
    const last = await assistant.result(regionId, invokeId, instanceId);
    if (last) {
      o.onState?.(last.status);
    }
    if (last && FINAL_STATES.has(last.status)) {
      return { last, final: true };
    }
    if (Date.now() > deadline) {
      return { last, final: false };
    }
    await sleep(o.pollIntervalMs ?? 1000, o.signal);
  }
}

export async function verifyRoleOnInstance(
  cloud: Cloud,
  regionId: string,
  instanceId: string,
  o: VerifyRoleOptions = {},
): Promise<VerifyRoleResult> {
  const info = await new ConnectivityApi(cloud.session).describeInstance(regionId, instanceId);
  const name = info.instanceName || instanceId;
  const base = { instanceId, instanceName: info.instanceName, regionId, checkedAt: new Date() };
  if (info.status !== 'Running') {
    return {
      ...base,
      verdict: 'notRunning',
      summary: l10n.t('{0} is {1}: the role can only be checked on a running instance.', name, info.status),
    };
  }
  if (info.networkType !== 'vpc') {
    return {
      ...base,
      verdict: 'classicNetwork',
      summary: l10n.t(
        '{0} is on the classic network: RAM roles need a VPC instance, so it has no role to verify.',
        name,
      ),
      detail: l10n.t(
        'Create a VPC instance with the role (Create ECS Instance), or move this one to a VPC in the ECS console.',
      ),
    };
  }
  const assistant = new CloudAssistantApi(cloud.session);
  const agent = await assistant.status(regionId, instanceId);
  const windows = info.osType.toLowerCase() === 'windows';
  if (!agent.version) {
    return {
      ...base,
      agent,
      verdict: 'agentMissing',
      summary: l10n.t('The Cloud Assistant agent is not installed on {0}.', name),
      detail: l10n.t(
        'Public images include it; on this instance install it (ECS console > Cloud Assistant > install the agent), or connect over SSH and check the role there.',
      ),
    };
  }
  if (!agent.running) {
    return {
      ...base,
      agent,
      verdict: 'agentNotRunning',
      summary: l10n.t('The Cloud Assistant agent on {0} is not running.', name),
      detail: windows
        ? l10n.t('Start the AliyunService service on the instance (or restart the instance), then verify again.')
        : l10n.t(
            'Start it on the instance (systemctl start aliyun.service, or restart the instance), then verify again.',
          ),
    };
  }

  const bucket = typeof o.bucket === 'function' ? await o.bucket() : o.bucket;
  const scriptOptions = { bucket: bucket?.name, bucketRegion: bucket?.regionId };
  const { invokeId } = await assistant.run(
    regionId,
    instanceId,
    windows
      ? {
          type: 'RunPowerShellScript',
          content: powerShellRoleCheck(scriptOptions),
          name: 'alibabaCloud-verify-role',
          timeoutSeconds: 60,
        }
      : {
          type: 'RunShellScript',
          content: shellRoleCheck(scriptOptions),
          name: 'alibabaCloud-verify-role',
          timeoutSeconds: 60,
        },
  );

  const { last, final } = await awaitInvocation(assistant, regionId, invokeId, instanceId, o);
  if (!last || !final) {
    return {
      ...base,
      agent,
      invocation: last,
      verdict: 'incomplete',
      summary: l10n.t(
        'The check on {0} is still {1}; look again later (invocation {2}).',
        name,
        last?.status ?? 'Pending',
        invokeId,
      ),
    };
  }

  if (last.status !== 'Success') {
    return {
      ...base,
      agent,
      invocation: last,
      verdict: 'invocationFailed',
      summary: l10n.t('The role check on {0} ended with state {1}.', name, last.status),
      detail: [
        stateExplanation(last),
        last.errorCode || last.errorInfo ? `${last.errorCode ?? ''}: ${last.errorInfo ?? ''}` : '',
      ]
        .filter(Boolean)
        .join(' '),
    };
  }
  const report = parseRoleCheckOutput(last.output);
  const withReport = { ...base, agent, invocation: last, report };
  if (report.unreadable.length) {
    return {
      ...withReport,
      verdict: 'incomplete',
      summary: l10n.t(
        'The role check on {0} answered in an unreadable form ({1}); nothing of it is shown.',
        name,
        report.unreadable.join(', '),
      ),
    };
  }
  if (report.imds === 'unreachable') {
    return {
      ...withReport,
      verdict: 'imdsUnreachable',
      summary: l10n.t('{0} cannot reach its metadata service.', name),
      detail: l10n.t(
        'The metadata endpoint may be disabled for the instance (HttpEndpoint), or a firewall on it blocks 100.100.100.200.',
      ),
    };
  }
  if (report.noRole) {
    return {
      ...withReport,
      verdict: 'noRole',
      summary: l10n.t('{0} has no RAM role.', name),
      detail: l10n.t(
        'The metadata service answered {0} for the role list: there are no credentials for programs on it. Attach a role (Attach RAM Role to Instance) first.',
        report.roleStatus ?? '404',
      ),
    };
  }
  if (!report.complete || !report.role) {
    return {
      ...withReport,
      verdict: 'incomplete',
      summary: l10n.t('The role check on {0} stopped early.', name),
      detail: report.credentialsStatus
        ? l10n.t('Reading the credentials answered {0}.', report.credentialsStatus)
        : undefined,
    };
  }
  const expiry = formatDateTime(report.expiration) || '-';
  if (!bucket) {
    return {
      ...withReport,
      verdict: 'roleOk',
      summary: l10n.t('{0} has role {1}; its credentials expire at {2}.', name, report.role, expiry),
    };
  }
  if (report.list === 'ok') {
    return {
      ...withReport,
      verdict: 'roleOk',
      summary: l10n.t(
        '{0} has role {1}; its credentials expire at {2}; listing {3} works.',
        name,
        report.role,
        expiry,
        bucket.name,
      ),
    };
  }
  return {
    ...withReport,
    verdict: 'roleListRefused',
    summary: l10n.t(
      '{0} has role {1} (credentials expire at {2}), but listing {3} failed: {4}.',
      name,
      report.role,
      expiry,
      bucket.name,
      report.list === 'unreachable'
        ? l10n.t('OSS did not answer')
        : `${report.listCode ?? ''} ${report.listStatus ?? ''}`.trim(),
    ),
    detail:
      report.listCode === 'AccessDenied'
        ? l10n.t("The role's policies do not allow oss:ListObjects on {0}.", bucket.name)
        : undefined,
  };
}
