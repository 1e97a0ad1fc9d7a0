/**
 * Attach Policy to Role (from a role node: pick the policy) and Detach Policy from Role (from an
 * attached-policy node: confirm and detach). From the palette both ask for the role first.
 * Several attached-policy rows selected: one confirmation naming them all, then each detached on
 * its own, with a summary.
 */
import * as vscode from 'vscode';
import { isCloudError } from '../../cloud/errors';
import type { PolicyType } from '../../cloud/ram';
import { pickPolicy, pickRole } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import { AttachedPolicyNode, RoleNode } from '../../views/ramView';
import { defineCommand, is } from '../command';
import { confirmPowerfulAttach } from './powerfulPolicyWarning';
import { notify } from '../helpers';
import { bulleted, forEach, onClickedRow, showSummary, type ItemResult } from '../selection';
import type { Services } from '../../services/services';

const policyOnRoleArgs = {
  roleName: is.string,
  policyName: is.string,
  policyType: is.oneOf<PolicyType>('System', 'Custom'),
};

export const attachPolicy = defineCommand({
  id: 'alibabaCloud.ram.attachPolicy',
  node: [RoleNode],
  args: policyOnRoleArgs,
  run: onClickedRow(
    () => vscode.l10n.t('Attach Policy to Role'),
    async (s, input) => {
      const a = input.args;
      const node = input.node;
      const title = vscode.l10n.t('Attach Policy to Role');
      const { cloud } = await s.cloud();
      const roleName = node?.role.roleName ?? a.roleName ?? (await pickRole(s.prompt, cloud, title));
      const policy = a.policyName
        ? { policyName: a.policyName, policyType: a.policyType ?? 'Custom' }
        : await pickPolicy(
            s.prompt,
            cloud,
            vscode.l10n.t('Attach a policy to {0}', roleName),
            undefined,
            cloud.ram.listPoliciesForRole(roleName),
          );
      if ((await confirmPowerfulAttach(s, cloud, roleName, policy)) === false) {
        return undefined;
      }
      try {
        await withProgress(
          vscode.l10n.t('Attaching {0} to {1}…', policy.policyName, roleName),
          () => cloud.ram.attachPolicyToRole(roleName, policy.policyName, policy.policyType),
          false,
        );
        notify(vscode.l10n.t('{0} ({1}) is attached to {2}.', policy.policyName, policy.policyType, roleName));
      } catch (e) {
        if (!isCloudError(e, 'EntityAlreadyExists.Role.Policy')) {
          throw e;
        }
        notify(vscode.l10n.t('{0} was already attached to {1}; nothing changed.', policy.policyName, roleName));
      } finally {
        s.refresh('ram', node);
      }
      return { roleName, ...policy };
    },
  ),
});

const consequence = () =>
  vscode.l10n.t(
    "Instances and users with this role lose the permissions it grants within seconds: each call is checked against the role's policies as they are now, so renewed credentials are not needed.",
  );

export const detachPolicy = defineCommand({
  id: 'alibabaCloud.ram.detachPolicy',
  node: [AttachedPolicyNode],
  args: policyOnRoleArgs,
  run: async (s, input) => {
    const selected = input.nodes;
    if (selected.length > 1) {
      return detachMany(s, selected);
    }
    const a = input.args;
    const node = input.node;
    const title = vscode.l10n.t('Detach Policy from Role');
    const { cloud } = await s.cloud();
    const roleName = node?.roleNode.role.roleName ?? a.roleName ?? (await pickRole(s.prompt, cloud, title));
    let policy = node
      ? { policyName: node.policy.policyName, policyType: node.policy.policyType }
      : a.policyName
        ? { policyName: a.policyName, policyType: a.policyType ?? 'Custom' }
        : undefined;
    if (!policy) {
      const attached = await cloud.ram.listPoliciesForRole(roleName);
      if (!attached.length) {
        notify(vscode.l10n.t('{0} has no policies attached.', roleName));
        return undefined;
      }
      const item = await s.prompt.pick(
        attached.map((p) => ({ label: p.policyName, description: p.policyType, detail: p.description, p })),
        { title, placeHolder: vscode.l10n.t('Which policy should {0} lose?', roleName) },
      );
      policy = { policyName: item.p.policyName, policyType: item.p.policyType };
    }
    const ok = await s.prompt.confirm(
      vscode.l10n.t('Detach {0} from role {1}?', policy.policyName, roleName),
      consequence(),
      vscode.l10n.t('Detach'),
    );
    if (!ok) {
      return undefined;
    }
    try {
      await withProgress(
        vscode.l10n.t('Detaching {0} from {1}…', policy.policyName, roleName),
        () => cloud.ram.detachPolicyFromRole(roleName, policy!.policyName, policy!.policyType),
        false,
      );
    } finally {
      s.refresh('ram', node?.roleNode);
    }
    return { roleName, ...policy };
  },
});

async function detachMany(s: Services, nodes: AttachedPolicyNode[]): Promise<ItemResult[]> {
  const { entry, cloud } = await s.cloud();
  const { accountId } = await cloud.knownIdentity();
  const roles = [...new Set(nodes.map((n) => n.roleNode.role.roleName))];
  const name = (n: AttachedPolicyNode) =>
    roles.length === 1
      ? n.policy.policyName
      : vscode.l10n.t('{0} from {1}', n.policy.policyName, n.roleNode.role.roleName);
  const message =
    roles.length === 1
      ? vscode.l10n.t(
          'Detach {0} policies from role {1} in account {2} (profile {3})?',
          nodes.length,
          roles[0],
          accountId,
          entry.name,
        )
      : vscode.l10n.t(
          'Detach {0} policies from {1} roles in account {2} (profile {3})?',
          nodes.length,
          roles.length,
          accountId,
          entry.name,
        );
  const detail = `${bulleted(nodes.map((n) => `${name(n)} (${n.policy.policyType})`))}\n\n${consequence()}`;
  if (!(await s.prompt.confirm(message, detail, vscode.l10n.t('Detach')))) {
    return [];
  }
  const results = await withProgress(vscode.l10n.t('Detach Policy from Role'), (report, signal) =>
    forEach(
      s,
      nodes,
      name,
      async (n) => {
        report(vscode.l10n.t('Detaching {0} from {1}…', n.policy.policyName, n.roleNode.role.roleName));
        await cloud.ram.detachPolicyFromRole(n.roleNode.role.roleName, n.policy.policyName, n.policy.policyType);
      },
      signal,
    ),
  ).finally(() => {
    for (const role of new Set(nodes.map((n) => n.roleNode))) {
      s.refresh('ram', role);
    }
  });
  showSummary(
    s,
    roles.length === 1 ? vscode.l10n.t('Detached from {0}:', roles[0]) : vscode.l10n.t('Detached:'),
    results,
  );
  return results;
}
