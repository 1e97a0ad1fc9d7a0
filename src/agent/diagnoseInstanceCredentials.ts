/**
 * diagnoseInstanceCredentials: on this host, the instance-credential diagnostics (metadata service
 * to STS, read-only); for a named instance, Verify Role on Instance through Cloud Assistant, which
 * runs a script there and so asks first, in the chat and again in our own modal (a caller outside
 * the chat gets no chat confirmation).
 */
import { runInstanceDiagnostics } from '../cloud/instanceDiagnostics';
import { l10n } from '../cloud/l10n';
import { verifyRoleOnInstance } from '../setup/verifyRole';
import { resultText } from './results';
import { defineTool } from './tool';

interface Input {
  instanceId?: string;
  regionId?: string;
  bucket?: string;
}

/** The question, the same in the chat confirmation and our modal: account, profile and what runs where. */
function question(
  instanceId: string,
  regionId: string,
  account: string,
  profileName: string,
): { title: string; message: string } {
  return {
    title: l10n.t('Run the role check on instance {0}?', instanceId),
    message: l10n.t(
      'Account {0}, profile "{1}": Cloud Assistant runs a read-only script on instance {2} ({3}) that asks the metadata service for the role and lists an OSS bucket with it. The run is recorded in the instance\'s command history.',
      account,
      profileName,
      instanceId,
      regionId,
    ),
  };
}

export const diagnoseInstanceCredentials = defineTool<Input>({
  name: 'alibabaCloud_diagnoseInstanceCredentials',
  async prepare(input, c) {
    if (!input.instanceId) {
      return { invocationMessage: l10n.t('Diagnosing the instance credentials of this host…') };
    }
    return {
      invocationMessage: l10n.t('Verifying the role on {0} through Cloud Assistant…', input.instanceId),
      confirmationMessages: question(input.instanceId, input.regionId ?? c.regionId, await c.account(), c.profileName),
    };
  },
  async run({ profile, cloud, instance, confirm, recordRoleCheck, signal }, input) {
    if (input.instanceId) {
      const regionId = input.regionId ?? profile.regionId;
      const q = question(input.instanceId, regionId, (await cloud.knownIdentity()).accountId, profile.name);
      if (!(await confirm(q.title, q.message, l10n.t('Run Check')))) {
        return resultText({ declined: true, reason: 'The user declined running the check on the instance.' });
      }
      const r = await verifyRoleOnInstance(cloud, regionId, input.instanceId, {
        bucket: input.bucket ? { name: input.bucket, regionId } : undefined,
        signal,
      });
      recordRoleCheck(r);
      return resultText(
        { instanceId: r.instanceId, regionId: r.regionId, verdict: r.verdict, invocationStatus: r.invocation?.status },
        {
          instanceName: r.instanceName,
          summary: r.summary,
          detail: r.detail,
          roleSeenOnInstance: r.report?.role,
          credentialsExpire: r.report?.expiration,
          bucketListing: r.report?.list,
        },
      );
    }
    const allowed = await instance.mayProbe(false);
    if (!allowed.ok) {
      return resultText(
        { ran: false, problem: allowed.problem.code },
        { title: allowed.problem.title, fix: allowed.problem.fix },
      );
    }
    const cfg = instance.configured();
    const r = await runInstanceDiagnostics({
      imdsUrl: cfg.imdsUrl,
      endpointSource: cfg.source,
      allowInsecureFallback: cfg.allowInsecureFallback,
      useInternalOssEndpoint: cfg.useInternalOssEndpoint,
      sandboxUrl: instance.sandboxUrl(),
      environment: instance.environment(),
    });
    return resultText(
      {
        overall: r.overall,
        roleName: r.roleName,
        instance: r.identity,
        credentialsExpire: r.expiration?.toISOString(),
        clockSkewMs: r.clockSkewMs,
      },
      { checks: r.checks.map((c) => ({ id: c.id, status: c.status, detail: c.detail, fix: c.fix })) },
    );
  },
});
