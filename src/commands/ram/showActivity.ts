/** Show Activity: what a role really did over 90 days, as a read-only report (service → action → resources, denied apart). */
import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { RoleNode } from '../../views/ramView';
import { defineCommand } from '../command';
import { onClickedRow } from '../selection';
import { notify } from '../helpers';
import {
  activityMarkdown,
  bucketsWithoutLogDump,
  logDumpOffer,
  readWithProgress,
  rightsizeArgs,
  roleOf,
} from './rightsizeRead';

export const showRoleActivity = defineCommand({
  id: 'alibabaCloud.ram.showActivity',
  node: [RoleNode],
  args: rightsizeArgs,
  run: onClickedRow(
    () => vscode.l10n.t('Show Activity'),
    async (s: Services, input) => {
      const { cloud } = await s.cloud();
      const roleName = await roleOf(s, cloud, input, vscode.l10n.t('Show Activity'));
      const activity = await readWithProgress(cloud, roleName);
      const text = activityMarkdown(activity);
      await s.readOnly.show(`/ram/${roleName}.activity.md`, text, { preview: false });
      const missing = bucketsWithoutLogDump(activity);
      if (missing.length) {
        notify(
          missing.length === 1
            ? vscode.l10n.t(
                'Role {0} used bucket {1}, which has no access log dump: its object calls there cannot be narrowed below bucket/*.',
                roleName,
                missing[0].bucket,
              )
            : vscode.l10n.t(
                'Role {0} used {1} buckets without an access log dump ({2}): its object calls there cannot be narrowed below bucket/*.',
                roleName,
                missing.length,
                missing.map((m) => m.bucket).join(', '),
              ),
          logDumpOffer(activity),
        );
      }
      return {
        roleName,
        complete: activity.read.complete,
        requests: activity.requests,
        report: activity.report,
        objectSources: activity.objectSources.map(({ error, ...o }) => ({ ...o, error: error?.message })),
        text,
      };
    },
  ),
});
