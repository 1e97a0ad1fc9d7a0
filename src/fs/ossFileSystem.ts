/**
 * `oss://<bucket>/<key>` as a file system, a thin adapter from URIs to OssApi calls:
 * stat (HeadObject; prefixes are directories), readDirectory (delimiter "/" listing, all pages,
 * bounded), readFile/writeFile (GetObject/PutObject), delete (folders via DeleteMultipleObjects),
 * createDirectory (the zero-byte "x/" object) and rename (copy, then delete).
 * Failures become vscode.FileSystemError; an AccessDenied names the action, resource and identity
 * in the error VS Code shows, and for changes (save, delete, rename) the actionable explanation
 * is also reported through the error funnel.
 */
import * as vscode from 'vscode';
import type { Cloud } from '../cloud';
import { CloudError, isCloudError } from '../cloud/errors';
import { collectAll } from '../cloud/paging';
import { refusalSentence } from '../ui/accessDenied';
import { isPolicyDenial } from '../ui/accessDeniedReport';
import { describeError, reportError } from '../ui/errorFunnel';
import type { Services } from '../views/services';
import { asPrefix, entryName, listKeysUnder, objectExists, OSS_SCHEME, regionOfBucket } from './ossLocation';

export { OSS_SCHEME };

/** readDirectory lists at most this many pages of 1,000 entries. */
const MAX_DIRECTORY_PAGES = 50;

interface Target { cloud: Cloud; bucket: string; region: string; key: string }

const NOT_FOUND = /^(NoSuchKey|NoSuchBucket)$/;

