/** Export Role as Terraform / as an aliyun CLI script: opens the export in a new editor. */
import * as vscode from 'vscode';
import { readRoleSnapshot, toCliScript, toTerraform, type RoleSnapshot } from '../../setup/exportRole';
import { pickRole } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import type { Services } from '../../services/services';
import { RoleNode } from '../../views/ramView';
import { defineCommand, is, type ArgsOf } from '../command';
import { onClickedRow } from '../selection';

const exportRoleArgs = {
  roleName: is.string,
};

async function exportRole(
  s: Services,
  { node: arg, args: a }: { node?: RoleNode; args: ArgsOf<typeof exportRoleArgs> },
  render: (r: RoleSnapshot) => string,
  language: string,
): Promise<{ roleName: string; uri: string; text: string }> {
  const { cloud } = await s.cloud();
  const roleName = arg
    ? arg.role.roleName
    : (a.roleName ?? (await pickRole(s.prompt, cloud, vscode.l10n.t('Export Role'))));
  const snapshot = await withProgress(
    vscode.l10n.t('Reading role {0}, its policies and instances…', roleName),
    async () => {
      const regions = (await cloud.ecs.describeRegions()).map((r) => r.regionId);
      return readRoleSnapshot(cloud, roleName, regions);
    },
    false,
  );
  const text = render(snapshot);
  // Terraform highlighting needs an extension; without one the export opens as plain text.
  const known = (await vscode.languages.getLanguages()).includes(language);
  const doc = await vscode.workspace.openTextDocument({ language: known ? language : 'plaintext', content: text });
  await vscode.window.showTextDocument(doc, { preview: false });
  return { roleName, uri: doc.uri.toString(), text };
}

export const exportTerraform = defineCommand({
  id: 'alibabaCloud.ram.exportTerraform',
  node: [RoleNode],
  args: exportRoleArgs,
  run: onClickedRow(
    () => vscode.l10n.t('Export RAM Role as Terraform'),
    (s, input) => exportRole(s, input, toTerraform, 'terraform'),
  ),
});
export const exportCliScript = defineCommand({
  id: 'alibabaCloud.ram.exportCliScript',
  node: [RoleNode],
  args: exportRoleArgs,
  run: onClickedRow(
    () => vscode.l10n.t('Export RAM Role as aliyun CLI Script'),
    (s, input) => exportRole(s, input, toCliScript, 'shellscript'),
  ),
});
