/**
 * Tear Down Role: the plan first (which instances lose the role, which policies are detached,
 * deleted or kept and why), a modal confirmation, then the calls with progress. Safe to run again.
 */
import { RoleNode } from '../../views/ramView';
import * as vscode from 'vscode';
import { applyTearDown, describeTearDown, planTearDown } from '../../setup/tearDown';
import { pickRole } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import { defineCommand, is } from '../command';
import { notify } from '../helpers';
import { oneRowOnly } from '../selection';

const tearDownArgs = {
  roleName: is.string,
};

export const tearDownRole = defineCommand({
  id: 'alibabaCloud.ram.tearDownRole',
  node: [RoleNode],
  args: tearDownArgs,
  run: oneRowOnly(
    () => vscode.l10n.t('Tear Down RAM Role'),
    async (s, input) => {
      const a = input.args;
      const node = input.node;
      const { cloud } = await s.cloud();
      const roleName =
        node?.role.roleName ?? a.roleName ?? (await pickRole(s.prompt, cloud, vscode.l10n.t('Tear Down Role')));
      const plan = await withProgress(
        vscode.l10n.t('Planning the tear-down of {0}…', roleName),
        async (report) => {
          report(vscode.l10n.t('Finding instances that use the role…'));
          const regions = (await cloud.ecs.describeRegions()).map((r) => r.regionId);
          return planTearDown(cloud, roleName, regions);
        },
        false,
      );
      if (!plan.exists) {
        notify(vscode.l10n.t('Role {0} does not exist; there is nothing to tear down.', roleName));
        return { roleName, done: [] as string[] };
      }
      const ok = await s.prompt.confirm(
        vscode.l10n.t('Tear down role {0}?', roleName),
        describeTearDown(plan),
        vscode.l10n.t('Tear Down'),
      );
      if (!ok) {
        return undefined;
      }
      try {
        const result = await withProgress(vscode.l10n.t('Tearing down {0}…', roleName), (report, signal) =>
          applyTearDown(cloud, plan, {
            onStep: (step, _i, total) => report(step.title, 100 / total),
            isCancelled: () => signal.aborted,
          }),
        );
        notify(vscode.l10n.t('Role {0} is torn down.', roleName));
        return { roleName, done: result.done };
      } finally {
        s.refresh('ram');
        s.refresh('ecs');
      }
    },
  ),
});
