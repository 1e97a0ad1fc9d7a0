/**
 * Upload files (several at once) or a whole folder into a bucket or folder, and "Upload to OSS…"
 * for what the Explorer or an editor tab holds (also what is dropped on the OSS tree). Existing objects are
 * never replaced silently (Overwrite / Skip / Overwrite All / Cancel per conflict); large files go
 * up in parts, with progress and a cancel button that aborts the multipart upload.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Cloud } from '../../cloud';
import { mapLimit } from '../../cloud/paging';
import { asPrefix, formatOssUri, listKeysUnder, objectExists, OSS_SCHEME, parseOssUri } from '../../cloud/ossLocation';
import { runBatch } from '../../setup/ossTransfer';
import { describeError, UserCancelled } from '../../ui/errorFunnel';
import { withProgress } from '../../ui/progress';
import type { Services } from '../../services/services';
import { defineCommand, is } from '../command';
import {
  cloudFor,
  ConflictResolver,
  OSS_ROWS,
  ossUriArgs,
  pickTarget,
  refreshOss,
  reportFailures,
  resolveFolder,
  type OssTarget,
} from './targets';
import { showNotice } from '../../ui/prompt';

interface UploadItem {
  local: string;
  key: string;
  size: number;
}

const uploadArgs = { ...ossUriArgs, files: is.strings, folder: is.string };

/** Every file under `dir`, as paths relative to it with "/" separators; empty folders end in "/". */
export async function walkFolder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.promises.readdir(path.join(dir, rel), { withFileTypes: true });
  if (!entries.length && rel) {
    return [`${rel}/`];
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      out.push(...(await walkFolder(dir, child)));
    } else if (e.isFile()) {
      out.push(child);
    }
  }
  return out;
}

/**
 * Uploads `items` into `dest`, asking per existing key; returns how many were uploaded. A failed
 * file does not stop the others (a multipart upload that fails is aborted, never redone whole);
 * the batch ends with what failed.
 */
async function uploadItems(
  s: Services,
  dest: OssTarget,
  items: UploadItem[],
  existing: (cloud: Cloud, region: string) => Promise<Set<string>>,
): Promise<number> {
  const { cloud, region } = await cloudFor(s, dest);
  const present = await existing(cloud, region);
  const conflicts = new ConflictResolver(s, items.filter((i) => present.has(i.key)).length);
  const todo: UploadItem[] = [];
  for (const item of items) {
    if (present.has(item.key) && !(await conflicts.overwrite(formatOssUri({ bucket: dest.bucket, key: item.key })))) {
      continue;
    }
    todo.push(item);
  }
  if (!todo.length) {
    conflicts.reportSkippedIfNothingDone(0);
    return 0;
  }
  const total = todo.reduce((n, i) => n + i.size, 0) || 1;
  let outcome;
  try {
    outcome = await withProgress(vscode.l10n.t('Uploading to {0}', formatOssUri(dest)), (report, signal) =>
      runBatch(
        todo,
        async (item, i) => {
          if (signal.aborted) {
            throw new UserCancelled();
          }
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
        },
        signal,
      ),
    );
  } finally {
    refreshOss(s, [dest.node]);
  }
  reportFailures(
    s,
    outcome.failed.map((f) => ({ name: f.item.local, message: describeError(f.error).message })),
    todo.length,
  );
  if (todo.length === 1 && outcome.failed.length === 1) {
    throw outcome.failed[0].error;
  }
  return outcome.done.length;
}

function uploaded(n: number, of: number, where: string): string {
  if (n === of) {
    return n === 1
      ? vscode.l10n.t('Uploaded 1 file to {0}.', where)
      : vscode.l10n.t('Uploaded {0} files to {1}.', n, where);
  }
  return of === 1
    ? vscode.l10n.t('Uploaded {0} of 1 file to {1}.', n, where)
    : vscode.l10n.t('Uploaded {0} of {1} files to {2}.', n, of, where);
}

export const ossUpload = defineCommand({
  id: 'alibabaCloud.oss.upload',
  node: OSS_ROWS,
  args: uploadArgs,
  run: async (s, input) => {
    const a = input.args;
    const dest = await resolveFolder(s, input, vscode.l10n.t('Upload Files to OSS'));
    const files =
      a.files ??
      (
        await vscode.window.showOpenDialog({
          canSelectMany: true,
          canSelectFiles: true,
          openLabel: vscode.l10n.t('Upload'),
          title: vscode.l10n.t('Upload to {0}', formatOssUri(dest)),
        })
      )?.map((u) => u.fsPath);
    if (!files?.length) {
      return 0;
    }
    const items = files.map((f) => ({ local: f, key: dest.key + path.basename(f), size: fs.statSync(f).size }));
    const n = await uploadItems(s, dest, items, async (cloud, region) => {
      const found = await mapLimit(items, 8, async (i) =>
        (await objectExists(cloud, dest.bucket, region, i.key)) ? i.key : undefined,
      );
      return new Set(found.filter((k): k is string => !!k));
    });
    if (n) {
      void showNotice('info', uploaded(n, items.length, formatOssUri(dest)));
    }
    return n;
  },
});

