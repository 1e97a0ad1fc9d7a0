/**
 * Turn On / Turn Off Access Log Dump: the source of object-level activity right-sizing needs for a
 * bucket ("日志转存", help.aliyun.com/zh/oss/user-guide/logging; PutBucketLogging and
 * DeleteBucketLogging). The target must be a bucket of the same account in the same region; the
 * log objects written there hourly are billed as storage in it until deleted, which the
 * confirmation names with the account and profile. Turning it off is offered right after.
 */
import * as vscode from 'vscode';
import { bucketNameProblem } from '../../cloud/oss';
import { collectAll } from '../../cloud/paging';
import type { Services } from '../../services/services';
import { UserCancelled } from '../../ui/errorFunnel';
import { withProgress } from '../../ui/progress';
import { OssBucketNode } from '../../views/ossView';
import { defineCommand, is } from '../command';
import { notify } from '../helpers';

export const DEFAULT_LOG_PREFIX = 'oss-access-log/';

const dumpArgs = { bucket: is.string, region: is.string, targetBucket: is.string, targetPrefix: is.string };

/** The note every offer carries: where the cost lands, and the other (SLS-billed) source of object events. */
export function logDumpCostNote(): string {
  return vscode.l10n.t(
    'Cost: OSS writes one log object per hour into the target bucket while the dump is on; they are billed as OSS storage in that bucket (and its requests) until you delete them, for example with a lifecycle rule (source: OSS "Logging", help.aliyun.com/zh/oss/user-guide/logging). Logs arrive within hours, up to 48 hours later. The other source of object-level events, an ActionTrail trail with a data-event selector (PutDataEventSelector), delivers them to a Simple Log Service Logstore and is billed by SLS.',
  );
}

async function bucketAndRegion(
  s: Services,
  node: OssBucketNode | undefined,
  args: { bucket?: string; region?: string },
): Promise<{ bucket: string; region: string }> {
  const { cloud } = await s.cloud();
  const bucket =
    node?.info.name ??
    args.bucket ??
    (
      await s.prompt.pick(
        (await collectAll((m) => cloud.oss.listBuckets(m, 1000), 10)).map((b) => ({
          label: b.name,
          description: b.region,
          bucket: b.name,
        })),
        {
          title: vscode.l10n.t('Turn On Access Log Dump'),
          placeHolder: vscode.l10n.t('Bucket whose access log to dump'),
        },
      )
    ).bucket;
  const region = node?.info.region ?? args.region ?? (await cloud.oss.regionOfBucket(bucket, cloud.session.regionId));
  return { bucket, region };
}

export const ossTurnOnAccessLogDump = defineCommand({
  id: 'alibabaCloud.oss.turnOnAccessLogDump',
  node: [OssBucketNode],
  args: dumpArgs,
  run: async (s: Services, { node, args }) => {
    const { cloud, entry } = await s.cloud();
    const { bucket, region } = await bucketAndRegion(s, node, args);
    const existing = await cloud.oss.getBucketLogging(bucket, region);
    if (existing) {
      notify(
        vscode.l10n.t(
          'Bucket {0} already dumps its access log to {1}/{2}.',
          bucket,
          existing.targetBucket,
          existing.targetPrefix,
        ),
      );
      return { bucket, region, ...existing, changed: false };
    }
    let targetBucket = args.targetBucket;
    let create = false;
    if (!targetBucket) {
      const sameRegion = (await collectAll((m) => cloud.oss.listBuckets(m, 1000), 10)).filter(
        (b) => b.region === region && b.name !== bucket,
      );
      const suggested = `${bucket}-access-logs`.slice(0, 63);
      const picked = await s.prompt.pick(
        [
          ...sameRegion.map((b) => ({ label: b.name, description: b.region, name: b.name, create: false })),
          ...(sameRegion.some((b) => b.name === suggested) || bucketNameProblem(suggested)
            ? []
            : [
                {
                  label: vscode.l10n.t('Create bucket {0}', suggested),
                  description: region,
                  name: suggested,
                  create: true,
                },
              ]),
        ],
        {
          title: vscode.l10n.t('Turn On Access Log Dump for {0}', bucket),
          placeHolder: vscode.l10n.t('Bucket in {0} to write the log objects to (same account, same region)', region),
        },
      );
      targetBucket = picked.name;
      create = picked.create;
    }
    const targetPrefix =
      args.targetPrefix ??
      (await s.prompt.input({
        title: vscode.l10n.t('Turn On Access Log Dump for {0}', bucket),
        prompt: vscode.l10n.t('Prefix of the log objects in {0}', targetBucket),
        value: DEFAULT_LOG_PREFIX,
      }));
    const { accountId } = await cloud.whoAmI();
    const ok = await s.prompt.confirm(
      vscode.l10n.t(
        'Dump the access log of bucket {0} to {1}/{2} in account {3} (profile {4})?',
        bucket,
        targetBucket,
        targetPrefix,
        accountId,
        entry.name,
      ),
      [
        create ? vscode.l10n.t('Creates private bucket {0} in {1}.', targetBucket, region) : '',
        vscode.l10n.t('Calls PutBucketLogging on bucket {0}.', bucket),
        logDumpCostNote(),
      ]
        .filter(Boolean)
        .join('\n\n'),
      vscode.l10n.t('Turn On Access Log Dump'),
    );
    if (!ok) {
      throw new UserCancelled();
    }
    await withProgress(
      vscode.l10n.t('Turning on the access log dump of {0}…', bucket),
      async () => {
        if (create) {
          await cloud.oss.createBucket(targetBucket, region);
        }
        await cloud.oss.putBucketLogging(bucket, region, { targetBucket, targetPrefix });
      },
      false,
    );
    s.refresh('oss');
    notify(
      vscode.l10n.t(
        'Bucket {0} now dumps its access log to {1}/{2} (account {3}); right-sizing can narrow its objects once the log covers the period read.',
        bucket,
        targetBucket,
        targetPrefix,
        accountId,
      ),
      {
        [vscode.l10n.t('Turn Off')]: () =>
          vscode.commands.executeCommand('alibabaCloud.oss.turnOffAccessLogDump', { bucket, region }),
      },
    );
    return { bucket, region, targetBucket, targetPrefix, created: create, changed: true, account: accountId };
  },
});

export const ossTurnOffAccessLogDump = defineCommand({
  id: 'alibabaCloud.oss.turnOffAccessLogDump',
  node: [OssBucketNode],
  args: { bucket: is.string, region: is.string },
  run: async (s: Services, { node, args }) => {
    const { cloud, entry } = await s.cloud();
    const { bucket, region } = await bucketAndRegion(s, node, args);
    const { accountId } = await cloud.whoAmI();
    const ok = await s.prompt.confirm(
      vscode.l10n.t(
        'Stop dumping the access log of bucket {0} in account {1} (profile {2})?',
        bucket,
        accountId,
        entry.name,
      ),
      vscode.l10n.t(
        'Calls DeleteBucketLogging on bucket {0}. Log objects already written stay in their bucket (and billed) until you delete them.',
        bucket,
      ),
      vscode.l10n.t('Turn Off'),
    );
    if (!ok) {
      throw new UserCancelled();
    }
    await cloud.oss.deleteBucketLogging(bucket, region);
    notify(vscode.l10n.t('Bucket {0} no longer dumps its access log.', bucket));
    return { bucket, region, account: accountId };
  },
});
