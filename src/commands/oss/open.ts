/**
 * Opens an object through the oss:// file system (VS Code picks the text or binary editor).
 * Objects above `alibabaCloud.oss.maxOpenSizeMB` are not loaded into the editor: the user is
 * offered a download instead (the file system enforces the same limit for every other reader).
 */
import * as vscode from 'vscode';
import { baseName, formatSize } from '../../cloud/ossLocation';
import { activeBinding } from '../../services/liveBinding';
import { maxOpenSizeMb } from '../../ui/trustedSettings';
import { ossUri } from '../../views/ossView';
import { defineCommand } from '../command';
import { downloadTargets } from './download';
import { cloudFor, OSS_ROWS, ossUriArgs, resolveTargets } from './targets';

export const ossOpenObject = defineCommand({
  id: 'alibabaCloud.oss.openObject',
  node: OSS_ROWS,
  args: ossUriArgs,
  run: async (s, input) => {
    const [t] = await resolveTargets(s, input, 'object', vscode.l10n.t('Open OSS Object'));
    const limitMb = maxOpenSizeMb();
    let size = t.size;
    if (size === undefined) {
      const { cloud, region } = await cloudFor(s, t);
      size = (await cloud.oss.headObject(t.bucket, region, t.key)).size;
    }
    if (size > limitMb * 1024 * 1024) {
      const download = vscode.l10n.t('Download…');
      const choice = await s.prompt.choose(
        vscode.l10n.t(
          '"{0}" is {1}, more than the {2} MB set for opening in the editor.',
          baseName(t.key),
          formatSize(size),
          limitMb,
        ),
        vscode.l10n.t('Download it instead? The limit is the setting alibabaCloud.oss.maxOpenSizeMB.'),
        [download],
      );
      if (choice === download) {
        return downloadTargets(s, [t], {});
      }
      return undefined;
    }
    // Bound to the active profile: a save after switching profiles asks before writing anywhere.
    const uri = ossUri(t).with({ query: await s.bindingTrust.signedQuery(activeBinding(s), t.bucket) });
    // A single click on a row opens a preview and leaves the focus in the tree, as the Explorer does.
    await vscode.commands.executeCommand('vscode.open', uri, { preview: true, preserveFocus: !!input.node });
    return uri.toString();
  },
});
