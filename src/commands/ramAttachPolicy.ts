/**
 * Attach Policy to Role (from a role node: pick the policy) and Detach Policy from Role (from an
 * attached-policy node: confirm and detach). From the palette both ask for the role first.
 */
import * as vscode from 'vscode';
import { isCloudError } from '../cloud/errors';
import type { PolicyType } from '../cloud/ram';
import { pickPolicy, pickRole } from '../ui/pickers';
import { withProgress } from '../ui/progress';
import { AttachedPolicyNode, RoleNode } from '../views/ramView';
import { argsOf, defineCommand } from './command';
import { confirmPowerfulAttach } from './powerfulPolicyWarning';
import { notify } from './ramCommon';

export interface PolicyOnRoleArgs { roleName: string; policyName: string; policyType: PolicyType }

export const attachPolicy = defineCommand('alibabaCloud.ram.attachPolicy', async (s, arg) => {
  const a = argsOf<PolicyOnRoleArgs>(arg);
  const node = arg instanceof RoleNode ? arg : undefined;
  const title = vscode.l10n.t('Attach Policy to Role');
  const { cloud } = await s.cloud();
  const roleName = node?.role.roleName ?? a.roleName ?? await pickRole(s.prompt, cloud, title);
  const policy = a.policyName
    ? { policyName: a.policyName, policyType: a.policyType ?? 'Custom' }
    : await pickPolicy(s.prompt, cloud, vscode.l10n.t('Attach a policy to {0}', roleName));
  if (await confirmPowerfulAttach(s, cloud, roleName, policy) === false) { return undefined; }
  try {
    await withProgress(vscode.l10n.t('Attaching {0} to {1}…', policy.policyName, roleName),
      () => cloud.ram.attachPolicyToRole(roleName, policy.policyName, policy.policyType), false);
    notify(vscode.l10n.t('{0} ({1}) is attached to {2}.', policy.policyName, policy.policyType, roleName));
  } catch (e) {
    if (!isCloudError(e, 'EntityAlreadyExists.Role.Policy')) { throw e; }
    notify(vscode.l10n.t('{0} was already attached to {1}; nothing changed.', policy.policyName, roleName));
  } finally {
    s.refresh('ram', node);
  }
  return { roleName, ...policy };
});

export const detachPolicy = defineCommand('alibabaCloud.ram.detachPolicy', async (s, arg) => {
  const a = argsOf<PolicyOnRoleArgs>(arg);
  const node = arg instanceof AttachedPolicyNode ? arg : undefined;
  const title = vscode.l10n.t('Detach Policy from Role');
  const { cloud } = await s.cloud();
  const roleName = node?.roleNode.role.roleName ?? a.roleName ?? await pickRole(s.prompt, cloud, title);
  let policy = node ? { policyName: node.policy.policyName, policyType: node.policy.policyType }
    : a.policyName ? { policyName: a.policyName, policyType: a.policyType ?? 'Custom' } : undefined;
  if (!policy) {
    const attached = await cloud.ram.listPoliciesForRole(roleName);
    if (!attached.length) {
      notify(vscode.l10n.t('{0} has no policies attached.', roleName));
      return undefined;
    }
    const item = await s.prompt.pick(attached.map((p) => ({ label: p.policyName, description: p.policyType, detail: p.description, p })), { title, placeHolder: vscode.l10n.t('Which policy should {0} lose?', roleName) });
    policy = { policyName: item.p.policyName, policyType: item.p.policyType };
  }
  const ok = await s.prompt.confirm(
    vscode.l10n.t('Detach {0} from role {1}?', policy.policyName, roleName),
    vscode.l10n.t('Instances and users with this role lose the permissions it grants within minutes (when their temporary credentials renew).'),
    vscode.l10n.t('Detach'));
  if (!ok) { return undefined; }
  try {
    await withProgress(vscode.l10n.t('Detaching {0} from {1}…', policy.policyName, roleName),
      () => cloud.ram.detachPolicyFromRole(roleName, policy!.policyName, policy!.policyType), false);
  } finally {
    s.refresh('ram', node?.roleNode);
  }
  return { roleName, ...policy };
});
