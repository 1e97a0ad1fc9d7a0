/**
 * Delete Policy (custom): shows where it is attached (ListEntitiesForPolicy) and offers to detach
 * it from those roles first; non-default versions go with it (cascading delete).
 */
import { PolicyNode } from '../../views/ramView';
import * as vscode from 'vscode';
import { pickPolicy } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import { defineCommand, is } from '../command';
import { notify } from '../helpers';
import { oneRowOnly } from '../selection';

/** Names the policy only: the confirmations are always asked (see Input.scripted in command.ts). */
const deletePolicyArgs = {
  policyName: is.string,
};

export const deletePolicy = defineCommand({
  id: 'alibabaCloud.ram.deletePolicy',
  node: [PolicyNode],
  args: deletePolicyArgs,
  run: oneRowOnly(
    () => vscode.l10n.t('Delete RAM Policy'),
    async (s, input) => {
      const a = input.args;
      const node = input.node;
      const { cloud } = await s.cloud();
      const policyName =
        node?.policy.policyName ??
        a.policyName ??
        (await pickPolicy(s.prompt, cloud, vscode.l10n.t('Delete Policy'), 'Custom')).policyName;
      if (node && node.policy.policyType !== 'Custom') {
        throw new Error(vscode.l10n.t('{0} is a system policy; it cannot be deleted.', policyName));
      }

      const used = await cloud.ram.listEntitiesForPolicy(policyName, 'Custom');
      let detachRoles = false;
      if (used.roles.length) {
        const action = vscode.l10n.t('Detach from Roles and Delete');
        const others = [
          ...used.users.map((u) => vscode.l10n.t('user {0}', u)),
          ...used.groups.map((g) => vscode.l10n.t('group {0}', g)),
        ];
        detachRoles =
          (await s.prompt.choose(
            vscode.l10n.t('{0} is attached to roles: {1}', policyName, used.roles.join(', ')),
            [
              vscode.l10n.t(
                'Those roles (and the instances using them) lose its permissions. Detach it from them, then delete the policy and all its versions?',
              ),
              others.length
                ? vscode.l10n.t(
                    'It is also attached to {0}; detach it there in the RAM console first.',
                    others.join(', '),
                  )
                : '',
            ]
              .filter(Boolean)
              .join('\n\n'),
            [action],
          )) === action;
        if (!detachRoles) {
          return false;
        }
      } else {
        const ok = await s.prompt.confirm(
          vscode.l10n.t('Delete policy {0}?', policyName),
          used.users.length || used.groups.length
            ? vscode.l10n.t(
                'It is attached to users or groups ({0}); RAM refuses to delete it until it is detached there.',
                [...used.users, ...used.groups].join(', '),
              )
            : vscode.l10n.t('It is not attached anywhere. All its versions are deleted. This cannot be undone.'),
          vscode.l10n.t('Delete'),
        );
        if (!ok) {
          return false;
        }
      }
      try {
        await withProgress(
          vscode.l10n.t('Deleting policy {0}…', policyName),
          async (report) => {
            if (detachRoles) {
              for (const r of used.roles) {
                report(vscode.l10n.t('Detaching from {0}…', r));
                await cloud.ram.detachPolicyFromRole(r, policyName, 'Custom');
              }
            }
            report(vscode.l10n.t('Deleting the policy…'));
            await cloud.ram.deletePolicy(policyName, true);
          },
          false,
        );
        notify(vscode.l10n.t('Policy {0} deleted.', policyName));
        return true;
      } finally {
        // Detaching changed the roles too; otherwise only the policy list changed.
        s.refresh('ram', detachRoles ? undefined : node?.parent);
      }
    },
  ),
});
