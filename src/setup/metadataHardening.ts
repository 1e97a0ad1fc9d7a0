/**
 * "Require Hardened Metadata Mode": the steps, without `vscode`. Probe (which processes still read
 * the metadata service without a token), canary (restart one service so it never falls back), the
 * switch (ModifyInstanceMetadataOptions HttpTokens=required; refused while the probe names a
 * caller that may read without a token, unless the user names each one back), the post-check
 * (the role check of Verify Role on Instance: credentials through a token, and that they renew),
 * and the rollback (HttpTokens=optional: one call).
 */
import type { Cloud } from '../cloud';
import { CloudAssistantApi, type InvocationResult } from '../cloud/cloudAssistant';
import type { EcsInstance } from '../cloud/ecs';
import { isCloudError } from '../cloud/errors';
import { l10n } from '../cloud/l10n';
import {
  parseCanaryOutput,
  parseProbeOutput,
  shellMetadataCanary,
  shellMetadataProbe,
  type CanaryReport,
  type MetadataCallerReport,
  type ProbeReport,
} from './metadataProbeScript';
import { awaitInvocation, verifyRoleOnInstance, type VerifyRoleOptions, type VerifyRoleResult } from './verifyRole';

/** What the row and the properties say about an instance's metadata service. */
export type MetadataMode = 'normalAllowed' | 'hardenedOnly' | 'off' | 'unknown';

export function metadataModeOf(i: Pick<EcsInstance, 'httpTokens' | 'httpEndpoint'>): MetadataMode {
  if (i.httpEndpoint === 'disabled') {
    return 'off';
  }
  if (i.httpTokens === 'required') {
    return 'hardenedOnly';
  }
  return i.httpTokens === 'optional' ? 'normalAllowed' : 'unknown';
}

export function metadataModeLabel(mode: MetadataMode): string {
  switch (mode) {
    case 'normalAllowed':
      return l10n.t('normal mode allowed');
    case 'hardenedOnly':
      return l10n.t('hardened only');
    case 'off':
      return l10n.t('metadata off');
    default:
      return l10n.t('metadata mode unknown');
  }
}

/**
 * What the instance this window runs on allows, as ECS reports it (DescribeInstances
 * MetadataOptions) to `profileName`'s identity. Never learnt by reading the metadata service
 * without a token: that read would itself be a normal-mode caller, and a probe would name VS Code.
 * `unknown` carries the reason (the identity may not describe instances, or does not see this one).
 */
export async function ownMetadataMode(
  cloud: Cloud,
  regionId: string,
  instanceId: string,
  profileName: string,
): Promise<{ mode: MetadataMode; reason?: string }> {
  try {
    const mode = metadataModeOf(await cloud.ecs.getInstance(regionId, instanceId));
    return mode === 'unknown'
      ? { mode, reason: l10n.t('ECS returned no metadata options for {0}', instanceId) }
      : { mode };
  } catch (e) {
    if (isCloudError(e, /^(Forbidden|NoPermission)/)) {
      return { mode: 'unknown', reason: l10n.t('profile {0} may not call ecs:DescribeInstances', profileName) };
    }
    if (isCloudError(e, 'InvalidInstanceId.NotFound')) {
      return {
        mode: 'unknown',
        reason: l10n.t('profile {0} does not see {1} (another account?)', profileName, instanceId),
      };
    }
    throw e;
  }
}

/** Said next to every probe result: what it can and cannot see. */
export function probeLimits(): string {
  return l10n.t(
    'The probe samples the connections to 100.100.100.200 every 0.2 s and names the process behind each (PID, command line, systemd unit). With tcpdump on the instance it also sees which requests carried no token; without it a caller is "token" only if its environment sets ALIBABA_CLOUD_IMDSV1_DISABLED=true, and "unknown" otherwise. It cannot see a connection opened and closed between two samples, a program that only runs at other times (cron, deploys), containers in their own network namespace, or Windows instances.',
  );
}

export interface StepOptions extends Pick<VerifyRoleOptions, 'pollIntervalMs' | 'signal' | 'onState'> {
  /** How long to wait for the invocation beyond its own length. */
  extraWaitMs?: number;
}

export interface ProbeResult {
  instanceId: string;
  ok: boolean;
  report?: ProbeReport;
  /** Callers that may still read without a token (tokenless or unknown): they block the switch. */
  blockers: MetadataCallerReport[];
  /** Why there is no report (the invocation failed, or its output was unreadable). */
  problem?: string;
  invocation?: InvocationResult;
}

/** How a caller is named to the user, and typed back to override: "pid 123 (orders.service)". */
export function callerName(c: MetadataCallerReport): string {
  return c.unit ?? `pid ${c.pid}`;
}

async function runScript(
  cloud: Cloud,
  regionId: string,
  instanceId: string,
  content: string,
  name: string,
  timeoutSeconds: number,
  o: StepOptions,
): Promise<{ result?: InvocationResult; problem?: string }> {
  const assistant = new CloudAssistantApi(cloud.session);
  const { invokeId } = await assistant.run(regionId, instanceId, {
    type: 'RunShellScript',
    content,
    name,
    timeoutSeconds,
  });
  const { last, final } = await awaitInvocation(assistant, regionId, invokeId, instanceId, {
    ...o,
    waitMs: timeoutSeconds * 1000 + (o.extraWaitMs ?? 60_000),
  });
  if (!last || !final) {
    return {
      result: last,
      problem: l10n.t('The script on {0} did not finish (invocation {1}).', instanceId, invokeId),
    };
  }
  if (last.status !== 'Success') {
    const why = [last.errorCode, last.errorInfo].filter(Boolean).join(': ');
    return {
      result: last,
      problem: l10n.t('The script on {0} ended with state {1}. {2}', instanceId, last.status, why),
    };
  }
  return { result: last };
}

