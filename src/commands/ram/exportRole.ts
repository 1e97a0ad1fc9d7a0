/** Export Role as Terraform / as an aliyun CLI script: opens the export in a new editor. */
import * as vscode from 'vscode';
import { readRoleSnapshot, toCliScript, toTerraform, type RoleSnapshot } from '../../setup/exportRole';
import { pickRole } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import type { Services } from '../../services/services';
import { RoleNode } from '../../views/ramView';
import { argsOf, defineCommand } from '../command';
import { onClickedRow } from '../selection';

export interface ExportRoleArgs {
  roleName: string;
}

async function exportRole(
  s: Services,
  arg: unknown,
  render: (r: RoleSnapshot) => string,
  language: string,
): Promise<{ roleName: string; uri: string; text: string }> {
  const a = argsOf<ExportRoleArgs>(arg);
  const { cloud } = await s.cloud();
  const roleName =
    arg instanceof RoleNode
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

export const exportTerraform = defineCommand(
  'alibabaCloud.ram.exportTerraform',
  onClickedRow(
    () => vscode.l10n.t('Export RAM Role as Terraform'),
    (s, arg) => exportRole(s, arg, toTerraform, 'terraform'),
  ),
);
export const exportCliScript = defineCommand(
  'alibabaCloud.ram.exportCliScript',
  onClickedRow(
    () => vscode.l10n.t('Export RAM Role as aliyun CLI Script'),
    (s, arg) => exportRole(s, arg, toCliScript, 'shellscript'),
  ),
);
