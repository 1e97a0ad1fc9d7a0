// Issue 18, buckets and objects: drag and drop on the OSS tree (local files and folders upload;
// rows move after one confirmation), "Upload to OSS…" from an Explorer resource, "Open Bucket as
// Workspace Folder", and server-side copies in parts (UploadPartCopy) above a lowered threshold.
// In the real extension host against the harness's sandbox; what it creates it removes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { DEMO } from '../../../src/sandbox/seed/demo';
import type { TreeNode } from '../../../src/views/node';
import { callsDuring, errorsDuring, ourExtension } from './helpers';
import type { HostTest } from './runner';

/** VS Code's mime type for rows of the alibabaCloud.oss tree (src/views/ossDragAndDrop.ts; importing it would bundle the SDKs here). */
const OSS_TREE_MIME = 'application/vnd.code.tree.alibabacloud.oss';
/** What VS Code's Explorer adds to its drags beside text/uri-list (ossDragAndDrop.ts VSCODE_URI_LIST_MIME). */
const VSCODE_URI_LIST_MIME = 'application/vnd.code.uri-list';

/** A drop as VS Code's Explorer makes it: text/uri-list plus VS Code's own list. */
function explorerDrop(uris: vscode.Uri[]): vscode.DataTransfer {
  const data = new vscode.DataTransfer();
  const list = uris.map(String).join('\r\n');
  data.set('text/uri-list', new vscode.DataTransferItem(list));
  data.set(VSCODE_URI_LIST_MIME, new vscode.DataTransferItem(list));
  return data;
}
const HZ = 'cn-hangzhou';
const B = DEMO.bucket;
const BASE = 'e2e-dnd/';
let api: ExtensionApi;

async function ready(): Promise<ExtensionApi> {
  api ??= (await ourExtension().activate()) as ExtensionApi;
  if (api.services.profiles.active()?.id !== 'sandbox:Sandbox') {
    await api.services.profiles.select('sandbox:Sandbox');
  }
  return api;
}

const oss = async () => (await api.services.cloud()).cloud.oss;
const children = (node?: TreeNode) => api.explorer.providers.get('oss')!.getChildren(node);
const label = async (n: TreeNode) => {
  const l = (await n.getTreeItem()).label;
  return typeof l === 'string' ? l : (l?.label ?? '');
};

/** The row at this path of labels, read afresh (the tree is refreshed by the commands). */
async function row(...names: string[]): Promise<TreeNode> {
  let n: TreeNode | undefined;
  for (const name of names) {
    const all = await children(n);
    const labels = await Promise.all(all.map(label));
    const i = labels.indexOf(name);
    if (i < 0) {
      throw new Error(`no "${name}" among ${labels.join(', ')}`);
    }
    n = all[i];
  }
  return n!;
}

const text = async (key: string, bucket = B) => (await (await oss()).getObject(bucket, HZ, key)).toString();
const exists = async (key: string, bucket = B) =>
  (await oss()).headObject(bucket, HZ, key).then(
    () => true,
    () => false,
  );
const never = new vscode.CancellationTokenSource().token;

/** A file dropped from the user's desktop onto a remote window: bytes only, no path on this side. */
class DesktopFile extends vscode.DataTransferItem {
  constructor(
    private readonly name: string,
    private readonly bytes: Buffer,
  ) {
    super('');
  }
  asFile(): vscode.DataTransferFile {
    return { name: this.name, uri: undefined, data: async () => this.bytes };
  }
}

function localTree(): { dir: string; file: string; folder: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-dnd-'));
  const file = path.join(dir, 'dropped.txt');
  fs.writeFileSync(file, 'dropped file');
  const folder = path.join(dir, 'site');
  fs.mkdirSync(path.join(folder, 'css'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'index.html'), '<h1>hi</h1>');
  fs.writeFileSync(path.join(folder, 'css', 'a.css'), 'a{}');
  return { dir, file, folder };
}

