/**
 * Tear Down Role: the plan first (which instances lose the role, which policies are detached,
 * deleted or kept and why), a modal confirmation, then the calls with progress. Safe to run again.
 */
import { RoleNode } from '../../views/ramView';
import * as vscode from 'vscode';
import { applyTearDown, planTearDown, type TearDownPlan } from '../../setup/tearDown';
import { pickRole } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import { defineCommand, is } from '../command';
import { notify } from '../helpers';
import { oneRowOnly } from '../selection';

const tearDownArgs = {
  roleName: is.string,
};

function describePlan(plan: TearDownPlan): string {
  const lines = plan.steps.map((s, i) => `${i + 1}. ${s.title}`);
  for (const k of plan.kept) {
    lines.push(
      k.reason === 'system'
        ? vscode.l10n.t('Kept: {0} is a system policy.', k.policyName)
        : vscode.l10n.t('Kept: {0} is also attached to {1}.', k.policyName, k.usedBy.join(', ')),
    );
  }
  return lines.join('\n');
}

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
        vscode.l10n.t(
          "Programs on these instances lose the role's permissions within seconds, as the change reaches ECS and the other services. This cannot be undone.\n\n{0}",
          describePlan(plan),
        ),
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
