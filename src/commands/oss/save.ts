/**
 * Save OSS Object: Ctrl+S (Cmd+S) in an `oss:` editor. Uploads the text first and lets VS Code's
 * save follow only when that worked, so a refused save (AccessDenied) shows one message, ours with
 * its actions, instead of ours plus VS Code's "Failed to save …". Anything else saves as usual.
 */
import * as vscode from 'vscode';
import { OSS_SCHEME } from '../../cloud/ossLocation';
import { defineCommand } from '../command';

export const ossSave = defineCommand({
  id: 'alibabaCloud.oss.save',
  run: async (s) => {
    const doc = vscode.window.activeTextEditor?.document;
    const fs = s.ossFiles;
    if (!doc || doc.uri.scheme !== OSS_SCHEME || !fs || !doc.isDirty) {
      return vscode.commands.executeCommand('workbench.action.files.save');
    }
    // VS Code writes the text as UTF-8 unless the document was reopened with another encoding; then
    // the bytes differ and its save uploads again, which is still right.
    if (!(await fs.uploadBeforeSave(doc.uri, Buffer.from(doc.getText(), 'utf8')))) {
      return false;
    }
    return doc.save();
  },
});
