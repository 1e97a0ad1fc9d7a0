/**
 * Export a least-privilege proposal as Terraform or an aliyun CLI script, with the role exports'
 * renderers: the role as it would be after Apply (its trust policy, the new custom policy only).
 */
import * as vscode from 'vscode';
import { readRoleSnapshot, toCliScript, toTerraform, type RoleSnapshot } from '../../setup/exportRole';
import { withProgress } from '../../ui/progress';
import { parseLiveUri } from '../../fs/ramDocuments';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
import { leastPrivilegeName } from './proposeLeastPrivilege';
import { applyLeastPrivilegeArgs, type ApplyLeastPrivilegeArgs } from './applyLeastPrivilege';

async function exportProposal(
  s: Services,
  a: ApplyLeastPrivilegeArgs,
  render: (r: RoleSnapshot) => string,
  language: string,
) {
  const uri = a.uri ? vscode.Uri.parse(a.uri) : vscode.window.activeTextEditor?.document.uri;
  if (!a.roleName || !uri) {
    throw new Error(vscode.l10n.t('Run "Propose Least-Privilege Policy" on a role first.'));
  }
  const document = (await vscode.workspace.openTextDocument(uri)).getText();
  const { cloud } = await s.cloud();
  const snapshot = await withProgress(
    vscode.l10n.t('Reading role {0}, its policies and instances…', a.roleName),
    async () => readRoleSnapshot(cloud, a.roleName!, []),
    false,
  );
  const text = render({
    ...snapshot,
    policies: [
      {
        policyName:
          ((t) => (t?.kind === 'newPolicy' ? t.policyName : undefined))(parseLiveUri(uri)?.target) ??
          leastPrivilegeName(a.roleName),
        policyType: 'Custom',
        description: vscode.l10n.t('Least privilege for {0}, from 90 days of activity', a.roleName),
        document,
      },
    ],
  });
  const known = (await vscode.languages.getLanguages()).includes(language);
  const doc = await vscode.workspace.openTextDocument({ language: known ? language : 'plaintext', content: text });
  await vscode.window.showTextDocument(doc, { preview: false });
  return { roleName: a.roleName, text };
}

export const exportLeastPrivilegeTerraform = defineCommand({
  id: 'alibabaCloud.ram.exportLeastPrivilegeTerraform',
  args: applyLeastPrivilegeArgs,
  run: (s, { args }) => exportProposal(s, args, toTerraform, 'terraform'),
});
export const exportLeastPrivilegeCli = defineCommand({
  id: 'alibabaCloud.ram.exportLeastPrivilegeCli',
  args: applyLeastPrivilegeArgs,
  run: (s, { args }) => exportProposal(s, args, toCliScript, 'shellscript'),
});
