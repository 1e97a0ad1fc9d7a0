/**
 * Delete Role: RAM deletes a role even while instances hold it, which strands them (no credentials,
 * and a name ECS no longer accepts). So the instances that use it are looked up first and named in
 * the confirmation, which offers to detach it from them before deleting; dismissing refuses. When
 * policies are still attached, "Detach All and Delete" is offered as before.
 */
import { RoleNode } from '../../views/ramView';
import * as vscode from 'vscode';
import type { Cloud } from '../../cloud';
import type { EcsInstance } from '../../cloud/ecs';
import { isCloudError } from '../../cloud/errors';
import { pickRole } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import { listInstancesWithRoles } from '../../ui/wizard/pickers';
import { chosenRegions } from '../../ui/settings';
import type { Services } from '../../services/services';
import { defineCommand, is } from '../command';
import { notify } from '../helpers';
import { oneRowOnly } from '../selection';

const deleteRoleArgs = {
  roleName: is.string,
};

const describe = (i: EcsInstance) => `${i.instanceName || i.instanceId} (${i.instanceId}, ${i.regionId})`;

/** Asks before deleting; resolves the instances to detach first, or undefined when refused. */
async function confirmDelete(
  s: Services,
  cloud: Cloud,
  defaultRegion: string,
  roleName: string,
): Promise<EcsInstance[] | undefined> {
  // Every region with instances is searched unless the user chose regions (see ecsRegions).
  const chosen = chosenRegions();
  const regions = chosen.length ? chosen.join(', ') : vscode.l10n.t('any region');
  let users: EcsInstance[];
  try {
    users = (
      await withProgress(
        vscode.l10n.t('Looking for instances that use {0}…', roleName),
        () => listInstancesWithRoles(cloud, defaultRegion),
        false,
      )
    ).filter((i) => i.ramRoleName?.toLowerCase() === roleName.toLowerCase());
  } catch (e) {
    // Without ECS access we cannot tell; say so rather than imply no instance uses it.
    const reason = e instanceof Error ? e.message : String(e);
    const ok = await s.prompt.confirm(
      vscode.l10n.t('Delete role {0}?', roleName),
      vscode.l10n.t(
        'Could not check which instances use this role ({0}). Instances that use it stop getting credentials and must have it detached later. This cannot be undone.',
        reason,
      ),
      vscode.l10n.t('Delete'),
    );
    return ok ? [] : undefined;
  }
  if (!users.length) {
    const ok = await s.prompt.confirm(
      vscode.l10n.t('Delete role {0}?', roleName),
      vscode.l10n.t('No instance in {0} uses this role. This cannot be undone.', regions),
      vscode.l10n.t('Delete'),
    );
    return ok ? [] : undefined;
  }
  const detachAndDelete = vscode.l10n.t('Detach and Delete');
  const message =
    users.length === 1
      ? vscode.l10n.t('{0} is used by instance {1}.', roleName, users[0].instanceName || users[0].instanceId)
      : vscode.l10n.t('{0} is used by {1} instances.', roleName, users.length);
  const detail = vscode.l10n.t(
    'Deleting the role would leave these instances without credentials: {0}. Detach and Delete detaches the role from them first (programs on them lose its permissions), then deletes it. This cannot be undone.',
    users.map(describe).join('; '),
  );
  return (await s.prompt.choose(message, detail, [detachAndDelete])) === detachAndDelete ? users : undefined;
}

export const deleteRole = defineCommand({
  id: 'alibabaCloud.ram.deleteRole',
  node: [RoleNode],
  args: deleteRoleArgs,
  run: oneRowOnly(
    () => vscode.l10n.t('Delete RAM Role'),
    async (s, input) => {
      const a = input.args;
      const node = input.node;
      const { entry, cloud } = await s.cloud();
      const roleName =
        node?.role.roleName ?? a.roleName ?? (await pickRole(s.prompt, cloud, vscode.l10n.t('Delete Role')));
      const users = await confirmDelete(s, cloud, entry.regionId, roleName);
      if (!users) {
        return false;
      }
      try {
        if (users.length) {
          await withProgress(
            vscode.l10n.t('Detaching {0} from its instances…', roleName),
            async (report) => {
              for (const i of users) {
                report(vscode.l10n.t('Detaching {0} from {1}…', roleName, i.instanceId), 100 / users.length);
                await cloud.ecs.detachRole(i.regionId, i.instanceId, i.ramRoleName);
              }
            },
            false,
          );
        }
        try {
          await withProgress(
            vscode.l10n.t('Deleting role {0}…', roleName),
            () => cloud.ram.deleteRole(roleName),
            false,
          );
        } catch (e) {
          if (!isCloudError(e, 'DeleteConflict.Role.Policy')) {
            throw e;
          }
          const attached = await cloud.ram.listPoliciesForRole(roleName);
          const detachAll = vscode.l10n.t('Detach All and Delete');
          const go =
            (await s.prompt.choose(
              attached.length === 1
                ? vscode.l10n.t('{0} still has 1 policy attached.', roleName)
                : vscode.l10n.t('{0} still has {1} policies attached.', roleName, attached.length),
              vscode.l10n.t(
                'RAM deletes a role only when nothing is attached: {0}. Detach them all and delete the role?',
                attached.map((p) => `${p.policyName} (${p.policyType})`).join(', '),
              ),
              [detachAll],
            )) === detachAll;
          if (!go) {
            return false;
          }
          await withProgress(
            vscode.l10n.t('Deleting role {0}…', roleName),
            async (report) => {
              for (const p of attached) {
                report(vscode.l10n.t('Detaching {0}…', p.policyName), 100 / (attached.length + 1));
                await cloud.ram.detachPolicyFromRole(roleName, p.policyName, p.policyType);
              }
              report(vscode.l10n.t('Deleting the role…'));
              await cloud.ram.deleteRole(roleName);
            },
            false,
          );
        }
        notify(
          users.length
            ? vscode.l10n.t(
                'Role {0} detached from {1} and deleted.',
                roleName,
                users.map((i) => i.instanceName || i.instanceId).join(', '),
              )
            : vscode.l10n.t('Role {0} deleted.', roleName),
        );
        return true;
      } finally {
        s.refresh('ram', node?.parent);
        // The ECS view shows each instance's role; it must not keep showing a deleted one.
        s.refresh('ecs');
      }
    },
  ),
});