/** Step 1: watch the instance's metadata callers for `seconds` (Linux instances). */
export async function probeMetadataCallers(
  cloud: Cloud,
  regionId: string,
  instanceId: string,
  seconds: number,
  o: StepOptions & { target?: string } = {},
): Promise<ProbeResult> {
  const { result, problem } = await runScript(
    cloud,
    regionId,
    instanceId,
    shellMetadataProbe({ seconds, target: o.target }),
    'alibabaCloud-metadata-probe',
    seconds + 60,
    o,
  );
  if (problem || !result) {
    return { instanceId, ok: false, blockers: [], problem, invocation: result };
  }
  const report = parseProbeOutput(result.output);
  if (report.unreadable.length || !report.complete) {
    return {
      instanceId,
      ok: false,
      report,
      blockers: [],
      invocation: result,
      problem: report.unreadable.length
        ? l10n.t(
            'The probe on {0} answered in an unreadable form ({1}); nothing of it is shown.',
            instanceId,
            report.unreadable.join(', '),
          )
        : l10n.t('The probe on {0} stopped early.', instanceId),
    };
  }
  if (report.sampler !== 'proc') {
    return {
      instanceId,
      ok: false,
      report,
      blockers: [],
      invocation: result,
      problem: l10n.t('The probe cannot read the connection table (/proc/net/tcp) on {0}.', instanceId),
    };
  }
  return {
    instanceId,
    ok: true,
    report,
    blockers: report.callers.filter((c) => c.mode !== 'token'),
    invocation: result,
  };
}

/** Step 2: restart one service with ALIBABA_CLOUD_IMDSV1_DISABLED=true. */
export async function runMetadataCanary(
  cloud: Cloud,
  regionId: string,
  instanceId: string,
  unit: string,
  o: StepOptions = {},
): Promise<{ report?: CanaryReport; problem?: string }> {
  const { result, problem } = await runScript(
    cloud,
    regionId,
    instanceId,
    shellMetadataCanary(unit),
    'alibabaCloud-metadata-canary',
    60,
    o,
  );
  if (problem || !result) {
    return { problem };
  }
  const report = parseCanaryOutput(result.output);
  if (report.unreadable.length || !report.complete) {
    return { report, problem: l10n.t('The canary on {0} answered in an unreadable form.', instanceId) };
  }
  if (report.outcome === 'nounit') {
    return { report, problem: l10n.t('{0} has no systemd service named {1}.', instanceId, unit) };
  }
  if (report.outcome !== 'restarted') {
    return { report, problem: l10n.t('Restarting {1} on {0} failed.', instanceId, unit) };
  }
  return { report };
}

/**
 * Step 3's gate. The switch goes ahead when no probe names a possible normal-mode caller, or when
 * the user typed back every such caller's name (they saw them and accept breaking them).
 */
export function switchGate(
  probes: ProbeResult[],
  override: string[] = [],
): { allowed: boolean; blockers: Array<{ instanceId: string; name: string; caller: MetadataCallerReport }> } {
  const blockers = probes.flatMap((p) =>
    p.blockers.map((caller) => ({ instanceId: p.instanceId, name: callerName(caller), caller })),
  );
  const named = new Set(override.map((s) => s.trim()).filter(Boolean));
  return { allowed: blockers.every((b) => named.has(b.name)), blockers };
}

/** Step 3 (and step 5 with "optional"): one ModifyInstanceMetadataOptions call, endpoint kept. */
export async function setMetadataTokens(
  cloud: Cloud,
  regionId: string,
  instanceId: string,
  httpTokens: 'optional' | 'required',
): Promise<void> {
  await cloud.ecs.modifyMetadataOptions(regionId, instanceId, { httpTokens, httpEndpoint: 'enabled' });
}

export interface PostCheck {
  instanceId: string;
  ok: boolean;
  first: VerifyRoleResult;
  /** The second read, later: its expiry moved on or stayed valid, i.e. the credentials renew. */
  second?: VerifyRoleResult;
  summary: string;
}

/**
 * Step 4: the role check twice. Both must read the credentials through a token; the second's
 * expiry must be in the future and not earlier than the first's (the instance keeps renewing).
 */
export async function postCheck(
  cloud: Cloud,
  regionId: string,
  instanceId: string,
  o: StepOptions & { pauseMs?: number } = {},
): Promise<PostCheck> {
  const first = await verifyRoleOnInstance(cloud, regionId, instanceId, o);
  if (first.verdict !== 'roleOk' || first.report?.imds !== 'hardened') {
    return { instanceId, ok: false, first, summary: first.summary };
  }
  await new Promise((r) => setTimeout(r, o.pauseMs ?? 1000));
  const second = await verifyRoleOnInstance(cloud, regionId, instanceId, o);
  const e1 = Date.parse(first.report?.expiration ?? '');
  const e2 = Date.parse(second.report?.expiration ?? '');
  const renewing = second.verdict === 'roleOk' && e2 >= e1 && e2 > Date.now();
  return {
    instanceId,
    ok: renewing,
    first,
    second,
    summary: renewing
      ? l10n.t(
          'Role {0} on {1}: credentials come through a token and renew (expiry {2}).',
          second.report?.role ?? '',
          instanceId,
          second.report?.expiration ?? '',
        )
      : l10n.t('Role credentials on {0} did not renew: {1}', instanceId, second.summary),
  };
}
