/** Copy ARN of a role or policy; Open Trust Policy of a role (read-only, pretty-printed). */
import * as vscode from 'vscode';
import type { PolicyType } from '../../cloud/ram';
import { pickRole } from '../../ui/pickers';
import { trustPolicyUri } from '../../fs/ramDocuments';
import { PolicyNode, RoleNode } from '../../views/ramView';
import { argsOf, defineCommand } from '../command';
import { copyLines, onClickedRow, selectionOf } from '../selection';
import type { Services } from '../../services/services';

export const policyArn = (accountId: string, policyType: PolicyType, policyName: string): string =>
  `acs:ram::${policyType === 'System' ? 'system' : accountId}:policy/${policyName}`;

export interface CopyArnArgs {
  roleName?: string;
  policyName?: string;
  policyType?: PolicyType;
}

export const copyArn = defineCommand('alibabaCloud.ram.copyArn', async (s, arg, args) => {
  const rows = selectionOf(arg, args).filter(
    (n): n is RoleNode | PolicyNode => n instanceof RoleNode || n instanceof PolicyNode,
  );
  if (rows.length > 1) {
    return copyLines(await Promise.all(rows.map((n) => arnOf(s, n))));
  }
  return copyLines([await arnOf(s, arg)]);
});

async function arnOf(s: Services, arg: unknown): Promise<string> {
  const a = argsOf<CopyArnArgs>(arg);
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

export const openTrustPolicy = defineCommand(
  'alibabaCloud.ram.openTrustPolicy',
  onClickedRow(
    () => vscode.l10n.t('Open Trust Policy'),
    async (s, arg) => {
      const a = argsOf<{ roleName: string }>(arg);
      const roleName =
        arg instanceof RoleNode
          ? arg.role.roleName
          : (a.roleName ?? (await pickRole(s.prompt, (await s.cloud()).cloud, vscode.l10n.t('Open Trust Policy'))));
      const doc = await vscode.workspace.openTextDocument(await trustPolicyUri(s, roleName));
      await vscode.window.showTextDocument(doc, { preview: true });
      return doc.uri;
    },
  ),
);