export class OssFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private pending: vscode.FileChangeEvent[] = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly s: Services, private readonly debounceMs = 50) {}

  watch(): vscode.Disposable {
    // OSS has no change notifications; changes made here are announced by fire().
    return new vscode.Disposable(() => undefined);
  }

  private async target(uri: vscode.Uri): Promise<Target> {
    const { entry, cloud } = await this.s.cloud();
    const bucket = uri.authority;
    return { cloud, bucket, region: await regionOfBucket(cloud, bucket, entry.regionId), key: uri.path.replace(/^\//, '') };
  }

  /** Runs one operation, turning cloud errors into FileSystemErrors. */
  private async run<T>(uri: vscode.Uri, op: string, mutating: boolean, fn: (t: Target) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.target(uri));
    } catch (e) {
      throw await this.toFsError(e, uri, op, mutating);
    }
  }

  private async toFsError(e: unknown, uri: vscode.Uri, op: string, mutating: boolean): Promise<unknown> {
    if (e instanceof vscode.FileSystemError) { return e; }
    if (isCloudError(e, NOT_FOUND)) { return vscode.FileSystemError.FileNotFound(uri); }
    if (e instanceof CloudError && isPolicyDenial(e)) {
      // VS Code shows this text ("Failed to save …: <text>"); the funnel adds the buttons.
      const text = await refusalSentence(this.s, e);
      if (mutating) { void reportError(this.s.log, e, `oss:${op} ${uri.toString()}`); }
      return vscode.FileSystemError.NoPermissions(text);
    }
    this.s.log.warn(`oss:${op} ${uri.toString()}: ${describeError(e).message}`);
    return vscode.FileSystemError.Unavailable(describeError(e).message);
  }

  /** Announces changes, coalesced over `debounceMs` (a folder delete touches many URIs). */
  private fire(...events: vscode.FileChangeEvent[]): void {
    this.pending.push(...events);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const batch = this.pending;
      this.pending = [];
      this.emitter.fire(batch);
    }, this.debounceMs);
  }

  private async kindOf(t: Target): Promise<{ type: vscode.FileType; size: number; mtime: number } | undefined> {
    if (t.key === '' || t.key.endsWith('/')) { return { type: vscode.FileType.Directory, size: 0, mtime: 0 }; }
    try {
      const meta = await t.cloud.oss.headObject(t.bucket, t.region, t.key);
      const mtime = meta.lastModified ? Date.parse(meta.lastModified) : 0;
      return { type: vscode.FileType.File, size: meta.size, mtime: Number.isNaN(mtime) ? 0 : mtime };
    } catch (e) {
      if (!isCloudError(e, 'NoSuchKey')) { throw e; }
    }
    // No object by that name: a folder if anything lives under "key/", or its placeholder exists.
    const prefix = `${t.key}/`;
    const [children, placeholder] = await Promise.all([
      t.cloud.oss.listObjects(t.bucket, t.region, { prefix, maxKeys: 1 }),
      objectExists(t.cloud, t.bucket, t.region, prefix),
    ]);
    return children.items.length || placeholder ? { type: vscode.FileType.Directory, size: 0, mtime: 0 } : undefined;
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.run(uri, 'HeadObject', false, async (t) => {
      const k = await this.kindOf(t);
      if (!k) { throw vscode.FileSystemError.FileNotFound(uri); }
      return { type: k.type, size: k.size, mtime: k.mtime, ctime: k.mtime };
    });
  }

  readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.run(uri, 'ListObjects', false, async (t) => {
      const prefix = asPrefix(t.key);
      const entries = await collectAll((token) => t.cloud.oss.listObjects(t.bucket, t.region, { prefix, token, maxKeys: 1000 }), MAX_DIRECTORY_PAGES);
      if (!entries.length && prefix && !await objectExists(t.cloud, t.bucket, t.region, prefix)) { throw vscode.FileSystemError.FileNotFound(uri); }
      return entries.map((e): [string, vscode.FileType] => [entryName(e, prefix), e.kind === 'folder' ? vscode.FileType.Directory : vscode.FileType.File]);
    });
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.run(uri, 'GetObject', false, async (t) => {
      if (!t.key || t.key.endsWith('/')) { throw vscode.FileSystemError.FileIsADirectory(uri); }
      return new Uint8Array(await t.cloud.oss.getObject(t.bucket, t.region, t.key));
    });
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    return this.run(uri, 'PutObject', true, async (t) => {
      if (!t.key || t.key.endsWith('/')) { throw vscode.FileSystemError.FileIsADirectory(uri); }
      let exists = true;
      if (!options.create || !options.overwrite) {
        exists = await objectExists(t.cloud, t.bucket, t.region, t.key);
        if (!exists && !options.create) { throw vscode.FileSystemError.FileNotFound(uri); }
        if (exists && !options.overwrite) { throw vscode.FileSystemError.FileExists(uri); }
      }
      await t.cloud.oss.putObject(t.bucket, t.region, t.key, Buffer.from(content));
      this.fire({ type: exists ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri });
      if (!exists) { this.s.refresh('oss'); }
    });
  }

  delete(uri: vscode.Uri, options: { recursive: boolean }): Promise<void> {
    return this.run(uri, 'DeleteObject', true, async (t) => {
      const k = await this.kindOf(t);
      if (!k) { throw vscode.FileSystemError.FileNotFound(uri); }
      if (k.type === vscode.FileType.File) {
        await t.cloud.oss.deleteObject(t.bucket, t.region, t.key);
      } else {
        const prefix = asPrefix(t.key);
        const keys = (await listKeysUnder(t.cloud, t.bucket, t.region, prefix)).map((o) => o.key);
        if (keys.length && !options.recursive) { throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('The folder is not empty.')); }
        // The folder's own "x/" object too, if there is one (deleting a missing key is no error).
        await t.cloud.oss.deleteObjects(t.bucket, t.region, prefix ? [...keys, prefix] : keys);
      }
      this.fire({ type: vscode.FileChangeType.Deleted, uri });
      this.s.refresh('oss');
    });
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.run(uri, 'PutObject', true, async (t) => {
      if (!t.key) { throw vscode.FileSystemError.FileExists(uri); }
      await t.cloud.oss.createFolder(t.bucket, t.region, asPrefix(t.key));
      this.fire({ type: vscode.FileChangeType.Created, uri });
      this.s.refresh('oss');
    });
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    return this.run(oldUri, 'CopyObject', true, async (from) => {
      const to = await this.target(newUri);
      const k = await this.kindOf(from);
      if (!k) { throw vscode.FileSystemError.FileNotFound(oldUri); }
      if (!options.overwrite && await this.kindOf(to)) { throw vscode.FileSystemError.FileExists(newUri); }
      if (k.type === vscode.FileType.File) {
        await copyKey(from, to, from.key, to.key);
        await from.cloud.oss.deleteObject(from.bucket, from.region, from.key);
      } else {
        const src = asPrefix(from.key);
        const dst = asPrefix(to.key);
        const keys = (await listKeysUnder(from.cloud, from.bucket, from.region, src)).map((o) => o.key);
        if (await objectExists(from.cloud, from.bucket, from.region, src)) { keys.push(src); }
        for (const key of keys) { await copyKey(from, to, key, dst + key.slice(src.length)); }
        if (!keys.includes(src)) { await to.cloud.oss.createFolder(to.bucket, to.region, dst); }
        await from.cloud.oss.deleteObjects(from.bucket, from.region, keys);
      }
      this.fire({ type: vscode.FileChangeType.Deleted, uri: oldUri }, { type: vscode.FileChangeType.Created, uri: newUri });
      this.s.refresh('oss');
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.emitter.dispose();
  }
}

/** CopyObject within a bucket; across buckets, through this host (GetObject + PutObject). */
async function copyKey(from: Target, to: Target, fromKey: string, toKey: string): Promise<void> {
  if (from.bucket === to.bucket) {
    await from.cloud.oss.copyObject(from.bucket, from.region, fromKey, toKey);
  } else {
    await to.cloud.oss.putObject(to.bucket, to.region, toKey, await from.cloud.oss.getObject(from.bucket, from.region, fromKey));
  }
}

/** Registers the provider for `oss:`. */
export function registerOssFileSystem(s: Services): vscode.Disposable {
  const fs = new OssFileSystem(s);
  return vscode.Disposable.from(fs, vscode.workspace.registerFileSystemProvider(OSS_SCHEME, fs, { isCaseSensitive: true }));
}
