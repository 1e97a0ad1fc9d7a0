/**
 * Verify Role on Instance: the documented step 3 run on the instance through Cloud Assistant, no
 * SSH needed (so it works without a public IP). Shows the verdict in the identity view, the log,
 * and a notification.
 */
import * as vscode from 'vscode';
import { collectAll } from '../../cloud/paging';
import { verifyRoleOnInstance } from '../../setup/verifyRole';
import { withProgress } from '../../ui/progress';
import type { Services } from '../../services/services';
import { roleCheckNode } from '../../views/roleCheckView';
import { InstanceNode } from '../../views/ecsView';
import { defineCommand, is } from '../command';
import { instanceArgs } from './instanceInput';
import { instanceRef } from './connectRemoteSsh';
import { onClickedRow } from '../selection';

/** A bucket to try listing, or none. Args may name one (`bucket`) or skip it (`bucket: ''`). */
async function chooseBucket(
  s: Services,
  a: { bucket?: string; bucketRegion?: string },
  title: string,
): Promise<{ name: string; regionId: string } | undefined> {
  const { entry, cloud } = await s.cloud();
  if (a.bucket === '') {
    return undefined;
  }
  const buckets = collectAll((m) => cloud.oss.listBuckets(m, 100), 10).catch(() => []);
  if (a.bucket) {
    return {
      name: a.bucket,
      regionId: a.bucketRegion ?? (await buckets).find((b) => b.name === a.bucket)?.region ?? entry.regionId,
    };
  }
  const SKIP = '';
  const item = await s.prompt.pick(
    buckets.then((bs) => [
      ...bs.map((b) => ({ label: b.name, description: b.region, value: b.name, region: b.region })),
      { label: vscode.l10n.t('Skip the OSS check'), description: '', value: SKIP, region: '' },
    ]),
    { title, placeHolder: vscode.l10n.t('Also check that the role can list a bucket?') },
  );
  return item.value ? { name: item.value, regionId: item.region } : undefined;
}

export const verifyRole = defineCommand({
  id: 'alibabaCloud.ecs.verifyRole',
  node: [InstanceNode],
  args: { ...instanceArgs, bucket: is.string, bucketRegion: is.string },
  run: onClickedRow(
    () => vscode.l10n.t('Verify RAM Role on ECS Instance'),
    async (s, input) => {
      const title = vscode.l10n.t('Verify Role on Instance');
      const ref = await instanceRef(s, input, title);
      const { cloud } = await s.cloud();
      // The bucket is asked only once the instance can be checked (running, VPC, agent there).
      const result = await withProgress(
        vscode.l10n.t('Verifying the role on {0} through Cloud Assistant…', ref.instanceId),
        (report, signal) =>
          verifyRoleOnInstance(cloud, ref.regionId, ref.instanceId, {
            bucket: () => chooseBucket(s, input.args, title),
            signal,
            onState: (st) => report(st),
          }),
      );
      const line = `verify role ${ref.instanceId}: ${result.verdict} — ${result.summary}${result.detail ? ` ${result.detail}` : ''}`;
      if (result.verdict === 'roleOk') {
        s.log.info(line);
      } else {
        s.log.warn(line);
      }
      s.roleChecks.set(result);
      const show = vscode.l10n.t('Show in Identity View');
      const message = result.detail ? `${result.summary} ${result.detail}` : result.summary;
      // Not awaited: the command is over once the verdict is shown.
      void s.prompt.notify(message, [show], result.verdict === 'roleOk' ? 'info' : 'warning').then(async (c) => {
        if (c !== show) {
          return;
        }
        await vscode.commands.executeCommand('alibabaCloud.identity.focus');
        await s.reveal('identity', roleCheckNode(s, result));
      });
      return {
        verdict: result.verdict,
        summary: result.summary,
        detail: result.detail,
        role: result.report?.role,
        expiration: result.report?.expiration,
        list: result.report?.list,
        status: result.invocation?.status,
      };
    },
  ),
});
