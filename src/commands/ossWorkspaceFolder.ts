/**
 * "Open Bucket as Workspace Folder": the bucket (or a pinned prefix) as an `oss://` folder of the
 * workspace, bound to the active profile like every oss:// document (the query carries it), and
 * named by bucket and profile so two profiles' views of one bucket stay apart.
 */
import * as vscode from 'vscode';
import { formatOssUri } from '../cloud/ossLocation';
import { activeBinding, bindingQuery } from '../ui/liveBinding';
import { ossUri } from '../views/ossView';
import { defineCommand } from './command';
import { resolveTargets } from './ossTargets';

export const ossOpenAsWorkspaceFolder = defineCommand('alibabaCloud.oss.openAsWorkspaceFolder', async (s, node, nodes) => {
  const [t] = await resolveTargets(s, node, nodes, 'prefix', vscode.l10n.t('Open Bucket as Workspace Folder'));
  const binding = activeBinding(s);
  const uri = ossUri(t).with({ query: bindingQuery(binding) });
  const folders = vscode.workspace.workspaceFolders ?? [];
  const open = folders.find((f) => f.uri.toString() === uri.toString());
  if (!open) {
    const name = `${formatOssUri(t).slice('oss://'.length).replace(/\/$/, '')} (${binding.profileName})`;
    // Appended, never first: replacing the first folder would restart every extension host.
    if (!vscode.workspace.updateWorkspaceFolders(folders.length, 0, { uri, name })) {
      throw new Error(vscode.l10n.t('VS Code did not add {0} to the workspace.', formatOssUri(t)));
    }
  }
  await vscode.commands.executeCommand('workbench.view.explorer');
  return uri.toString();
});
