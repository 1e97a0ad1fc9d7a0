/**
 * "Open Bucket as Workspace Folder": the bucket (or a pinned prefix) as an `oss://` folder of the
 * workspace, bound to the active profile like every oss:// document (the query carries it, signed:
 * services/bindingTrust), and named by bucket and the profile's own name so two profiles' views of one
 * bucket stay apart.
 */
import * as vscode from 'vscode';
import { formatOssUri } from '../../cloud/ossLocation';
import { activeBinding } from '../../services/liveBinding';
import { ossUri } from '../../views/ossView';
import { defineCommand } from '../command';
import { OSS_ROWS, ossUriArgs, resolveTargets } from './targets';

/** How long VS Code may take to confirm a folder change before we say it did not happen. */
const CONFIRM_MS = 10_000;

export const ossOpenAsWorkspaceFolder = defineCommand({
  id: 'alibabaCloud.oss.openAsWorkspaceFolder',
  node: OSS_ROWS,
  args: ossUriArgs,
  run: async (s, input) => {
    const [t] = await resolveTargets(s, input, 'prefix', vscode.l10n.t('Open Bucket as Workspace Folder'));
    const binding = activeBinding(s);
    const uri = ossUri(t).with({ query: await s.bindingTrust.signedQuery(binding, t.bucket) });
    const shown = formatOssUri(t);
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.some((f) => f.uri.toString() === uri.toString())) {
      // Only a multi-root workspace takes another folder in place. An empty or single-folder window
      // becomes a new workspace, which VS Code does by restarting every extension (desktop) or
      // reloading the page (browser): the user chooses that, or a new window.
      if (!vscode.workspace.workspaceFile) {
        const newWindow = vscode.l10n.t('Open in New Window');
        const here = vscode.l10n.t('Add to This Window');
        const choice = await s.prompt.choose(
          vscode.l10n.t('Open {0} as a workspace folder?', shown),
          vscode.l10n.t(
            'Profile: {0}. Adding it to this window turns the window into a multi-root workspace; VS Code restarts the extensions (or reloads the page) to do that.',
            binding.profileName,
          ),
          [newWindow, here],
        );
        if (!choice) {
          return undefined;
        }
        if (choice === newWindow) {
          await s.prompt.openWindow(uri);
          return uri.toString();
        }
      }
      const name = `${shown.slice('oss://'.length).replace(/\/$/, '')} (${binding.profileName})`;
      await addFolder(uri, name, shown);
    }
    await vscode.commands.executeCommand('workbench.view.explorer');
    return uri.toString();
  },
});

/**
 * Appends the folder and returns once VS Code confirmed it. The folder list shows a change at
 * once, but VS Code confirms it later (or never, when it refuses): until then it refuses further
 * folder changes, so a returned command means the folder is really there.
 */
async function addFolder(uri: vscode.Uri, name: string, shown: string): Promise<void> {
  let sub: vscode.Disposable | undefined;
  const confirmed = new Promise<boolean>((resolve) => {
    sub = vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      if (e.added.some((f) => f.uri.toString() === uri.toString())) {
        resolve(true);
      }
    });
    setTimeout(() => resolve(false), CONFIRM_MS);
  });
  try {
    // Appended, never first: replacing the first folder would restart every extension host.
    const start = (vscode.workspace.workspaceFolders ?? []).length;
    if (!vscode.workspace.updateWorkspaceFolders(start, 0, { uri, name }) || !(await confirmed)) {
      throw new Error(vscode.l10n.t('VS Code did not add {0} to the workspace.', shown));
    }
  } finally {
    sub?.dispose();
  }
}
