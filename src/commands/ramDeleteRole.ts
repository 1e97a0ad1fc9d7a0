/** Delete Role: modal confirm; when policies are still attached, offer "Detach All and Delete". */
import * as vscode from 'vscode';
import { isCloudError } from '../cloud/errors';
import { pickRole } from '../ui/pickers';
import { withProgress } from '../ui/progress';
import { RoleNode } from '../views/ramView';
import { argsOf, defineCommand } from './command';
import { notify } from './ramCommon';

export interface DeleteRoleArgs { roleName: string }

export const deleteRole = defineCommand('alibabaCloud.ram.deleteRole', async (s, arg) => {
  const a = argsOf<DeleteRoleArgs>(arg);
  const node = arg instanceof RoleNode ? arg : undefined;
  const { cloud } = await s.cloud();
  const roleName = node?.role.roleName ?? a.roleName ?? await pickRole(s.prompt, cloud, vscode.l10n.t('Delete Role'));
  const ok = await s.prompt.confirm(
    vscode.l10n.t('Delete role {0}?', roleName),
    vscode.l10n.t('Instances that use this role stop getting credentials from it. This cannot be undone.'),
    vscode.l10n.t('Delete'));
  if (!ok) { return false; }
  try {
    try {
      await withProgress(vscode.l10n.t('Deleting role {0}…', roleName), () => cloud.ram.deleteRole(roleName), false);
    } catch (e) {
      if (!isCloudError(e, 'DeleteConflict.Role.Policy')) { throw e; }
      const attached = await cloud.ram.listPoliciesForRole(roleName);
      const detachAll = vscode.l10n.t('Detach All and Delete');
      const go = (await s.prompt.choose(
        vscode.l10n.t('{0} still has {1} policies attached.', roleName, attached.length),
        vscode.l10n.t('RAM deletes a role only when nothing is attached: {0}. Detach them all and delete the role?', attached.map((p) => `${p.policyName} (${p.policyType})`).join(', ')),
        [detachAll])) === detachAll;
      if (!go) { return false; }
      await withProgress(vscode.l10n.t('Deleting role {0}…', roleName), async (report) => {
        for (const p of attached) {
          report(vscode.l10n.t('Detaching {0}…', p.policyName), 100 / (attached.length + 1));
          await cloud.ram.detachPolicyFromRole(roleName, p.policyName, p.policyType);
        }
        report(vscode.l10n.t('Deleting the role…'));
        await cloud.ram.deleteRole(roleName);
      }, false);
    }
    notify(vscode.l10n.t('Role {0} deleted.', roleName));
    return true;
  } finally {
    s.refresh('ram', node?.parent);
  }
});