export const ossUploadFolder = defineCommand({
  id: 'alibabaCloud.oss.uploadFolder',
  node: OSS_ROWS,
  args: uploadArgs,
  run: async (s, input) => {
    const a = input.args;
    const dest = await resolveFolder(s, input, vscode.l10n.t('Upload Folder to OSS'));
    const folder =
      a.folder ??
      (
        await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          openLabel: vscode.l10n.t('Upload'),
          title: vscode.l10n.t('Upload to {0}', formatOssUri(dest)),
        })
      )?.[0]?.fsPath;
    if (!folder) {
      return 0;
    }
    const base = `${dest.key}${path.basename(folder)}/`;
    const files = await walkFolder(folder);
    const items = files.map((rel) => ({
      local: path.join(folder, rel),
      key: base + rel,
      size: rel.endsWith('/') ? 0 : fs.statSync(path.join(folder, rel)).size,
    }));
    if (!items.length) {
      items.push({ local: folder, key: base, size: 0 });
    }
    const n = await uploadItems(
      s,
      dest,
      items,
      async (cloud, region) => new Set((await listKeysUnder(cloud, dest.bucket, region, base)).map((o) => o.key)),
    );
    if (n) {
      void showNotice('info', uploaded(n, items.length, formatOssUri({ bucket: dest.bucket, key: base })));
    }
    return n;
  },
});

/** Files and folders as upload items under `dest`: a folder keeps its name and goes up whole. */
async function itemsFor(dest: OssTarget, paths: string[]): Promise<{ items: UploadItem[]; folders: string[] }> {
  const items: UploadItem[] = [];
  const folders: string[] = [];
  for (const p of paths) {
    const stat = await fs.promises.stat(p);
    if (!stat.isDirectory()) {
      items.push({ local: p, key: dest.key + path.basename(p), size: stat.size });
      continue;
    }
    const base = `${dest.key}${path.basename(p)}/`;
    folders.push(base);
    const files = await walkFolder(p);
    items.push(
      ...files.map((rel) => ({
        local: path.join(p, rel),
        key: base + rel,
        size: rel.endsWith('/') ? 0 : fs.statSync(path.join(p, rel)).size,
      })),
    );
    if (!files.length) {
      items.push({ local: p, key: base, size: 0 });
    }
  }
  return { items, folders };
}

/**
 * The local paths of what the Explorer or an editor handed over. The extension runs where the
 * workspace is (extensionKind "workspace" first), so after Remote-SSH these are the instance's own
 * files and `file:` URIs there; anything else is not a file this side can read.
 */
function localPaths(uris: vscode.Uri[]): string[] {
  return uris.map((u) => {
    if (u.scheme === 'file') {
      return u.fsPath;
    }
    if (u.scheme === OSS_SCHEME) {
      throw new Error(
        vscode.l10n.t('{0} is already in OSS; use Copy to… to copy it to another bucket or folder.', u.toString(true)),
      );
    }
    throw new Error(
      vscode.l10n.t('{0} is not a file on this machine, so it cannot be uploaded from here.', u.toString(true)),
    );
  });
}

/**
 * "Upload to OSS…" from the Explorer or an editor tab (the clicked resource and the selection),
 * from the palette (the active editor's file, else an open dialog), or with { to, paths } from the
 * tree's drag and drop. Files and folders together, one conflict question per existing object.
 */
export const ossUploadTo = defineCommand({
  id: 'alibabaCloud.oss.uploadTo',
  args: { to: is.string, paths: is.strings },
  // From the Explorer or an editor tab: the clicked resource, and the selection when it is in it.
  value: ([clicked, selection]) =>
    clicked instanceof vscode.Uri
      ? Array.isArray(selection) &&
        selection.some((u) => u instanceof vscode.Uri && u.toString() === clicked.toString())
        ? (selection as vscode.Uri[])
        : [clicked]
      : undefined,
  run: async (s, { args: a, value: resources }) => {
    const title = vscode.l10n.t('Upload to OSS');
    let paths = a.paths;
    if (!paths) {
      const uris =
        resources ??
        (vscode.window.activeTextEditor?.document.uri.scheme === 'file'
          ? [vscode.window.activeTextEditor.document.uri]
          : ((await vscode.window.showOpenDialog({
              canSelectMany: true,
              canSelectFiles: true,
              canSelectFolders: true,
              openLabel: vscode.l10n.t('Upload'),
              title,
            })) ?? []));
      paths = localPaths(uris);
    }
    if (!paths.length) {
      return 0;
    }
    const to = a.to ? parseOssUri(a.to) : undefined;
    if (a.to && !to) {
      throw new Error(vscode.l10n.t('"{0}" is not an oss://bucket/key URI.', a.to));
    }
    const dest: OssTarget = to
      ? { kind: 'prefix', bucket: to.bucket, key: asPrefix(to.key) }
      : await pickTarget(s, 'prefix', title);
    const { items, folders } = await itemsFor(dest, paths);
    const n = await uploadItems(s, dest, items, async (cloud, region) => {
      const files = items.filter((i) => !folders.some((f) => i.key.startsWith(f)));
      const found = await mapLimit(files, 8, async (i) =>
        (await objectExists(cloud, dest.bucket, region, i.key)) ? i.key : undefined,
      );
      const under = await Promise.all(
        folders.map(async (f) => (await listKeysUnder(cloud, dest.bucket, region, f)).map((o) => o.key)),
      );
      return new Set([...found.filter((k): k is string => !!k), ...under.flat()]);
    });
    if (n) {
      void showNotice('info', uploaded(n, items.length, formatOssUri(dest)));
    }
    return n;
  },
});
