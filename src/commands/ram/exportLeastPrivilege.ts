/**
 * Export a least-privilege proposal as Terraform or an aliyun CLI script, with the role exports'
 * renderers: the role as it would be after Apply (its trust policy, the new custom policy only).
 */
import * as vscode from 'vscode';
import { readRoleSnapshot, toCliScript, toTerraform, type RoleSnapshot } from '../../setup/exportRole';
import { withProgress } from '../../ui/progress';
import { parseLiveUri } from '../../fs/ramDocuments';
import type { Services } from '../../services/services';
import { argsOf, defineCommand } from '../command';
import { leastPrivilegeName } from './proposeLeastPrivilege';
import type { ApplyLeastPrivilegeArgs } from './applyLeastPrivilege';

async function exportProposal(s: Services, arg: unknown, render: (r: RoleSnapshot) => string, language: string) {
  const a = argsOf<ApplyLeastPrivilegeArgs>(arg);
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

export const exportLeastPrivilegeTerraform = defineCommand('alibabaCloud.ram.exportLeastPrivilegeTerraform', (s, arg) =>
  exportProposal(s, arg, toTerraform, 'terraform'),
);
export const exportLeastPrivilegeCli = defineCommand('alibabaCloud.ram.exportLeastPrivilegeCli', (s, arg) =>
  exportProposal(s, arg, toCliScript, 'shellscript'),
);
