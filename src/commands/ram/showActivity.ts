/** Show Activity: what a role really did over 90 days, as a read-only report (service → action → resources, denied apart). */
import * as vscode from 'vscode';
import type { Services } from '../../services/services';
import { RoleNode } from '../../views/ramView';
import { defineCommand } from '../command';
import { onClickedRow } from '../selection';
import { activityMarkdown, readWithProgress, rightsizeArgs, roleOf } from './rightsizeRead';

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
      return { roleName, complete: activity.read.complete, requests: activity.requests, report: activity.report, text };
    },
  ),
});
