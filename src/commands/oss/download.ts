/**
 * Download objects and folders. One object: a save dialog. Several, or a folder: a folder pick,
 * the OSS layout kept below it. An existing local file is never replaced silently: Overwrite /
 * Skip / Overwrite All / Cancel per conflict, asked before anything is transferred. Two objects
 * never land on one local path (flattened selections, keys differing only in case): later ones
 * are renamed. A failed object does not stop the others; the batch ends with what failed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { baseName, formatOssUri, listKeysUnder } from '../../cloud/ossLocation';
import { existsIgnoringCase, runBatch, uniqueLocalPaths } from '../../setup/ossTransfer';
import { describeError, UserCancelled } from '../../ui/errorFunnel';
import { withProgress } from '../../ui/progress';
import type { Services } from '../../services/services';
import { defineCommand, is, type ArgsOf } from '../command';
import {
  cloudFor,
  ConflictResolver,
  OSS_ROWS,
  ossUriArgs,
  reportFailures,
  resolveTargets,
  type OssTarget,
} from './targets';
import { showNotice } from '../../ui/prompt';
import { shorten } from '../../cloud/inert';

const downloadArgs = {
  /** Local file for a single object (skips the save dialog). */
  target: is.string,
  /** Local folder for objects and folders (skips the folder pick). */
  targetDir: is.string,
};
export type DownloadArgs = ArgsOf<typeof downloadArgs>;

interface Job {
  target: OssTarget;
  key: string;
  local: string;
  size: number;
}

/** Local path for `key`, refusing keys that would escape the chosen folder ("../"). */
function localPathFor(dir: string, relative: string): string {
  const local = path.resolve(dir, ...relative.split('/').filter(Boolean));
  if (local !== path.resolve(dir) && !local.startsWith(path.resolve(dir) + path.sep)) {
    throw new Error(
      vscode.l10n.t(
        'The key "{0}" would be written outside the chosen folder, so nothing was downloaded.',
        shorten(relative, 120),
      ),
    );
  }
  return local;
}

async function plan(s: Services, targets: OssTarget[], args: Partial<DownloadArgs>): Promise<Job[] | undefined> {
  if (targets.length === 1 && targets[0].kind === 'object' && !args.targetDir) {
    const t = targets[0];
    let local = args.target;
    if (!local) {
      const defaultDir = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
      // The save dialog asks about replacing an existing file itself.
      const uri = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(defaultDir, baseName(t.key))),
        title: vscode.l10n.t('Download {0}', formatOssUri(t)),
      });
      if (!uri) {
        return undefined;
      }
      local = uri.fsPath;
    } else if (fs.existsSync(local)) {
      const one = new ConflictResolver(s, 1);
      if (!(await one.overwrite(local))) {
        one.reportSkippedIfNothingDone(0);
        return [];
      }
    }
    return [{ target: t, key: t.key, local, size: t.size ?? 0 }];
  }
  const dir =
    args.targetDir ??
    (
      await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        openLabel: vscode.l10n.t('Download Here'),
        title: vscode.l10n.t('Download to Folder'),
      })
    )?.[0]?.fsPath;
  if (!dir) {
    return undefined;
  }
  const jobs: Job[] = [];
  for (const t of targets) {
    if (t.kind === 'object') {
      jobs.push({ target: t, key: t.key, local: localPathFor(dir, baseName(t.key)), size: t.size ?? 0 });
      continue;
    }
    const { cloud, region } = await cloudFor(s, t);
    const top = t.key ? baseName(t.key) : t.bucket;
    for (const o of await listKeysUnder(cloud, t.bucket, region, t.key)) {
      jobs.push({
        target: t,
        key: o.key,
        local: localPathFor(dir, `${top}/${o.key.slice(t.key.length)}`),
        size: o.size,
      });
    }
    if (!jobs.some((j) => j.target === t)) {
      jobs.push({ target: t, key: t.key, local: localPathFor(dir, `${top}/`), size: 0 });
    }
  }
  const isFile = (j: Job) => j.key !== '' && !j.key.endsWith('/');
  const unique = uniqueLocalPaths(jobs.filter(isFile), existsIgnoringCase);
  for (const r of unique.renamed) {
    s.log.info(`download: ${r.from} is taken by another object of this download; saving as ${r.to}`);
  }
  if (unique.renamed.length) {
    void showNotice(
      'info',
      unique.renamed.length === 1
        ? vscode.l10n.t(
            'One object would have the same local name as another; it is saved as {0}.',
            path.basename(unique.renamed[0].to),
          )
        : vscode.l10n.t(
            '{0} objects would have the same local names as others; they are saved with a number added (see the log).',
            unique.renamed.length,
          ),
    );
  }
  const conflicts = new ConflictResolver(s, unique.items.filter((j) => fs.existsSync(j.local)).length);
  const out: Job[] = [];
  for (const j of [...jobs.filter((x) => !isFile(x)), ...unique.items]) {
    if (isFile(j) && fs.existsSync(j.local) && !(await conflicts.overwrite(j.local))) {
      continue;
    }
    out.push(j);
  }
  conflicts.reportSkippedIfNothingDone(out.filter(isFile).length);
  return out;
}

/** Downloads the targets; returns the local paths written. */
export async function downloadTargets(
  s: Services,
  targets: OssTarget[],
  args: Partial<DownloadArgs>,
): Promise<string[]> {
  const jobs = await plan(s, targets, args);
  if (!jobs?.length) {
    return [];
  }
  const files = jobs.filter((j) => j.key && !j.key.endsWith('/'));
  const total = files.reduce((n, j) => n + j.size, 0) || 1;
  const written: string[] = [];
  const outcome = await withProgress(vscode.l10n.t('Downloading from OSS'), (report, signal) =>
    runBatch(
      jobs,
      async (j, i) => {
        if (signal.aborted) {
          throw new UserCancelled();
        }
        if (!j.key || j.key.endsWith('/')) {
          await fs.promises.mkdir(j.local, { recursive: true });
          return;
        }
        report(`${baseName(j.key)} (${i + 1}/${jobs.length})`);
        const { cloud, region } = await cloudFor(s, j.target);
        await fs.promises.mkdir(path.dirname(j.local), { recursive: true });
        await cloud.oss.downloadToFile(j.target.bucket, region, j.key, j.local, {
          signal,
          onBytes: (n) => report(`${baseName(j.key)} (${i + 1}/${jobs.length})`, (n / total) * 100),
        });
        written.push(j.local);
      },
      signal,
    ),
  );
  reportFailures(
    s,
    outcome.failed.map((f) => ({
      name: formatOssUri({ bucket: f.item.target.bucket, key: f.item.key }),
      message: describeError(f.error).message,
    })),
    files.length,
  );
  if (jobs.length === 1 && outcome.failed.length === 1) {
    throw outcome.failed[0].error;
  }
  if (written.length) {
    const reveal = vscode.l10n.t('Reveal');
    void showNotice(
      'info',
      written.length === 1
        ? vscode.l10n.t('Downloaded 1 object.')
        : vscode.l10n.t('Downloaded {0} objects.', written.length),
      reveal,
    ).then((c) => {
      if (c === reveal) {
        void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(written[0]));
      }
    });
  }
  return written;
}

export const ossDownload = defineCommand({
  id: 'alibabaCloud.oss.download',
  node: OSS_ROWS,
  args: { ...ossUriArgs, ...downloadArgs },
  run: async (s, input) => {
    const targets = await resolveTargets(s, input, 'any', vscode.l10n.t('Download from OSS'));
    return downloadTargets(s, targets, input.args);
  },
});
