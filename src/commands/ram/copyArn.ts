/** Copy ARN of a role or policy; Open Trust Policy of a role (read-only, pretty-printed). */
import * as vscode from 'vscode';
import type { PolicyType } from '../../cloud/ram';
import { pickRole } from '../../ui/pickers';
import { trustPolicyUri } from '../../fs/ramDocuments';
import { PolicyNode, RoleNode } from '../../views/ramView';
import { defineCommand, is, type ArgsOf } from '../command';
import { copyLines, onClickedRow } from '../selection';
import type { Services } from '../../services/services';

export const policyArn = (accountId: string, policyType: PolicyType, policyName: string): string =>
  `acs:ram::${policyType === 'System' ? 'system' : accountId}:policy/${policyName}`;

const copyArnArgs = {
  roleName: is.string,
  policyName: is.string,
  policyType: is.oneOf<PolicyType>('System', 'Custom'),
};

export const copyArn = defineCommand({
  id: 'alibabaCloud.ram.copyArn',
  node: [RoleNode, PolicyNode],
  args: copyArnArgs,
  run: async (s, input) => {
    const rows = input.nodes;
    if (rows.length > 1) {
      return copyLines(await Promise.all(rows.map((n) => arnOf(s, n, {}))));
    }
    return copyLines([await arnOf(s, input.node, input.args)]);
  },
});

async function arnOf(
  s: Services,
  arg: RoleNode | PolicyNode | undefined,
  a: ArgsOf<typeof copyArnArgs>,
): Promise<string> {
  const { cloud } = await s.cloud();
  if (arg instanceof RoleNode) {
    return arg.role.arn;
  }
  if (arg instanceof PolicyNode || a.policyName) {
    const p =
      arg instanceof PolicyNode ? arg.policy : { policyName: a.policyName!, policyType: a.policyType ?? 'Custom' };
    const accountId = p.policyType === 'System' ? '' : (await cloud.whoAmI()).accountId;
    return policyArn(accountId, p.policyType, p.policyName);
  }
  const roleName = a.roleName ?? (await pickRole(s.prompt, cloud, vscode.l10n.t('Copy Role ARN')));
  return (await cloud.ram.getRole(roleName)).arn;
}

export const openTrustPolicy = defineCommand({
  id: 'alibabaCloud.ram.openTrustPolicy',
  node: [RoleNode],
  args: { roleName: is.string },
  run: onClickedRow(
    () => vscode.l10n.t('Open Trust Policy'),
    async (s, input) => {
      const a = input.args;
      const roleName = input.node
        ? input.node.role.roleName
        : (a.roleName ?? (await pickRole(s.prompt, (await s.cloud()).cloud, vscode.l10n.t('Open Trust Policy'))));
      const doc = await vscode.workspace.openTextDocument(await trustPolicyUri(s, roleName));
      await vscode.window.showTextDocument(doc, { preview: true });
      return doc.uri;
    },
  ),
});
