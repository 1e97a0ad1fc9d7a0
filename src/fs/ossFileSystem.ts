/**
 * `oss://<bucket>/<key>` as a file system, a thin adapter from URIs to OssApi calls:
 * stat (HeadObject; prefixes are directories), readDirectory (delimiter "/" listing, all pages,
 * bounded), readFile/writeFile (GetObject/PutObject), delete (folders via DeleteMultipleObjects),
 * createDirectory (the zero-byte "x/" object) and rename (copy, then delete).
 * Failures become vscode.FileSystemError; an AccessDenied names the action, resource and identity
 * in the error VS Code shows, and for changes (save, delete, rename) the actionable explanation
 * is also reported through the error funnel.
 *
 * Documents opened from the OSS view are bound to their profile (`?{"profile":…}`, ui/liveBinding):
 * reads use it, writes under another active profile ask first. A save compares the object's ETag
 * with the one read and never overwrites a newer object without asking. Objects above
 * `alibabaCloud.oss.maxOpenSizeMB` are never read into memory; a download is offered instead.
 */
import * as vscode from 'vscode';
import type { Cloud } from '../cloud';
import { CloudError, isCloudError } from '../cloud/errors';
import type { ObjectMeta } from '../cloud/oss';
import { collectAll } from '../cloud/paging';
import { refusalSentence } from '../errorHelp/accessDenied';
import { maxOpenSizeMb } from '../ui/trustedSettings';
import { describeError, isCancellation, reportError } from '../ui/errorFunnel';
import { bindingFromUri, cloudForRead, cloudForWrite, type BoundCloud } from '../services/liveBinding';
import type { Services } from '../services/services';
import {
  asPrefix,
  baseName,
  directoryEntries,
  formatOssUri,
  isPathSafeKey,
  formatSize,
  listKeysUnder,
  objectExists,
  OSS_SCHEME,
  regionOfBucket,
} from '../cloud/ossLocation';
import { showNotice } from '../ui/prompt';
import { shorten } from '../cloud/inert';
import { copyObjects } from '../setup/ossObjectOps';

export { OSS_SCHEME };

/** readDirectory lists at most this many pages of 1,000 entries. */
const MAX_DIRECTORY_PAGES = 50;

interface Target {
  cloud: Cloud;
  bucket: string;
  region: string;
  key: string;
  release(): void;
}

/** Read-only copies of what OSS holds, for the left side of a conflict's Compare. */
export const OSS_REMOTE_SCHEME = 'oss-remote';

const maxOpenBytes = () => maxOpenSizeMb() * 1024 * 1024;

