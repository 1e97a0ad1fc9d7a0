/**
 * Drag and drop on the OSS tree. Local files and folders (from the OS or the Explorer) dropped on a
 * bucket or folder are uploaded there; objects and folders dragged within the tree are moved or
 * copied, as the drop's confirmation asks (a tree drop carries no Ctrl/Alt state to tell them
 * apart), also to a bucket of another region. Both run the commands a user could run by hand
 * ("Upload to OSS…", "Move to…"), so a drop gets the same conflict questions, confirmation,
 * progress, summary and error reporting.
 *
 * A drop is data someone else chose: a web page sets `text/uri-list` on dragstart, naming any file.
 * Only drags from VS Code itself (Explorer, editor tabs) and from this tree upload without asking;
 * any other drop first names its files, folder count and destination. Hidden folders (~/.ssh,
 * ~/.aliyun, …) need their own yes whoever dragged them, and a `vscode-remote:` URI is a path
 * here only when it names this window's remote (see remoteOrigin).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { showNotice } from '../ui/prompt';
import { asPrefix, formatOssUri, OSS_SCHEME, parentPrefix, type OssLocation } from '../cloud/ossLocation';
import type { Services } from '../services/services';
import { OSS_TREE_MIME } from './contextValues';
import type { TreeNode } from './node';
import { OssFolderNode, OssObjectNode, OssPrefixNode } from './ossView';

type Draggable = OssObjectNode | OssFolderNode;

/** What a drop names: paths on this machine, oss:// rows, files that came as bytes without a path. */
interface Drop {
  local: string[];
  ossUris: string[];
  files: Array<{ name: string; bytes: () => Thenable<Uint8Array> }>;
  /** Some local paths came from a remote URI that may be another window's. */
  unsure: boolean;
}

/**
 * VS Code's own drags (Explorer rows, editor tabs) carry this type beside `text/uri-list`:
 * fillEditorsDragData sets it (DataTransfers.INTERNAL_URI_LIST, src/vs/platform/dnd/browser/dnd.ts
 * and src/vs/base/browser/dnd.ts in microsoft/vscode; so in code-server 4.139.1's workbench.js),
 * and a tree view hands it to the extension when the controller lists it in dropMimeTypes
 * (CustomTreeViewDragAndDrop.drop, src/vs/workbench/browser/parts/views/treeView.ts). A page in
 * the same browser could set it too; it only spares VS Code's own drags the first question, the
 * hidden-folder and remote checks apply to every drop.
 */
export const VSCODE_URI_LIST_MIME = 'application/vnd.code.uri-list';

/**
 * Whose file a `vscode-remote:` URI names. `this`: this window's remote for sure (remoteName is the
 * whole authority, `host:port`, or a workspace folder has it). `likely`: the same kind of remote
 * (`ssh-remote+<host>` while remoteName is `ssh-remote`), whose host the extension API does not
 * tell; the drop is then asked about. `other`: another window's machine. Such files are not
 * uploaded: reading them through workspace.fs would not help, since this window's one remote
 * connection serves every `vscode-remote:` URI as its own path (the server maps them to `file:`).
 */
function remoteOrigin(authority: string): 'this' | 'likely' | 'other' {
  const name = vscode.env.remoteName;
  if (!name) {
    return 'other';
  }
  if (
    authority === name ||
    (vscode.workspace.workspaceFolders ?? []).some(
      (f) => f.uri.scheme === 'vscode-remote' && f.uri.authority === authority,
    )
  ) {
    return 'this';
  }
  return authority.split('+')[0] === name ? 'likely' : 'other';
}

/** Hidden folders (".ssh", ".aliyun", …) among, above (below the home folder) or inside the dropped paths; at most `max`. */
async function hiddenFolders(paths: string[], max = 10): Promise<string[]> {
  const found = new Set<string>();
  const home = os.homedir();
  const hidden = (name: string) => name.startsWith('.') && name !== '.' && name !== '..';
  for (const p of paths) {
    const rel = path.relative(home, p);
    const inHome = !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
    const segments = inHome ? rel.split(path.sep) : [path.basename(p)];
    const at = segments.findIndex(hidden);
    if (at >= 0) {
      found.add(inHome ? path.join(home, ...segments.slice(0, at + 1)) : p);
      continue;
    }
    const stat = await fs.promises.stat(p).catch(() => undefined);
    if (!stat?.isDirectory()) {
      continue;
    }
    const entries = await fs.promises.readdir(p, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (found.size >= max) {
        break;
      }
      if (e.isDirectory() && hidden(e.name)) {
        found.add(path.join(e.parentPath ?? p, e.name));
      }
    }
  }
  return [...found].slice(0, max);
}

