/**
 * Upload files (several at once) or a whole folder into a bucket or folder. Existing objects are
 * never replaced silently (Overwrite / Skip / Overwrite All / Cancel per conflict); large files go
 * up in parts, with progress and a cancel button that aborts the multipart upload.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Cloud } from '../cloud';
import { mapLimit } from '../cloud/paging';
import { formatOssUri, listKeysUnder, objectExists } from '../cloud/ossLocation';
import { runBatch } from '../setup/ossTransfer';
import { describeError, UserCancelled } from '../ui/errorFunnel';
import { withProgress } from '../ui/progress';
import type { Services } from '../ui/services';
import { argsOf, defineCommand } from './command';
import { cloudFor, ConflictResolver, refreshOss, reportFailures, resolveFolder, type OssTarget } from './ossTargets';

interface UploadItem { local: string; key: string; size: number }

export interface UploadArgs { uri: string; files: string[]; folder: string }

/** Every file under `dir`, as paths relative to it with "/" separators; empty folders end in "/". */
export async function walkFolder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.promises.readdir(path.join(dir, rel), { withFileTypes: true });
  if (!entries.length && rel) { return [`${rel}/`]; }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) { out.push(...await walkFolder(dir, child)); } else if (e.isFile()) { out.push(child); }
  }
  return out;
}

/**
 * Uploads `items` into `dest`, asking per existing key; returns how many were uploaded. A failed
 * file does not stop the others (a multipart upload that fails is aborted, never redone whole);
 * the batch ends with what failed.
 */
async function uploadItems(s: Services, dest: OssTarget, items: UploadItem[], existing: (cloud: Cloud, region: string) => Promise<Set<string>>): Promise<number> {
  const { cloud, region } = await cloudFor(s, dest);
  const present = await existing(cloud, region);
  const conflicts = new ConflictResolver(s, items.filter((i) => present.has(i.key)).length);
  const todo: UploadItem[] = [];
  for (const item of items) {
    if (present.has(item.key) && !await conflicts.overwrite(formatOssUri({ bucket: dest.bucket, key: item.key }))) { continue; }
    todo.push(item);
  }
  if (!todo.length) { conflicts.reportSkippedIfNothingDone(0); return 0; }
  const total = todo.reduce((n, i) => n + i.size, 0) || 1;
  let outcome;
  try {
    outcome = await withProgress(vscode.l10n.t('Uploading to {0}', formatOssUri(dest)), (report, signal) => runBatch(todo, async (item, i) => {
      if (signal.aborted) { throw new UserCancelled(); }
      const label = `${path.basename(item.local)} (${i + 1}/${todo.length})`;
      report(label);
      let sent = 0;
      if (item.key.endsWith('/')) {
        await cloud.oss.createFolder(dest.bucket, region, item.key);
        return;
      }
      await cloud.oss.uploadFile(dest.bucket, region, item.key, item.local, {
        signal,
        onProgress: (fraction) => {
          const now = fraction * item.size;
          report(label, ((now - sent) / total) * 100);
          sent = now;
        },
      });
    }, signal));
  } finally {
    refreshOss(s, [dest.node]);
  }
  reportFailures(s, outcome.failed.map((f) => ({ name: f.item.local, message: describeError(f.error).message })), todo.length);
  if (todo.length === 1 && outcome.failed.length === 1) { throw outcome.failed[0].error; }
  return outcome.done.length;
}

function uploaded(n: number, of: number, where: string): string {
  if (n === of) { return n === 1 ? vscode.l10n.t('Uploaded 1 file to {0}.', where) : vscode.l10n.t('Uploaded {0} files to {1}.', n, where); }
  return of === 1 ? vscode.l10n.t('Uploaded {0} of 1 file to {1}.', n, where) : vscode.l10n.t('Uploaded {0} of {1} files to {2}.', n, of, where);
}

export const ossUpload = defineCommand('alibabaCloud.oss.upload', async (s, node, nodes) => {
  const a = argsOf<UploadArgs>(node);
  const dest = await resolveFolder(s, node, nodes, vscode.l10n.t('Upload Files to OSS'));
  const files = a.files ?? (await vscode.window.showOpenDialog({ canSelectMany: true, canSelectFiles: true, openLabel: vscode.l10n.t('Upload'), title: vscode.l10n.t('Upload to {0}', formatOssUri(dest)) }))?.map((u) => u.fsPath);
  if (!files?.length) { return 0; }
  const items = files.map((f) => ({ local: f, key: dest.key + path.basename(f), size: fs.statSync(f).size }));
  const n = await uploadItems(s, dest, items, async (cloud, region) => {
    const found = await mapLimit(items, 8, async (i) => (await objectExists(cloud, dest.bucket, region, i.key) ? i.key : undefined));
    return new Set(found.filter((k): k is string => !!k));
  });
  if (n) { void vscode.window.showInformationMessage(uploaded(n, items.length, formatOssUri(dest))); }
  return n;
});

export const ossUploadFolder = defineCommand('alibabaCloud.oss.uploadFolder', async (s, node, nodes) => {
  const a = argsOf<UploadArgs>(node);
  const dest = await resolveFolder(s, node, nodes, vscode.l10n.t('Upload Folder to OSS'));
  const folder = a.folder ?? (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: vscode.l10n.t('Upload'), title: vscode.l10n.t('Upload to {0}', formatOssUri(dest)) }))?.[0]?.fsPath;
  if (!folder) { return 0; }
  const base = `${dest.key}${path.basename(folder)}/`;
  const files = await walkFolder(folder);
  const items = files.map((rel) => ({ local: path.join(folder, rel), key: base + rel, size: rel.endsWith('/') ? 0 : fs.statSync(path.join(folder, rel)).size }));
  if (!items.length) { items.push({ local: folder, key: base, size: 0 }); }
  const n = await uploadItems(s, dest, items, async (cloud, region) => new Set((await listKeysUnder(cloud, dest.bucket, region, base)).map((o) => o.key)));
  if (n) { void vscode.window.showInformationMessage(uploaded(n, items.length, formatOssUri({ bucket: dest.bucket, key: base }))); }
  return n;
});
