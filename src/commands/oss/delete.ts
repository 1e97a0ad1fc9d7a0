/**
 * Deletes objects and folders (everything under the prefix, and the folder object itself) after a
 * modal confirmation naming the count; keys go in batches of 1,000 (DeleteMultipleObjects).
 */
import * as vscode from 'vscode';
import { formatOssUri, listKeysUnder } from '../../cloud/ossLocation';
import { withProgress } from '../../ui/progress';
import { defineCommand } from '../command';
import { cloudFor, OSS_ROWS, ossUriArgs, refreshOss, resolveTargets, type OssTarget } from './targets';

interface BucketBatch {
  target: OssTarget;
  region: string;
  keys: string[];
}

export const ossDelete = defineCommand({
  id: 'alibabaCloud.oss.delete',
  node: OSS_ROWS,
  args: ossUriArgs,
  run: async (s, input) => {
    const targets = await resolveTargets(s, input, 'any', vscode.l10n.t('Delete from OSS'));
    if (targets.some((t) => t.kind === 'prefix' && !t.key)) {
      throw new Error(
        vscode.l10n.t('Deleting the whole content of a bucket is not offered here; pick folders or objects.'),
      );
    }
    const batches = new Map<string, BucketBatch>();
    let objects = 0;
    for (const t of targets) {
      const { region } = await cloudFor(s, t);
      const batch = batches.get(t.bucket) ?? { target: t, region, keys: [] };
      batches.set(t.bucket, batch);
      if (t.kind === 'object') {
        batch.keys.push(t.key);
        objects++;
      } else {
        const { cloud } = await s.cloud();
        const under = await listKeysUnder(cloud, t.bucket, region, t.key);
        objects += under.filter((o) => !o.key.endsWith('/')).length;
        batch.keys.push(...under.map((o) => o.key), t.key);
      }
    }
    const names =
      targets
        .slice(0, 10)
        .map((t) => formatOssUri(t))
        .join('\n') + (targets.length > 10 ? '\n…' : '');
    const message =
      targets.length === 1 && targets[0].kind === 'object'
        ? vscode.l10n.t('Delete {0}?', formatOssUri(targets[0]))
        : objects === 1
          ? vscode.l10n.t('Delete 1 object?')
          : vscode.l10n.t('Delete {0} objects?', objects);
    if (
      !(await s.prompt.confirm(message, vscode.l10n.t('{0}\n\nThis cannot be undone.', names), vscode.l10n.t('Delete')))
    ) {
      return 0;
    }
    try {
      await withProgress(
        vscode.l10n.t('Deleting from OSS'),
        async (report) => {
          const { cloud } = await s.cloud();
          for (const b of batches.values()) {
            const keys = [...new Set(b.keys)];
            let reported = 0;
            await cloud.oss.deleteObjects(b.target.bucket, b.region, keys, (done) => {
              report(
                vscode.l10n.t('{0} of {1}', done, keys.length),
                (((done - reported) / keys.length) * 100) / batches.size,
              );
              reported = done;
            });
          }
        },
        false,
      );
    } finally {
      refreshOss(
        s,
        targets.map((t) => t.node?.parent ?? t.node),
      );
    }
    return objects;
  },
});
