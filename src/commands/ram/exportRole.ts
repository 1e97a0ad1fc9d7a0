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
  // A read-only document named like the file it would be (role.tf, role.sh): closing never asks to
  // save, Save As still writes it out. Terraform highlighting needs an extension (terraform, or an
  // HCL one); without either it stays plain text.
  const opened = await s.readOnly.open(`/exports/${roleName}.${language === 'terraform' ? 'tf' : 'sh'}`, text);
  const languages = await vscode.languages.getLanguages();
  const wanted = [language, ...(language === 'terraform' ? ['hcl'] : [])].find((l) => languages.includes(l));
  const doc =
    wanted && opened.languageId !== wanted ? await vscode.languages.setTextDocumentLanguage(opened, wanted) : opened;
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
