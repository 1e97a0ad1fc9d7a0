/** Copy ARN of a role or policy; Open Trust Policy of a role (read-only, pretty-printed). */
import * as vscode from 'vscode';
import type { PolicyType } from '../cloud/ram';
import { pickRole } from '../ui/pickers';
import { trustPolicyUri } from '../fs/ramDocuments';
import { PolicyNode, RoleNode } from '../views/ramView';
import { argsOf, defineCommand } from './command';

export const policyArn = (accountId: string, policyType: PolicyType, policyName: string): string =>
  `acs:ram::${policyType === 'System' ? 'system' : accountId}:policy/${policyName}`;

export interface CopyArnArgs { roleName?: string; policyName?: string; policyType?: PolicyType }

export const copyArn = defineCommand('alibabaCloud.ram.copyArn', async (s, arg) => {
  const a = argsOf<CopyArnArgs>(arg);
  const { cloud } = await s.cloud();
  let arn: string;
  if (arg instanceof RoleNode) {
    arn = arg.role.arn;
  } else if (arg instanceof PolicyNode || a.policyName) {
    const p = arg instanceof PolicyNode ? arg.policy : { policyName: a.policyName!, policyType: a.policyType ?? 'Custom' };
    const accountId = p.policyType === 'System' ? '' : (await cloud.whoAmI()).accountId;
    arn = policyArn(accountId, p.policyType, p.policyName);
  } else {
    const roleName = a.roleName ?? await pickRole(s.prompt, cloud, vscode.l10n.t('Copy Role ARN'));
    arn = (await cloud.ram.getRole(roleName)).arn;
  }
  await vscode.env.clipboard.writeText(arn);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', arn), 3000);
  return arn;
});

export const openTrustPolicy = defineCommand('alibabaCloud.ram.openTrustPolicy', async (s, arg) => {
  const a = argsOf<{ roleName: string }>(arg);
  const roleName = arg instanceof RoleNode ? arg.role.roleName
    : a.roleName ?? await pickRole(s.prompt, (await s.cloud()).cloud, vscode.l10n.t('Open Trust Policy'));
  const doc = await vscode.workspace.openTextDocument(trustPolicyUri(s, roleName));
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc.uri;
});