/** Where a drop on `target` lands: the bucket or folder itself, or the folder an object is in. */
function dropLocation(target: TreeNode | undefined): OssLocation | undefined {
  if (target instanceof OssPrefixNode) {
    return target.location;
  }
  if (target instanceof OssObjectNode) {
    return { bucket: target.bucket, key: parentPrefix(target.key) };
  }
  return undefined;
}

/** The rows `handleDrag` put in the transfer; anything else under our mime type (a drag that failed) moves nothing. */
function draggedUris(json: string | undefined): string[] {
  try {
    const v: unknown = JSON.parse(json ?? '[]');
    return Array.isArray(v)
      ? v.filter((u): u is string => typeof u === 'string' && u.startsWith(`${OSS_SCHEME}://`))
      : [];
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
    if (rows.length) {
      data.set(OSS_TREE_MIME, new vscode.DataTransferItem(JSON.stringify(rows.map((r) => r.uri))));
    }
  }

  async handleDrop(
    target: TreeNode | undefined,
    data: vscode.DataTransfer,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const to = dropLocation(target);
    if (!to || token.isCancellationRequested) {
      return;
    }
    const dest = formatOssUri({ bucket: to.bucket, key: asPrefix(to.key) });
    const uris = draggedUris(await data.get(OSS_TREE_MIME)?.asString());
    if (uris.length) {
      await this.move(uris, to, dest);
      return;
    }
    const fromVsCode = data.get(VSCODE_URI_LIST_MIME) !== undefined;
    const drop = await this.dropped(data);
    if (drop.ossUris.length) {
      await this.move(drop.ossUris, to, dest);
    }
    const names = [...drop.local, ...drop.files.map((f) => f.name)];
    if (
      !names.length ||
      !((fromVsCode && !drop.unsure) || (await this.confirmForeign(names, drop.local, dest))) ||
      !(await this.confirmHidden(drop, dest))
    ) {
      return;
    }
    const { paths, cleanup } = await this.materialize(drop);
    try {
      if (paths.length) {
        await vscode.commands.executeCommand('alibabaCloud.oss.uploadTo', { to: dest, paths });
      }
    } finally {
      await cleanup();
    }
  }

  /** A drop from outside VS Code: names what would go up, and where, before anything is read. */
  private async confirmForeign(all: string[], local: string[], dest: string): Promise<boolean> {
    const folders = (
      await Promise.all(
        local.map((p) =>
          fs.promises.stat(p).then(
            (st) => st.isDirectory(),
            () => false,
          ),
        ),
      )
    ).filter(Boolean).length;
    const shown = all.slice(0, 10);
    const names =
      shown.join(', ') + (all.length > shown.length ? vscode.l10n.t(' and {0} more', all.length - shown.length) : '');
    return this.s.prompt.confirm(
      all.length === 1
        ? vscode.l10n.t('Upload the dropped item to {0}?', dest)
        : vscode.l10n.t('Upload {0} dropped items to {1}?', all.length, dest),
      folders === 0
        ? vscode.l10n.t(
            'The drop did not come from VS Code (or from this window). It names: {0}. Nothing has been read yet.',
            names,
          )
        : folders === 1
          ? vscode.l10n.t(
              'The drop did not come from VS Code (or from this window). It names: {0} (1 folder, uploaded whole). Nothing has been read yet.',
              names,
            )
          : vscode.l10n.t(
              'The drop did not come from VS Code (or from this window). It names: {0} ({1} folders, uploaded whole). Nothing has been read yet.',
              names,
              folders,
            ),
      vscode.l10n.t('Upload'),
    );
  }

  /** Hidden folders often hold keys (~/.ssh, ~/.aliyun): an explicit yes, whoever dragged them. */
  private async confirmHidden(drop: Drop, dest: string): Promise<boolean> {
    const hidden = await hiddenFolders(drop.local);
    if (!hidden.length) {
      return true;
    }
    return this.s.prompt.confirm(
      vscode.l10n.t('Upload hidden folders to {0}?', dest),
      vscode.l10n.t('The drop includes hidden folders, which often hold keys and credentials: {0}', hidden.join(', ')),
      vscode.l10n.t('Upload Hidden Folders'),
    );
  }

  /** Moves or copies what is not already there; "Move to…" asks which, names the profile, and sums up. */
  private async move(uris: string[], to: OssLocation, dest: string): Promise<void> {
    const prefix = asPrefix(to.key);
    const elsewhere = uris.filter((u) => {
      const key = u.slice(`oss://${to.bucket}/`.length);
      return !u.startsWith(`oss://${to.bucket}/`) || parentPrefix(key) !== prefix;
    });
    if (!elsewhere.length) {
      return;
    }
    await vscode.commands.executeCommand('alibabaCloud.oss.move', { uris: elsewhere, to: dest, offerCopy: true });
  }

  /**
   * Local paths from a drop: `text/uri-list` (the Explorer, the OS) and file items. After
   * Remote-SSH the extension runs on the instance: the Explorer's `vscode-remote:` URIs of this
   * window are its own files; other remotes' URIs are read through workspace.fs (VS Code reads
   * them from the machine they name, or fails), never mapped onto a path here. Files dragged from
   * the user's desktop exist only as bytes. Both are written to a temporary folder (under their own
   * names, which become the object names) and uploaded from there. `oss://` URIs (an oss://
   * workspace folder in the Explorer) are moves. `local`: the dropped paths that were on this machine.
   */
  private async dropped(data: vscode.DataTransfer): Promise<Drop> {
    const local = new Set<string>();
    const ossUris: string[] = [];
    let unsure = false;
    let other = 0;
    const list = await data.get('text/uri-list')?.asString();
    for (const line of (list ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))) {
      let uri: vscode.Uri;
      try {
        uri = vscode.Uri.parse(line, true);
      } catch {
        continue;
      }
      if (uri.scheme === OSS_SCHEME) {
        ossUris.push(formatOssUri({ bucket: uri.authority, key: uri.path.replace(/^\//, '') }));
        continue;
      }
      const origin = uri.scheme === 'vscode-remote' ? remoteOrigin(uri.authority) : undefined;
      if (origin === 'other') {
        other++;
        continue;
      }
      unsure ||= origin === 'likely';
      const p = uri.scheme === 'file' ? uri.fsPath : uri.scheme === 'vscode-remote' ? uri.path : undefined;
      if (p && fs.existsSync(p)) {
        local.add(p);
      }
    }
    const files: Drop['files'] = [];
    data.forEach((item) => {
      const f = item.asFile();
      if (!f) {
        return;
      }
      if (f.uri?.scheme === 'file' && fs.existsSync(f.uri.fsPath)) {
        local.add(f.uri.fsPath);
        return;
      }
      const name = path.basename(f.uri?.path ?? f.name);
      if (![...local].some((p) => path.basename(p) === name)) {
        files.push({ name, bytes: () => f.data() });
      }
    });
    if (other) {
      this.s.log.warn(`oss: ${other} dropped vscode-remote: URI(s) name another window's machine; not uploaded`);
      void showNotice(
        'warning',
        other === 1
          ? vscode.l10n.t(
              '1 dropped item is a file of another remote window and was not uploaded. Drag it from that window.',
            )
          : vscode.l10n.t(
              '{0} dropped items are files of another remote window and were not uploaded. Drag them from that window.',
              other,
            ),
      );
    }
    return { local: [...local], ossUris, files, unsure };
  }

  /** Bytes without a path into a temporary folder; with the local paths, what to upload. */
  private async materialize(drop: Drop): Promise<{ paths: string[]; cleanup: () => Promise<void> }> {
    const paths = [...drop.local];
    if (!drop.files.length) {
      return { paths, cleanup: async () => undefined };
    }
    const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'alibabacloud-drop-'));
    for (const f of drop.files) {
      const p = path.join(tmp, f.name);
      await fs.promises.writeFile(p, await f.bytes());
      paths.push(p);
    }
    this.s.log.info(
      `oss: ${drop.files.length} dropped file(s) came as bytes (not on this machine); uploading from a temporary copy`,
    );
    return { paths, cleanup: () => fs.promises.rm(tmp, { recursive: true, force: true }) };
  }
}
