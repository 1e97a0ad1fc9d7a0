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
import type { AttachedPolicy } from '../../cloud/ram';
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

interface DeletePlan {
  /** Instances to detach the role from first. */
  users: EcsInstance[];
  /** Policies to detach first: RAM deletes a role only when nothing is attached. */
  attached: AttachedPolicy[];
}

/**
 * Asks once before deleting, with everything the delete will do in that one dialog: the instances
 * the role is taken off and the policies detached (RAM refuses DeleteRole with
 * DeleteConflict.Role.Policy otherwise). Undefined when refused.
 */
async function confirmDelete(
  s: Services,
  cloud: Cloud,
  defaultRegion: string,
  roleName: string,
): Promise<DeletePlan | undefined> {
  // Every region with instances is searched unless the user chose regions (see ecsRegions).
  const chosen = chosenRegions();
  const regions = chosen.length ? chosen.join(', ') : vscode.l10n.t('any region');
  const [found, attached] = await withProgress(
    vscode.l10n.t('Looking for instances that use {0}…', roleName),
    () =>
      Promise.all([
        listInstancesWithRoles(cloud, defaultRegion).then(
          (all) => all.filter((i) => i.ramRoleName?.toLowerCase() === roleName.toLowerCase()),
          (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
        ),
        cloud.ram.listPoliciesForRole(roleName),
      ]),
    false,
  );
  const policies = attached.length
    ? ' ' +
      vscode.l10n.t(
        'Its policies are detached first (RAM deletes a role only when nothing is attached): {0}.',
        attached.map((p) => `${p.policyName} (${p.policyType})`).join(', '),
      )
    : '';
  const deleteLabel = attached.length ? vscode.l10n.t('Detach All and Delete') : vscode.l10n.t('Delete');
  if (found instanceof Error) {
    // Without ECS access we cannot tell; say so rather than imply no instance uses it.
    const ok = await s.prompt.confirm(
      vscode.l10n.t('Delete role {0}?', roleName),
      vscode.l10n.t(
        'Could not check which instances use this role ({0}). Instances that use it stop getting credentials and must have it detached later. This cannot be undone.',
        found.message,
      ) + policies,
      deleteLabel,
    );
    return ok ? { users: [], attached } : undefined;
  }
  if (!found.length) {
    const ok = await s.prompt.confirm(
      vscode.l10n.t('Delete role {0}?', roleName),
      vscode.l10n.t('No instance in {0} uses this role. This cannot be undone.', regions) + policies,
      deleteLabel,
    );
    return ok ? { users: [], attached } : undefined;
  }
  const detachAndDelete = vscode.l10n.t('Detach and Delete');
  const message =
    found.length === 1
      ? vscode.l10n.t('{0} is used by instance {1}.', roleName, found[0].instanceName || found[0].instanceId)
      : vscode.l10n.t('{0} is used by {1} instances.', roleName, found.length);
  const detail =
    vscode.l10n.t(
      'Deleting the role would leave these instances without credentials: {0}. Detach and Delete detaches the role from them first (programs on them lose its permissions), then deletes it. This cannot be undone.',
      found.map(describe).join('; '),
    ) + policies;
  return (await s.prompt.choose(message, detail, [detachAndDelete])) === detachAndDelete
    ? { users: found, attached }
    : undefined;
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
      const plan = await confirmDelete(s, cloud, entry.regionId, roleName);
      if (!plan) {
        return false;
      }
      const { users, attached } = plan;
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
        await withProgress(
          vscode.l10n.t('Deleting role {0}…', roleName),
          async (report) => {
            for (const p of attached) {
              report(vscode.l10n.t('Detaching {0}…', p.policyName), 100 / (attached.length + 1));
              try {
                await cloud.ram.detachPolicyFromRole(roleName, p.policyName, p.policyType);
              } catch (e) {
                // Detached by someone else meanwhile: the goal holds.
                if (!isCloudError(e, 'EntityNotExist.Role.Policy')) {
                  throw e;
                }
              }
            }
            report(vscode.l10n.t('Deleting the role…'));
            // A policy attached after the question still fails here with DeleteConflict.Role.Policy:
            // it was not in the confirmation, so it is not detached unasked.
            await cloud.ram.deleteRole(roleName);
          },
          false,
        );
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
