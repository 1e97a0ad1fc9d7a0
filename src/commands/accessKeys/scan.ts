/** "Scan Workspace for AccessKeys" (with a summary) and the per-workspace ignore behind a quick fix. */
import * as vscode from 'vscode';
import { defineCommand } from '../command';
import { showNotice } from '../../ui/prompt';

export interface ScanSummary {
  files: number;
  scanned: number;
  ids: number;
  secrets: number;
  filesWithKeys: number;
  seconds: number;
  found: Array<{ file: string; line: number; kind: string; masked: string }>;
}

export const scanAccessKeys = defineCommand({
  id: 'alibabaCloud.scanAccessKeys',
  run: async (s): Promise<ScanSummary> => {
    if (!vscode.workspace.workspaceFolders?.length) {
      throw new Error(vscode.l10n.t('Open a folder to scan it for AccessKeys.'));
    }
    const { stats, files } = await s.accessKeys.scanWorkspace();
    const all = files.flatMap((f) =>
      f.findings.map((x) => ({
        file: vscode.workspace.asRelativePath(f.uri, false),
        line: x.line + 1,
        kind: x.kind,
        masked: x.masked,
      })),
    );
    const summary: ScanSummary = {
      files: stats.files,
      scanned: stats.scanned,
      filesWithKeys: files.length,
      seconds: Math.round(stats.ms / 100) / 10,
      ids: all.filter((f) => f.kind === 'accessKeyId').length,
      secrets: all.filter((f) => f.kind === 'accessKeySecret').length,
      found: all,
    };
    s.log.info(
      `AccessKey scan: ${stats.scanned} of ${stats.files} files in ${stats.ms} ms; ${all.length} findings (${stats.skippedLarge} large and ${stats.skippedBinary} binary files skipped)`,
    );
    const scanned =
      stats.scanned === 1
        ? vscode.l10n.t('Scanned 1 file in {0} s.', summary.seconds)
        : vscode.l10n.t('Scanned {0} files in {1} s.', stats.scanned, summary.seconds);
    if (!all.length) {
      void showNotice('info', `${scanned} ${vscode.l10n.t('No AccessKeys found.')}`);
      return summary;
    }
    const found =
      all.length === 1
        ? vscode.l10n.t('1 AccessKey id or secret found')
        : vscode.l10n.t('{0} AccessKey ids and secrets found', all.length);
    const where = files.length === 1 ? vscode.l10n.t('in 1 file.') : vscode.l10n.t('in {0} files.', files.length);
    const show = vscode.l10n.t('Show Problems');
    void showNotice('warning', `${scanned} ${found} ${where}`, show).then((c) => {
      if (c === show) {
        void vscode.commands.executeCommand('workbench.actions.view.problems');
      }
    });
    return summary;
  },
});

/** Quick fix "Ignore … in this workspace": the key's fingerprint joins the workspace's list. */
export const ignoreAccessKeyInWorkspace = defineCommand({
  id: 'alibabaCloud.accessKeys.ignoreInWorkspace',
  // The quick fix's arguments: the document and the key's fingerprint.
  value: ([uri, fingerprint]) =>
    uri instanceof vscode.Uri && typeof fingerprint === 'string' ? { uri, fingerprint } : undefined,
  run: async (s, { value }) => {
    if (!value) {
      return;
    }
    await s.accessKeys.ignoreInWorkspace(value.uri, value.fingerprint);
  },
});
