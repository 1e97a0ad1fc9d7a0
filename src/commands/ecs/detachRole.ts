/**
 * Detach RAM Role from Instance, after a modal confirm. On a multi-selection: one confirmation
 * naming each instance and the role it loses, then each instance on its own, with a summary.
 */
import * as vscode from 'vscode';
import type { EcsInstance } from '../../cloud/ecs';
import { withProgress } from '../../ui/progress';
import type { Services } from '../../services/services';
import { classicReason } from '../../ui/wizard/pickers';
import { InstanceNode } from '../../views/ecsView';
import { defineCommand } from '../command';
import { instanceArgs } from './instanceInput';
import { instanceFor, nameOf, refreshRegions, refuseClassic, withCurrentRoles } from './attachRole';
import { notify } from '../helpers';
import { bulleted, forEach, showSummary, type ItemResult } from '../selection';

const consequence = () =>
  vscode.l10n.t(
    'Programs on the instance stop getting credentials from the metadata service; the ones they hold stop working when they expire.',
  );

export const detachRole = defineCommand({
  id: 'alibabaCloud.ecs.detachRole',
  node: [InstanceNode],
  args: instanceArgs,
  run: async (s, input) => {
    const selected = input.nodes;
    if (selected.length > 1) {
      return detachFromMany(s, selected);
    }
    const instance = await instanceFor(s, input, vscode.l10n.t('Detach RAM Role from Instance'), 'detach');
    refuseClassic(instance);
    const roleName = instance.ramRoleName;
    if (!roleName) {
      notify(vscode.l10n.t('{0} has no RAM role.', nameOf(instance)));
      return false;
    }
    const ok = await s.prompt.confirm(
      vscode.l10n.t('Detach role {0} from {1}?', roleName, instance.instanceName || instance.instanceId),
      consequence(),
      vscode.l10n.t('Detach'),
    );
    if (!ok) {
      return false;
    }
    const { cloud } = await s.cloud();
    try {
      await withProgress(
        vscode.l10n.t('Detaching {0} from {1}…', roleName, instance.instanceId),
        () => cloud.ecs.detachRole(instance.regionId, instance.instanceId, roleName),
        false,
      );
    } finally {
      s.refresh('ecs', input.node?.parent);
    }
    notify(vscode.l10n.t('Role {0} detached from {1}.', roleName, nameOf(instance)));
    return true;
  },
});

async function detachFromMany(s: Services, nodes: InstanceNode[]): Promise<ItemResult[]> {
  const { entry, cloud } = await s.cloud();
  const instances = await withCurrentRoles(
    cloud,
    nodes.map((n) => n.instance),
  );
  const skipped: ItemResult[] = instances
    .map((i) => ({ i, why: classicReason(i) ?? (i.ramRoleName ? undefined : vscode.l10n.t('no role to detach')) }))
    .filter((x) => x.why)
    .map(({ i, why }) => ({ name: nameOf(i), ok: false, skipped: why }));
  const todo = instances.filter((i) => !classicReason(i) && i.ramRoleName);
  if (!todo.length) {
    showSummary(s, '', skipped);
    return skipped;
  }
  const { accountId } = await cloud.knownIdentity();
  const message =
    todo.length === 1
      ? vscode.l10n.t('Detach the RAM role from 1 instance in account {0} (profile {1})?', accountId, entry.name)
      : vscode.l10n.t(
          'Detach the RAM roles from {0} instances in account {1} (profile {2})?',
          todo.length,
          accountId,
          entry.name,
        );
  const detail = [
    bulleted(todo.map((i) => vscode.l10n.t('{0}: loses {1}', nameOf(i), i.ramRoleName!))),
    skipped.length
      ? `${vscode.l10n.t('Left as they are:')}\n${bulleted(skipped.map((r) => `${r.name}: ${r.skipped}`))}`
      : '',
    consequence(),
  ]
    .filter(Boolean)
    .join('\n\n');
  if (!(await s.prompt.confirm(message, detail, vscode.l10n.t('Detach')))) {
    return [];
  }
  const results = await withProgress(vscode.l10n.t('Detach RAM Role from Instance'), (report, signal) =>
    forEach(
      s,
      todo,
      nameOf,
      async (i: EcsInstance) => {
        report(vscode.l10n.t('Detaching {0} from {1}…', i.ramRoleName!, i.instanceId));
        await cloud.ecs.detachRole(i.regionId, i.instanceId, i.ramRoleName!);
      },
      signal,
    ),
  ).finally(() => refreshRegions(s, nodes));
  showSummary(s, vscode.l10n.t('Role detached from'), [...results, ...skipped]);
  return [...results, ...skipped];
}