/** The document key without the binding, for messages. */
const display = (uri: vscode.Uri) => formatOssUri({ bucket: uri.authority, key: uri.path.replace(/^\//, '') });

const NOT_FOUND = /^(NoSuchKey|NoSuchBucket)$/;

export class OssFileSystem implements vscode.FileSystemProvider, vscode.TextDocumentContentProvider, vscode.Disposable {
  /** The ETag of what each open document was read from (keyed by the bound URI). */
  private readonly etags = new Map<string, string | undefined>();
  private readonly remote = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private pending: vscode.FileChangeEvent[] = [];
  /** Content "Save OSS Object" has just uploaded, per URI: VS Code's own save of it then writes nothing. */
  private readonly uploaded = new Map<string, Uint8Array>();
  /** URIs whose last write was refused and reported through the funnel. */
  private readonly reported = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly s: Services,
    private readonly debounceMs = 50,
  ) {}

  watch(): vscode.Disposable {
    // OSS has no change notifications; changes made here are announced by fire().
    return new vscode.Disposable(() => undefined);
  }

  /** The bucket and key of `uri`, with the cloud of its profile (asking first when a write goes to another). */
  private async target(uri: vscode.Uri, write = false): Promise<Target> {
    const named = bindingFromUri(uri);
    // The profile's own name, never the one the query carries.
    const binding = named && {
      profileId: named.profileId,
      profileName: this.s.profiles.list().find((p) => p.id === named.profileId)?.name ?? named.profileId,
    };
    await this.s.bindingTrust.admit(uri, binding);
    const bound: BoundCloud = !binding
      ? { ...(await this.s.cloud()), release: () => undefined }
      : write
        ? await cloudForWrite(this.s, binding, display(uri))
        : await cloudForRead(this.s, binding);
    const bucket = uri.authority;
    try {
      return {
        cloud: bound.cloud,
        bucket,
        region: await regionOfBucket(bound.cloud, bucket, bound.entry.regionId),
        key: uri.path.replace(/^\//, ''),
        release: bound.release,
      };
    } catch (e) {
      bound.release();
      throw e;
    }
  }

  /** Runs one operation, turning cloud errors into FileSystemErrors. */
  private async run<T>(uri: vscode.Uri, op: string, mutating: boolean, fn: (t: Target) => Promise<T>): Promise<T> {
    let t: Target | undefined;
    try {
      // A segment readDirectory never returns ("..", "", "a\\b") names no file of ours: nothing is sent.
      if (!isPathSafeKey(uri.path.replace(/^\//, ''))) {
        throw vscode.FileSystemError.FileNotFound(uri);
      }
      t = await this.target(uri, mutating);
      return await fn(t);
    } catch (e) {
      throw await this.toFsError(e, uri, op, mutating);
    } finally {
      t?.release();
    }
  }

  private async toFsError(e: unknown, uri: vscode.Uri, op: string, mutating: boolean): Promise<unknown> {
    if (e instanceof vscode.FileSystemError) {
      return e;
    }
    if (isCancellation(e)) {
      return vscode.FileSystemError.NoPermissions(vscode.l10n.t('Nothing was written to {0}.', display(uri)));
    }
    if (isCloudError(e, NOT_FOUND)) {
      return vscode.FileSystemError.FileNotFound(uri);
    }
    if (isCloudError(e, 'FileAlreadyExists')) {
      return vscode.FileSystemError.FileExists(
        vscode.l10n.t('{0} was created in OSS meanwhile; nothing was overwritten.', display(uri)),
      );
    }
    if (e instanceof CloudError && this.s.onDemand().accessDeniedReport.isPolicyDenial(e)) {
      // The funnel shows it with its buttons. A save through writeFile also gets VS Code's "Failed to
      // save …: <text>"; Ctrl+S on an oss: editor uploads first (uploadBeforeSave) and shows ours alone.
      const text = await refusalSentence(this.s, e);
      if (mutating) {
        void reportError(this.s, e, `oss:${op} ${display(uri)}`);
        this.reported.add(uri.toString());
      }
      return vscode.FileSystemError.NoPermissions(text);
    }
    this.s.log.warn(`oss:${op} ${display(uri)}: ${describeError(e).message}`);
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
    if (t.key === '' || t.key.endsWith('/')) {
      return { type: vscode.FileType.Directory, size: 0, mtime: 0 };
    }
    try {
      const meta = await t.cloud.oss.headObject(t.bucket, t.region, t.key);
      const mtime = meta.lastModified ? Date.parse(meta.lastModified) : 0;
      return { type: vscode.FileType.File, size: meta.size, mtime: Number.isNaN(mtime) ? 0 : mtime };
    } catch (e) {
      if (!isCloudError(e, 'NoSuchKey')) {
        throw e;
      }
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
      if (!k) {
        throw vscode.FileSystemError.FileNotFound(uri);
      }
      return { type: k.type, size: k.size, mtime: k.mtime, ctime: k.mtime };
    });
  }

  readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.run(uri, 'ListObjects', false, async (t) => {
      const prefix = asPrefix(t.key);
      const entries = await collectAll(
        (token) => t.cloud.oss.listObjects(t.bucket, t.region, { prefix, token, maxKeys: 1000 }),
        MAX_DIRECTORY_PAGES,
      );
      if (!entries.length && prefix && !(await objectExists(t.cloud, t.bucket, t.region, prefix))) {
        throw vscode.FileSystemError.FileNotFound(uri);
      }
      const listed = directoryEntries(entries, prefix);
      if (listed.skipped.length) {
        this.s.log.warn(
          `oss: ${display(uri)}: ${listed.skipped.length} key(s) left out of the folder listing, their names are not path segments: ${listed.skipped.map((k) => JSON.stringify(k)).join(', ')}`,
        );
      }
      return listed.entries.map((e): [string, vscode.FileType] => [
        e.name,
        e.folder ? vscode.FileType.Directory : vscode.FileType.File,
      ]);
    });
  }

  /**
   * Every reader (editor, workspace.fs, other extensions) gets the size limit: large objects are
   * refused before any byte is read, and a download is offered instead.
   */
  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.run(uri, 'GetObject', false, async (t) => {
      if (!t.key || t.key.endsWith('/')) {
        throw vscode.FileSystemError.FileIsADirectory(uri);
      }
      // HEAD before GET: an object replaced in between is read with the older ETag, which at worst
      // makes the next save ask about a conflict; it never hides one.
      const meta = await t.cloud.oss.headObject(t.bucket, t.region, t.key);
      const limit = maxOpenBytes();
      if (meta.size > limit) {
        const message = vscode.l10n.t(
          '"{0}" is {1}, more than the {2} MB set for opening in the editor.',
          baseName(t.key),
          formatSize(meta.size),
          limit / 1024 / 1024,
        );
        void this.offerDownload(uri, message);
        throw vscode.FileSystemError.NoPermissions(message);
      }
      const data = await t.cloud.oss.getObject(t.bucket, t.region, t.key);
      this.etags.set(uri.toString(), meta.etag);
      return new Uint8Array(data);
    });
  }

  private async offerDownload(uri: vscode.Uri, message: string): Promise<void> {
    const download = vscode.l10n.t('Download…');
    const choice = await this.s.prompt
      .choose(message, vscode.l10n.t('Download it instead? The limit is the setting alibabaCloud.oss.maxOpenSizeMB.'), [
        download,
      ])
      .catch(() => undefined);
    if (choice === download) {
      await vscode.commands.executeCommand('alibabaCloud.oss.download', { uri: display(uri) });
    }
  }

  /**
   * Saves only over the object that was read. OSS's PutObject takes no If-Match (OSS documents
   * If-Match for GetObject/HeadObject and CopyObject's source only; help.aliyun.com "HTTP status
   * code 412"), so this is HEAD, compare ETags, then PUT: a write landing between the HEAD and the
   * PUT is not detected. Creating a key sends x-oss-forbid-overwrite, which OSS does enforce.
   */
  writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    const done = this.uploaded.get(uri.toString());
    this.uploaded.delete(uri.toString());
    if (done && Buffer.from(done).equals(Buffer.from(content))) {
      return Promise.resolve();
    }
    return this.put(uri, content, options);
  }

  /**
   * Uploads a document's text before VS Code saves it (Ctrl+S on an `oss:` editor), so that a
   * refusal is reported once, by us, with our actions: a failed writeFile always adds VS Code's own
   * "Failed to save …" toast. True when uploaded; VS Code's save that follows then writes nothing.
   */
  async uploadBeforeSave(uri: vscode.Uri, content: Uint8Array): Promise<boolean> {
    try {
      await this.put(uri, content, { create: true, overwrite: true });
      this.uploaded.set(uri.toString(), content);
      return true;
    } catch (e) {
      // A refusal by policy was reported by toFsError, with its actions; anything else is said here.
      if (!(
        e instanceof vscode.FileSystemError &&
        e.code === 'NoPermissions' &&
        this.reported.delete(uri.toString())
      )) {
        void showNotice(
          'error',
          vscode.l10n.t(
            'Not saved to {0}: {1}',
            shorten(display(uri), 200),
            e instanceof Error ? e.message : String(e),
          ),
        );
      }
      return false;
    }
  }

  private put(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    return this.run(uri, 'PutObject', true, async (t) => {
      if (!t.key || t.key.endsWith('/')) {
        throw vscode.FileSystemError.FileIsADirectory(uri);
      }
      let current: ObjectMeta | undefined;
      try {
        current = await t.cloud.oss.headObject(t.bucket, t.region, t.key);
      } catch (e) {
        if (!isCloudError(e, 'NoSuchKey')) {
          throw e;
        }
      }
      if (!current && !options.create) {
        throw vscode.FileSystemError.FileNotFound(uri);
      }
      if (current && !options.overwrite) {
        throw vscode.FileSystemError.FileExists(uri);
      }
      const key = uri.toString();
      if (this.etags.has(key) && this.etags.get(key) !== current?.etag) {
        await this.resolveConflict(uri, t, current);
      }
      const etag = await t.cloud.oss.putObject(t.bucket, t.region, t.key, Buffer.from(content), undefined, {
        forbidOverwrite: !current,
      });
      this.etags.set(key, etag);
      this.fire({ type: current ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri });
      // The object's node shows size, date and ETag: reload them.
      this.s.refresh('oss');
    });
  }

  /** Returns when the user chose to overwrite; otherwise throws, and nothing is written. */
  private async resolveConflict(uri: vscode.Uri, t: Target, current: ObjectMeta | undefined): Promise<void> {
    const compare = vscode.l10n.t('Compare');
    const overwrite = vscode.l10n.t('Overwrite');
    const name = display(uri);
    const choice = await this.s.prompt.choose(
      current
        ? vscode.l10n.t('{0} changed in OSS since you opened it.', name)
        : vscode.l10n.t('{0} was deleted in OSS since you opened it.', name),
      vscode.l10n.t(
        'Nothing was written yet. Compare your version with the one in OSS, overwrite it with yours, or cancel and keep editing.',
      ),
      current ? [compare, overwrite] : [overwrite],
    );
    if (choice === overwrite) {
      return;
    }
    if (choice === compare) {
      const left = uri.with({ scheme: OSS_REMOTE_SCHEME });
      this.remote.set(left.toString(), (await t.cloud.oss.getObject(t.bucket, t.region, t.key)).toString('utf8'));
      await vscode.commands.executeCommand(
        'vscode.diff',
        left,
        uri,
        vscode.l10n.t('{0}: in OSS ↔ yours', baseName(t.key)),
      );
    }
    throw vscode.FileSystemError.NoPermissions(
      vscode.l10n.t('Not saved: {0} changed in OSS since you opened it. Save again to choose Overwrite.', name),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.remote.get(uri.toString()) ?? '';
  }

  delete(uri: vscode.Uri, options: { recursive: boolean }): Promise<void> {
    return this.run(uri, 'DeleteObject', true, async (t) => {
      const k = await this.kindOf(t);
      if (!k) {
        throw vscode.FileSystemError.FileNotFound(uri);
      }
      if (k.type === vscode.FileType.File) {
        await t.cloud.oss.deleteObject(t.bucket, t.region, t.key);
      } else {
        const prefix = asPrefix(t.key);
        const keys = (await listKeysUnder(t.cloud, t.bucket, t.region, prefix)).map((o) => o.key);
        if (keys.length && !options.recursive) {
          throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('The folder is not empty.'));
        }
        // The folder's own "x/" object too, if there is one (deleting a missing key is no error).
        await t.cloud.oss.deleteObjects(t.bucket, t.region, prefix ? [...keys, prefix] : keys);
      }
      this.fire({ type: vscode.FileChangeType.Deleted, uri });
      this.s.refresh('oss');
    });
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.run(uri, 'PutObject', true, async (t) => {
      if (!t.key) {
        throw vscode.FileSystemError.FileExists(uri);
      }
      await t.cloud.oss.createFolder(t.bucket, t.region, asPrefix(t.key));
      this.fire({ type: vscode.FileChangeType.Created, uri });
      this.s.refresh('oss');
    });
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    return this.run(oldUri, 'CopyObject', true, async (from) => {
      const to = await this.target(newUri, true);
      try {
        await this.move(from, to, oldUri, newUri, options);
      } finally {
        to.release();
      }
    });
  }

  private async move(
    from: Target,
    to: Target,
    oldUri: vscode.Uri,
    newUri: vscode.Uri,
    options: { overwrite: boolean },
  ): Promise<void> {
    const k = await this.kindOf(from);
    if (!k) {
      throw vscode.FileSystemError.FileNotFound(oldUri);
    }
    if (!options.overwrite && (await this.kindOf(to))) {
      throw vscode.FileSystemError.FileExists(newUri);
    }
    if (k.type === vscode.FileType.File) {
      await copyKeys(from, to, [[from.key, to.key]]);
      await from.cloud.oss.deleteObject(from.bucket, from.region, from.key);
    } else {
      const src = asPrefix(from.key);
      const dst = asPrefix(to.key);
      const keys = (await listKeysUnder(from.cloud, from.bucket, from.region, src)).map((o) => o.key);
      if (await objectExists(from.cloud, from.bucket, from.region, src)) {
        keys.push(src);
      }
      await copyKeys(
        from,
        to,
        keys.map((key) => [key, dst + key.slice(src.length)]),
      );
      if (!keys.includes(src)) {
        await to.cloud.oss.createFolder(to.bucket, to.region, dst);
      }
      await from.cloud.oss.deleteObjects(from.bucket, from.region, keys);
    }
    this.fire(
      { type: vscode.FileChangeType.Deleted, uri: oldUri },
      { type: vscode.FileChangeType.Created, uri: newUri },
    );
    this.s.refresh('oss');
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.emitter.dispose();
  }
}

/**
 * Server-side copies through the one copy primitive the tree's Move and Copy use (CopyObject, in
 * parts with UploadPartCopy above 1 GB; copyObjects); CopyObject does not cross regions, so across
 * regions the bytes go through this host. Stops at the first failure, before anything is deleted.
 */
async function copyKeys(from: Target, to: Target, pairs: Array<[string, string]>): Promise<void> {
  if (from.region === to.region) {
    const results = await copyObjects(
      from.cloud.oss,
      from.region,
      pairs.map(([fromKey, toKey]) => ({ fromBucket: from.bucket, fromKey, toBucket: to.bucket, toKey })),
      { move: false },
    );
    const failed = results.find((r) => !r.copied);
    if (failed) {
      throw failed.cause ?? new Error(failed.error);
    }
    return;
  }
  for (const [fromKey, toKey] of pairs) {
    await to.cloud.oss.putObject(
      to.bucket,
      to.region,
      toKey,
      await from.cloud.oss.getObject(from.bucket, from.region, fromKey),
    );
  }
}

/** Registers the provider for `oss:`; the caller keeps it (Services.ossFiles). */
export function registerOssFileSystem(s: Services): { fs: OssFileSystem; registration: vscode.Disposable } {
  const fs = new OssFileSystem(s);
  return {
    fs,
    registration: vscode.Disposable.from(
      fs,
      vscode.workspace.registerFileSystemProvider(OSS_SCHEME, fs, { isCaseSensitive: true }),
      vscode.workspace.registerTextDocumentContentProvider(OSS_REMOTE_SCHEME, fs),
    ),
  };
}
