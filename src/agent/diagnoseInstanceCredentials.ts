/**
 * diagnoseInstanceCredentials: on this host, the instance-credential diagnostics (metadata service
 * to STS, read-only); for a named instance, Verify Role on Instance through Cloud Assistant, which
 * runs a script there and so asks first, in the chat and again in our own modal (a caller outside
 * the chat gets no chat confirmation).
 */
import * as vscode from 'vscode';
import { runInstanceDiagnostics } from '../cloud/instanceDiagnostics';
import { verifyRoleOnInstance } from '../setup/verifyRole';
import { roleChecksOf } from '../ui/roleChecks';
import type { Services } from '../ui/services';
import { resultText } from './results';
import { activeProfileName, defineTool } from './tool';

interface Input { instanceId?: string; regionId?: string; bucket?: string }

const regionOf = (s: Services, input: Input) => input.regionId ?? s.profiles.active()?.regionId ?? 'cn-hangzhou';

async function accountOf(s: Services): Promise<string> {
  try { return (await (await s.cloud()).cloud.knownIdentity()).accountId; } catch { return '?'; }
}

/** The question, the same in the chat confirmation and our modal. */
function question(s: Services, input: Input & { instanceId: string }, account: string): { title: string; message: string } {
  return {
    title: vscode.l10n.t('Run the role check on instance {0}?', input.instanceId),
    message: vscode.l10n.t('Account {0}, profile "{1}": Cloud Assistant runs a read-only script on instance {2} ({3}) that asks the metadata service for the role and lists an OSS bucket with it. The run is recorded in the instance\'s command history.', account, activeProfileName(s), input.instanceId, regionOf(s, input)),
  };
}

export const diagnoseInstanceCredentials = defineTool<Input>({
  name: 'alibabaCloud_diagnoseInstanceCredentials',
  async prepare(s, input) {
    if (!input.instanceId) { return { invocationMessage: vscode.l10n.t('Diagnosing the instance credentials of this host…') }; }
    const q = question(s, { ...input, instanceId: input.instanceId }, await accountOf(s));
    return { invocationMessage: vscode.l10n.t('Verifying the role on {0} through Cloud Assistant…', input.instanceId), confirmationMessages: { title: q.title, message: q.message } };
  },
  async run({ s, cloud, token }, input) {
    if (input.instanceId) {
      const regionId = regionOf(s, input);
      const q = question(s, { ...input, instanceId: input.instanceId }, (await cloud.knownIdentity()).accountId);
      if (!await s.prompt.confirm(q.title, q.message, vscode.l10n.t('Run Check'))) { return resultText({ declined: true, reason: 'The user declined running the check on the instance.' }); }
      const signal = new AbortController();
      token.onCancellationRequested(() => signal.abort());
      const r = await verifyRoleOnInstance(cloud, regionId, input.instanceId, { bucket: input.bucket ? { name: input.bucket, regionId } : undefined, signal: signal.signal });
      roleChecksOf(s).set(r);
      return resultText(
        { instanceId: r.instanceId, regionId: r.regionId, verdict: r.verdict, invocationStatus: r.invocation?.status },
        { instanceName: r.instanceName, summary: r.summary, detail: r.detail, roleSeenOnInstance: r.report?.role, credentialsExpire: r.report?.expiration, bucketListing: r.report?.list },
      );
    }
    const svc = s.instance;
    const allowed = await svc.mayProbe(false);
    if (!allowed.ok) { return resultText({ ran: false, problem: allowed.problem.code }, { title: allowed.problem.title, fix: allowed.problem.fix }); }
    const cfg = svc.configured();
    const r = await runInstanceDiagnostics({
      imdsUrl: cfg.imdsUrl, endpointSource: cfg.source, allowInsecureFallback: cfg.allowInsecureFallback,
      useInternalOssEndpoint: cfg.useInternalOssEndpoint, sandboxUrl: svc.sandboxUrl(), environment: svc.environment(),
    });
    return resultText(
      { overall: r.overall, roleName: r.roleName, instance: r.identity, credentialsExpire: r.expiration?.toISOString(), clockSkewMs: r.clockSkewMs },
      { checks: r.checks.map((c) => ({ id: c.id, status: c.status, detail: c.detail, fix: c.fix })) },
    );
  },
});
