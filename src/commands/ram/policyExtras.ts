/**
 * From a policy's own node: attach it to a role (confirmed: it grants permissions to whatever
 * uses the role), delete a non-default version (confirmed; RAM refuses the default one), and from
 * the identity node copy the account id. Args: { policyName, policyType, roleName } /
 * { policyName, versionId }; they never skip the confirmation.
 */
import { PolicyNode, PolicyVersionNode } from '../../views/ramView';
import { ProfileNode } from '../../views/identityView';
import type { PolicyType } from '../../cloud/ram';
import * as vscode from 'vscode';
import { statusMessage } from '../../ui/prompt';
import { isCloudError } from '../../cloud/errors';
import { formatDateTime } from '../../cloud/timeFormat';
import { pickPolicy, pickRole } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import { defineCommand, is } from '../command';
import { confirmPowerfulAttach } from './powerfulPolicyWarning';
import { notify } from '../helpers';
import { onClickedRow, oneRowOnly } from '../selection';

export const attachPolicyToRoleFromPolicy = defineCommand({
  id: 'alibabaCloud.ram.attachPolicyToRole',
  node: [PolicyNode],
  args: { policyName: is.string, policyType: is.oneOf<PolicyType>('System', 'Custom'), roleName: is.string },
  run: onClickedRow(
    () => vscode.l10n.t('Attach to Role'),
    async (s, input) => {
      const a = input.args;
      const node = input.node;
      const title = vscode.l10n.t('Attach to Role');
      const { cloud } = await s.cloud();
      const policy = node
        ? { policyName: node.policy.policyName, policyType: node.policy.policyType }
        : a.policyName
          ? { policyName: a.policyName, policyType: a.policyType ?? 'Custom' }
          : await pickPolicy(s.prompt, cloud, title);
      const roleName =
        a.roleName ?? (await pickRole(s.prompt, cloud, vscode.l10n.t('Attach {0} to a role', policy.policyName)));
      const attached = await cloud.ram.listPoliciesForRole(roleName);
      if (attached.some((p) => p.policyName === policy.policyName && p.policyType === policy.policyType)) {
        notify(vscode.l10n.t('{0} was already attached to {1}; nothing changed.', policy.policyName, roleName));
        return { roleName, ...policy, changed: false };
      }
      // A powerful policy on an ECS role gets its own warning instead of the general confirmation.
      const ok =
        (await confirmPowerfulAttach(s, cloud, roleName, policy)) ??
        (await s.prompt.confirm(
          vscode.l10n.t('Attach {0} ({1}) to role {2}?', policy.policyName, policy.policyType, roleName),
          vscode.l10n.t(
            'Everything that uses the role (instances it is attached to, sessions that assume it) gets the permissions of this policy.',
          ),
          vscode.l10n.t('Attach'),
        ));
      if (!ok) {
        return undefined;
      }
      try {
        await withProgress(
          vscode.l10n.t('Attaching {0} to {1}…', policy.policyName, roleName),
          () => cloud.ram.attachPolicyToRole(roleName, policy.policyName, policy.policyType),
          false,
        );
      } catch (e) {
        if (!isCloudError(e, 'EntityAlreadyExists.Role.Policy')) {
          throw e;
        }
      } finally {
        s.refresh('ram');
      }
      notify(vscode.l10n.t('{0} ({1}) is attached to {2}.', policy.policyName, policy.policyType, roleName));
      return { roleName, ...policy, changed: true };
    },
  ),
});

export const deletePolicyVersion = defineCommand({
  id: 'alibabaCloud.ram.deletePolicyVersion',
  node: [PolicyVersionNode],
  args: { policyName: is.string, versionId: is.string },
  run: oneRowOnly(
    () => vscode.l10n.t('Delete RAM Policy Version'),
    async (s, input) => {
      const a = input.args;
      const node = input.node;
      const { cloud } = await s.cloud();
      const policyName =
        node?.policy.policyName ??
        a.policyName ??
        (await pickPolicy(s.prompt, cloud, vscode.l10n.t('Delete Policy Version'), 'Custom')).policyName;
      const versions = await cloud.ram.listPolicyVersions(policyName, 'Custom');
      const versionId =
        node?.version.versionId ??
        a.versionId ??
        (
          await s.prompt.pick(
            versions
              .filter((v) => !v.isDefault)
              .map((v) => ({ label: v.versionId, description: formatDateTime(v.createDate) })),
            {
              title: vscode.l10n.t('Delete Policy Version'),
              placeHolder: vscode.l10n.t('A version of {0} other than the default', policyName),
            },
          )
        ).label;
      const version = versions.find((v) => v.versionId === versionId);
      if (!version) {
        throw new Error(vscode.l10n.t('{0} has no version {1}.', policyName, versionId));
      }
      if (version.isDefault) {
        throw new Error(
          vscode.l10n.t(
            '{0} is the default version of {1}; make another version the default first (RAM does not delete the default version).',
            versionId,
            policyName,
          ),
        );
      }
      const ok = await s.prompt.confirm(
        vscode.l10n.t('Delete version {0} of {1}?', versionId, policyName),
        vscode.l10n.t(
          'It is not the default, so nothing uses it now; it can no longer be rolled back to. This cannot be undone.',
        ),
        vscode.l10n.t('Delete'),
      );
      if (!ok) {
        return false;
      }
      try {
        await withProgress(
          vscode.l10n.t('Deleting version {0} of {1}…', versionId, policyName),
          () => cloud.ram.deletePolicyVersion(policyName, versionId),
          false,
        );
      } finally {
        s.refresh('ram', node?.parent);
      }
      notify(vscode.l10n.t('Version {0} of {1} deleted.', versionId, policyName));
      return true;
    },
  ),
});

export const copyAccountId = defineCommand({
  id: 'alibabaCloud.copyAccountId',
  node: [ProfileNode],
  run: async (s) => {
    const { cloud } = await s.cloud();
    const { accountId } = await cloud.whoAmI();
    if (!accountId) {
      throw new Error(vscode.l10n.t('The identity service returned no account id.'));
    }
    await vscode.env.clipboard.writeText(accountId);
    statusMessage(vscode.l10n.t('Copied {0}', accountId), 3000);
    return accountId;
  },
});