async function cleanUp(): Promise<void> {
  const o = await oss();
  const keys = (await o.listObjects(B, HZ, { prefix: BASE, delimiter: '', maxKeys: 1000 })).items.flatMap((e) =>
    e.kind === 'object' ? [e.key] : [],
  );
  // The listing leaves out the BASE placeholder itself (it is the folder); left behind, the UI
  // flows that list demo-data/ after this suite see an extra e2e-dnd folder.
  await o.deleteObjects(B, HZ, [...keys, BASE]);
  await vscode.commands.executeCommand('notifications.clearAll');
}

export const ossDndTests: HostTest[] = [
  {
    name: 'drop: local files and folders dropped on a folder upload there (folders whole); a repeat asks; desktop bytes upload too',
    async run() {
      const p = (await ready()).useScriptedPrompter();
      await (await oss()).createFolder(B, HZ, `${BASE}in/`);
      api.explorer.refresh('oss');
      const { dir, file, folder } = localTree();
      try {
        const target = await row('Buckets', B, 'e2e-dnd', 'in');
        const data = explorerDrop([vscode.Uri.file(file), vscode.Uri.file(folder)]);
        const calls = await callsDuring(() => api.explorer.ossDragAndDrop.handleDrop(target, data, never));
        assert.equal(await text(`${BASE}in/dropped.txt`), 'dropped file');
        assert.equal(await text(`${BASE}in/site/index.html`), '<h1>hi</h1>');
        assert.equal(await text(`${BASE}in/site/css/a.css`), 'a{}');
        assert.equal(calls.filter((c) => c.action === 'PutObject').length, 3);

        // Dropped again: the existing object is asked about, never replaced silently.
        fs.writeFileSync(file, 'changed');
        const again = explorerDrop([vscode.Uri.file(file)]);
        p.enqueue('Skip');
        await api.explorer.ossDragAndDrop.handleDrop(await row('Buckets', B, 'e2e-dnd', 'in'), again, never);
        assert.equal(p.pending, 0);
        assert.match(p.asked.at(-1)!, /already exists/);
        assert.equal(await text(`${BASE}in/dropped.txt`), 'dropped file');

        // On an object row: into the object's folder. A file that exists only as bytes (dragged from
        // the desktop onto a Remote-SSH window) goes up under its own name.
        const desk = new vscode.DataTransfer();
        desk.set('files', new DesktopFile('desk.txt', Buffer.from('from the desktop')));
        p.enqueue(true); // not from VS Code: asked first (see the drop-from-elsewhere test)
        await api.explorer.ossDragAndDrop.handleDrop(
          await row('Buckets', B, 'e2e-dnd', 'in', 'dropped.txt'),
          desk,
          never,
        );
        assert.equal(await text(`${BASE}in/desk.txt`), 'from the desktop');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        await cleanUp();
      }
    },
  },
  {
    name: 'drag-move: rows dragged onto a folder move after one confirmation naming them, the target and the profile; dismissed moves nothing; other regions refused',
    async run() {
      const p = (await ready()).useScriptedPrompter();
      const o = await oss();
      try {
        for (const k of ['m/one.txt', 'm/sub/two.txt']) {
          await o.putObject(B, HZ, `${BASE}${k}`, Buffer.from(k));
        }
        await o.createFolder(B, HZ, `${BASE}dst/`);
        api.explorer.refresh('oss');
        const drag = async () => {
          const rows = [
            await row('Buckets', B, 'e2e-dnd', 'm', 'one.txt'),
            await row('Buckets', B, 'e2e-dnd', 'm', 'sub'),
          ];
          const data = new vscode.DataTransfer();
          await api.explorer.ossDragAndDrop.handleDrag(rows, data, never);
          // VS Code sends the item to the workbench as JSON (asString) before any drop: nodes
          // (circular through the services) made the drag fail in the real tree.
          assert.deepEqual(
            JSON.parse(await data.get(OSS_TREE_MIME)!.asString()),
            [`oss://${B}/${BASE}m/one.txt`, `oss://${B}/${BASE}m/sub/`],
            "the rows travel as their oss:// URIs under this tree's own mime type",
          );
          return data;
        };

        p.enqueue(undefined);
        const dismissed = await callsDuring(async () =>
          api.explorer.ossDragAndDrop.handleDrop(await row('Buckets', B, 'e2e-dnd', 'dst'), await drag(), never),
        );
        assert.ok(!dismissed.some((c) => /Copy|Delete/.test(c.action)), 'dismissed: nothing copied or deleted');
        assert.ok(await exists(`${BASE}m/one.txt`));

        p.enqueue('Move');
        const moved = await callsDuring(async () =>
          api.explorer.ossDragAndDrop.handleDrop(await row('Buckets', B, 'e2e-dnd', 'dst'), await drag(), never),
        );
        assert.match(p.asked.at(-1)!, new RegExp(`^confirm:Move 2 objects to oss://${B}/${BASE}dst/\\?`));
        const detail = p.details.at(-1)!;
        assert.ok(
          detail.includes(`oss://${B}/${BASE}m/one.txt`) && detail.includes(`oss://${B}/${BASE}m/sub/`),
          detail,
        );
        assert.match(detail, /Profile: Sandbox\./);
        assert.equal(p.pending, 0);
        assert.equal(await text(`${BASE}dst/one.txt`), 'm/one.txt');
        assert.equal(await text(`${BASE}dst/sub/two.txt`), 'm/sub/two.txt');
        assert.ok(
          !(await exists(`${BASE}m/one.txt`)) && !(await exists(`${BASE}m/sub/two.txt`)),
          'sources gone after their copies',
        );
        const actions = moved.map((c) => c.action);
        assert.ok(actions.indexOf('CopyObject') < actions.indexOf('DeleteObject'));

        // Onto its own folder: nothing to do, nothing asked.
        const home = new vscode.DataTransfer();
        await api.explorer.ossDragAndDrop.handleDrag(
          [await row('Buckets', B, 'e2e-dnd', 'dst', 'one.txt')],
          home,
          never,
        );
        await api.explorer.ossDragAndDrop.handleDrop(await row('Buckets', B, 'e2e-dnd', 'dst'), home, never);
        assert.equal(p.pending, 0);

        // Another region: refused before any question, with the reason.
        const far = new vscode.DataTransfer();
        await api.explorer.ossDragAndDrop.handleDrag(
          [await row('Buckets', B, 'e2e-dnd', 'dst', 'one.txt')],
          far,
          never,
        );
        const asked = p.asked.length;
        const errors = await errorsDuring(api, async () =>
          api.explorer.ossDragAndDrop.handleDrop(await row('Buckets', DEMO.shanghaiBucket), far, never),
        );
        assert.match(errors.join('\n'), /OSS copies server-side only within one region/);
        assert.equal(p.asked.length, asked, 'nothing asked');
        assert.ok(await exists(`${BASE}dst/one.txt`));
      } finally {
        await cleanUp();
      }
    },
  },
  {
    name: 'Upload to OSS… from an Explorer file and folder: picks the bucket and folder, then uploads both',
    async run() {
      const p = (await ready()).useScriptedPrompter();
      const { dir, file, folder } = localTree();
      await (await oss()).createFolder(B, HZ, BASE);
      try {
        p.enqueue(B, 'e2e-dnd/', `Use oss://${B}/${BASE}`);
        const n = await vscode.commands.executeCommand<number>('alibabaCloud.oss.uploadTo', vscode.Uri.file(file), [
          vscode.Uri.file(file),
          vscode.Uri.file(folder),
        ]);
        assert.equal(n, 3);
        assert.equal(await text(`${BASE}dropped.txt`), 'dropped file');
        assert.equal(await text(`${BASE}site/css/a.css`), 'a{}');
        assert.equal(p.pending, 0);
        // The Explorer and editor-tab menus offer it for files on this machine. The manifest says
        // `resourceScheme == file`; a remote extension host (this code-server, as after Remote-SSH)
        // is handed it as 'vscode-remote', the scheme the Explorer's files have in the window there.
        const menus = (
          ourExtension().packageJSON as {
            contributes: { menus: Record<string, Array<{ command: string; when?: string }>> };
          }
        ).contributes.menus;
        for (const where of ['explorer/context', 'editor/title/context']) {
          assert.ok(
            menus[where]?.some(
              (m) =>
                m.command === 'alibabaCloud.oss.uploadTo' &&
                /^resourceScheme == (file|'vscode-remote')$/.test(m.when ?? ''),
            ),
            `${where}: ${JSON.stringify(menus[where])}`,
          );
        }
        // Not a file here (an oss:// document): said so, nothing asked.
        const errors = await errorsDuring(api, () =>
          Promise.resolve(
            vscode.commands.executeCommand('alibabaCloud.oss.uploadTo', vscode.Uri.parse(`oss://${B}/README.md`)),
          ),
        );
        assert.match(errors.join('\n'), /already in OSS; use Copy to/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        await cleanUp();
      }
    },
  },
  {
    name: 'Open Bucket as Workspace Folder: in a single-folder window it asks (new window, or this one becomes a workspace); dismissed changes nothing; a new window gets oss://bucket/ bound to the profile',
    async run() {
      const p = (await ready()).useScriptedPrompter();
      const before = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
      assert.equal(vscode.workspace.workspaceFile, undefined, 'the harness opens a single folder');
      // Dismissed: nothing opened, the folders unchanged.
      p.enqueue(false);
      assert.equal(
        await vscode.commands.executeCommand('alibabaCloud.oss.openAsWorkspaceFolder', await row('Buckets', B)),
        undefined,
      );
      assert.deepEqual(p.asked, [`choose:Open oss://${B}/ as a workspace folder?`]);
      assert.match(p.details[0], /Profile: Sandbox\..*multi-root workspace.*restarts the extensions/s);
      assert.deepEqual(p.opened, []);
      // A new window: the bucket's URI, bound to the profile; this window's folders untouched.
      p.enqueue('Open in New Window');
      const uri = await vscode.commands.executeCommand<string>(
        'alibabaCloud.oss.openAsWorkspaceFolder',
        await row('Buckets', B),
      );
      const opened = vscode.Uri.parse(uri);
      assert.deepEqual(p.opened, [opened.toString(true)]);
      assert.equal(opened.scheme, 'oss');
      assert.equal(opened.authority, B);
      const query = JSON.parse(opened.query) as Record<string, string>;
      assert.deepEqual({ ...query, sig: undefined }, { profile: 'sandbox:Sandbox', name: 'Sandbox', sig: undefined });
      assert.match(query.sig, /^[\w-]{43}$/, 'signed by the extension (ui/bindingTrust)');
      assert.deepEqual(
        (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()),
        before,
      );
      // What that window shows as its folder reads through our file system.
      assert.equal(
        Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(opened, 'README.md'))).toString(),
        await text('README.md'),
      );
      assert.ok((await vscode.workspace.fs.readDirectory(opened)).some(([name]) => name === 'README.md'));
    },
  },
  {
    name: "drop from elsewhere (a web page's text/uri-list, desktop bytes): asked first, naming files, folder count and destination; hidden folders need their own yes even from the Explorer; another window's vscode-remote URI is never read as a path here",
    async run() {
      const p = (await ready()).useScriptedPrompter();
      await (await oss()).createFolder(B, HZ, `${BASE}in/`);
      api.explorer.refresh('oss');
      const { dir, file, folder } = localTree();
      const ssh = path.join(dir, 'home', '.ssh');
      fs.mkdirSync(ssh, { recursive: true });
      fs.writeFileSync(path.join(ssh, 'id_e2e'), 'not a key');
      try {
        // A page's drag: text/uri-list only. Asked, naming them; dismissed sends nothing.
        const page = new vscode.DataTransfer();
        page.set(
          'text/uri-list',
          new vscode.DataTransferItem([vscode.Uri.file(file), vscode.Uri.file(folder)].map(String).join('\r\n')),
        );
        p.enqueue(false);
        const dismissed = await callsDuring(async () =>
          api.explorer.ossDragAndDrop.handleDrop(await row('Buckets', B, 'e2e-dnd', 'in'), page, never),
        );
        assert.deepEqual(p.asked.splice(0), [`confirm:Upload 2 dropped items to oss://${B}/${BASE}in/?`]);
        const detail = p.details.splice(0)[0];
        assert.ok(
          detail.includes(file) && detail.includes(folder) && detail.includes('(1 folder, uploaded whole)'),
          detail,
        );
        assert.ok(!dismissed.some((c) => c.action === 'PutObject'), 'dismissed: nothing uploaded');
        assert.ok(!(await exists(`${BASE}in/dropped.txt`)));

        // A hidden folder inside what the Explorer dragged: its own question; dismissed uploads nothing.
        p.enqueue(false);
        const hidden = await callsDuring(async () =>
          api.explorer.ossDragAndDrop.handleDrop(
            await row('Buckets', B, 'e2e-dnd', 'in'),
            explorerDrop([vscode.Uri.file(path.join(dir, 'home'))]),
            never,
          ),
        );
        assert.deepEqual(p.asked.splice(0), [`confirm:Upload hidden folders to oss://${B}/${BASE}in/?`]);
        assert.ok(p.details.splice(0)[0].includes(ssh));
        assert.ok(!hidden.some((c) => c.action === 'PutObject'));

        // Another window's file (a vscode-remote authority that is not this window's) is not this
        // machine's path of the same name: not uploaded, and nothing asked.
        const foreign = explorerDrop([
          vscode.Uri.from({
            scheme: 'vscode-remote',
            authority: 'ssh-remote+e2e-elsewhere',
            path: vscode.Uri.file(file).path,
          }),
        ]);
        const remote = await callsDuring(async () =>
          api.explorer.ossDragAndDrop.handleDrop(await row('Buckets', B, 'e2e-dnd', 'in'), foreign, never),
        );
        assert.ok(!remote.some((c) => c.action === 'PutObject'), 'the local file of the same path was not uploaded');
        assert.equal(p.pending, 0);

        // Accepted: uploaded.
        p.enqueue(true);
        await api.explorer.ossDragAndDrop.handleDrop(await row('Buckets', B, 'e2e-dnd', 'in'), page, never);
        assert.equal(await text(`${BASE}in/dropped.txt`), 'dropped file');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        await cleanUp();
      }
    },
  },
  {
    name: 'Copy to… above the (lowered) multipart threshold copies with UploadPartCopy, never CopyObject, and keeps the bytes',
    async run() {
      await ready();
      const o = await oss();
      const data = Buffer.alloc(250 * 1024);
      for (let i = 0; i < data.length; i++) {
        data[i] = (i * 11) % 251;
      }
      await o.putObject(B, HZ, `${BASE}big.bin`, data, 'application/x-e2e');
      try {
        const calls = await callsDuring(() =>
          vscode.commands.executeCommand('alibabaCloud.oss.copyTo', {
            uri: `oss://${B}/${BASE}big.bin`,
            to: `oss://${B}/${BASE}copies/`,
            multipartThreshold: 200 * 1024,
            partSize: 100 * 1024,
          }),
        );
        const actions = calls.map((c) => c.action);
        assert.equal(actions.filter((a) => a === 'UploadPartCopy').length, 3);
        assert.ok(!actions.includes('CopyObject') && actions.includes('CompleteMultipartUpload'));
        assert.ok(Buffer.compare(await o.getObject(B, HZ, `${BASE}copies/big.bin`), data) === 0);
        assert.equal((await o.headObject(B, HZ, `${BASE}copies/big.bin`)).contentType, 'application/x-e2e');
      } finally {
        await cleanUp();
      }
    },
  },
];
