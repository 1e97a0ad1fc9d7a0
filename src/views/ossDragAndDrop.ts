/**
 * Drag and drop on the OSS tree. Local files and folders (from the OS or the Explorer) dropped on a
 * bucket or folder are uploaded there; objects and folders dragged within the tree are moved. Both
 * run the commands a user could run by hand ("Upload to OSS…", "Move to…"), so a drop gets the
 * same conflict questions, confirmation, progress, summary and error reporting.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { asPrefix, formatOssUri, OSS_SCHEME, parentPrefix, type OssLocation } from '../cloud/ossLocation';
import type { Services } from '../ui/services';
import { OSS_TREE_MIME } from './contextValues';
import type { TreeNode } from './node';
import { OssFolderNode, OssObjectNode, OssPrefixNode } from './ossView';


type Draggable = OssObjectNode | OssFolderNode;

/** Where a drop on `target` lands: the bucket or folder itself, or the folder an object is in. */
function dropLocation(target: TreeNode | undefined): OssLocation | undefined {
  if (target instanceof OssPrefixNode) { return target.location; }
  if (target instanceof OssObjectNode) { return { bucket: target.bucket, key: parentPrefix(target.key) }; }
  return undefined;
}

/** The rows `handleDrag` put in the transfer; anything else under our mime type (a drag that failed) moves nothing. */
function draggedUris(json: string | undefined): string[] {
  try {
    const v: unknown = JSON.parse(json ?? '[]');
    return Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string' && u.startsWith(`${OSS_SCHEME}://`)) : [];
  } catch {
    return [];
  }
}

/** The work behind the OSS tree's TreeDragAndDropController (explorer.ts declares the mime types). */
export class OssDragAndDrop {
  constructor(private readonly s: Services) {}

  handleDrag(source: readonly TreeNode[], data: vscode.DataTransfer, _token?: vscode.CancellationToken): void {
    // Buckets and pinned roots stay put: there is no moving a bucket.
    const rows = source.filter((n): n is Draggable => n instanceof OssObjectNode || n instanceof OssFolderNode);
    // The oss:// URIs, not the nodes: VS Code sends every item to the workbench as JSON
    // (DataTransferItem.asString), and a node holds the services, whose extension context is
    // circular; the drag then failed before any drop.
    if (rows.length) { data.set(OSS_TREE_MIME, new vscode.DataTransferItem(JSON.stringify(rows.map((r) => r.uri)))); }
  }

  async handleDrop(target: TreeNode | undefined, data: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const to = dropLocation(target);
    if (!to || token.isCancellationRequested) { return; }
    const dest = formatOssUri({ bucket: to.bucket, key: asPrefix(to.key) });
    const uris = draggedUris(await data.get(OSS_TREE_MIME)?.asString());
    if (uris.length) {
      await this.move(uris, to, dest);
      return;
    }
    const { paths, ossUris, cleanup } = await this.dropped(data);
    try {
      if (ossUris.length) { await this.move(ossUris, to, dest); }
      if (paths.length) { await vscode.commands.executeCommand('alibabaCloud.oss.uploadTo', { to: dest, paths }); }
    } finally {
      await cleanup();
    }
  }

  /** Moves what is not already there; "Move to…" confirms, names the profile, and sums up. */
  private async move(uris: string[], to: OssLocation, dest: string): Promise<void> {
    const prefix = asPrefix(to.key);
    const elsewhere = uris.filter((u) => {
      const key = u.slice(`oss://${to.bucket}/`.length);
      return !u.startsWith(`oss://${to.bucket}/`) || parentPrefix(key) !== prefix;
    });
    if (!elsewhere.length) { return; }
    await vscode.commands.executeCommand('alibabaCloud.oss.move', { uris: elsewhere, to: dest });
  }

  /**
   * Local paths from a drop: `text/uri-list` (the Explorer, the OS) and file items. After
   * Remote-SSH the extension runs on the instance: the Explorer's `vscode-remote:` URIs are its
   * own files, while files dragged from the user's desktop exist only as bytes, which are written
   * to a temporary folder (under their own names, which become the object names) and uploaded
   * from there. `oss://` URIs (an oss:// workspace folder in the Explorer) are moves.
   */
  private async dropped(data: vscode.DataTransfer): Promise<{ paths: string[]; ossUris: string[]; cleanup: () => Promise<void> }> {
    const paths = new Set<string>();
    const ossUris: string[] = [];
    const list = await data.get('text/uri-list')?.asString();
    for (const line of (list ?? '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
      let uri: vscode.Uri;
      try { uri = vscode.Uri.parse(line, true); } catch { continue; }
      if (uri.scheme === OSS_SCHEME) { ossUris.push(formatOssUri({ bucket: uri.authority, key: uri.path.replace(/^\//, '') })); continue; }
      const local = uri.scheme === 'file' ? uri.fsPath : uri.scheme === 'vscode-remote' ? uri.path : undefined;
      if (local && fs.existsSync(local)) { paths.add(local); }
    }
    let tmp: string | undefined;
    const files: Array<{ name: string; bytes: Thenable<Uint8Array> }> = [];
    data.forEach((item) => {
      const f = item.asFile();
      if (!f) { return; }
      if (f.uri?.scheme === 'file' && fs.existsSync(f.uri.fsPath)) { paths.add(f.uri.fsPath); return; }
      const name = path.basename(f.uri?.path ?? f.name);
      if (![...paths].some((p) => path.basename(p) === name)) { files.push({ name, bytes: f.data() }); }
    });
    if (files.length) {
      tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'alibabacloud-drop-'));
      for (const f of files) {
        const p = path.join(tmp, f.name);
        await fs.promises.writeFile(p, await f.bytes);
        paths.add(p);
      }
      this.s.log.info(`oss: ${files.length} dropped file(s) came as bytes (not on this machine); uploading from a temporary copy`);
    }
    return { paths: [...paths], ossUris, cleanup: async () => { if (tmp) { await fs.promises.rm(tmp, { recursive: true, force: true }); } } };
  }
}
