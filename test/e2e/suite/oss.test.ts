// The OSS half, in the extension host against the harness's sandbox: the tree (buckets, folders,
// objects, "Load more", filter, pins), the commands driven with tree nodes or argument objects and
// scripted prompts, the oss:// file system, presigned URLs under the instance role, and an
// AccessDenied saving under the read-only role DemoEcsOssReader — explained, then fixed with
// "Add to Role…". Everything it creates in the sandbox it removes again.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { sandboxEndpoints } from '../../../src/cloud/profile';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { addStatementToPrincipal, explainAccessDenied } from '../../../src/errorHelp/accessDenied';
import type { TreeNode } from '../../../src/views/node';
import { asInstanceRole, ourExtension, sandboxControl, sandboxInfo, waitFor } from './helpers';
import type { HostTest } from './runner';

// The demo's buckets, and the one AppServerRole's access log is dumped to (`--seed activity`, ACTIVITY.logging).
const ACCESS_LOG_BUCKET = 'app-access-logs';
const SEEDED_BUCKETS = [ACCESS_LOG_BUCKET, DEMO.bucket, DEMO.bigBucket, DEMO.shanghaiBucket];

const TMP = 'e2e-oss/';
let api: ExtensionApi;

async function ready(): Promise<ExtensionApi> {
  api ??= (await ourExtension().activate()) as ExtensionApi;
  if (api.services.profiles.active()?.id !== 'sandbox:Sandbox') {
    await api.services.profiles.select('sandbox:Sandbox');
  }
  return api;
}

const children = (node?: TreeNode) => api.explorer.providers.get('oss')!.getChildren(node);
const label = async (n: TreeNode) => {
  const l = (await n.getTreeItem()).label;
  return typeof l === 'string' ? l : (l?.label ?? '');
};
const item = (n: TreeNode) => Promise.resolve(n.getTreeItem());

async function child(parent: TreeNode | undefined, name: string): Promise<TreeNode> {
  const all = await children(parent);
  for (const c of all) {
    if ((await label(c)) === name) {
      return c;
    }
  }
  throw new Error(`no "${name}" among ${(await Promise.all(all.map(label))).join(', ')}`);
}

async function at(...names: string[]): Promise<TreeNode> {
  let n: TreeNode | undefined;
  for (const name of names) {
    n = await child(n, name);
  }
  return n!;
}

const run = <T>(command: string, ...args: unknown[]) =>
  vscode.commands.executeCommand<T>(`alibabaCloud.oss.${command}`, ...args);

async function rootCloud() {
  const entry = api.services.profiles.list().find((p) => p.id === 'sandbox:Sandbox')!;
  return api.services.profiles.cloudFor(entry);
}

export const ossTests: HostTest[] = [
  {
    name: 'OSS unreachable: the Buckets row says so in plain words (as RAM does), and its Retry lists the buckets once the fault clears',
    async run() {
      await ready();
      const fault = await sandboxControl('faults', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'oss', action: 'ListBuckets', kind: 'down' }),
      });
      assert.equal(fault.status, 200);
      let buckets: TreeNode;
      let retryCommand: vscode.Command | undefined;
      try {
        api.explorer.refresh('oss');
        buckets = await child(undefined, 'Buckets');
        const [row] = await children(buckets);
        const text = await label(row);
        assert.match(text, /The service could not be reached/, text);
        assert.doesNotMatch(
          `${text} ${String((await item(row)).tooltip)}`,
          /socket hang up|keepalive|headers:|max-keys|\[ResponseError\]/,
        );
        const retry = (await row.getChildren?.())?.[0];
        assert.ok(retry && (await label(retry)) === 'Retry');
        retryCommand = (await item(retry)).command;
      } finally {
        await sandboxControl('faults', { method: 'DELETE' });
      }
      // The Retry row's command, as a click runs it.
      assert.ok(retryCommand);
      await vscode.commands.executeCommand(retryCommand.command, ...(retryCommand.arguments ?? []));
      const names = await Promise.all((await children(buckets)).map(label));
      assert.deepEqual(names, SEEDED_BUCKETS);
    },
  },
  {
    name: 'lists buckets under "Buckets", then folders and objects with size and date',
    async run() {
      await ready();
      api.explorer.refresh('oss');
      const buckets = await child(undefined, 'Buckets');
      const names = await Promise.all((await children(buckets)).map(label));
      assert.deepEqual(names, SEEDED_BUCKETS);
      const demo = await child(buckets, DEMO.bucket);
      assert.deepEqual(await Promise.all((await children(demo)).map(label)), [
        'config',
        'data',
        'images',
        'logs',
        'reports',
        'README.md',
      ]);
      const readme = await item(await child(demo, 'README.md'));
      assert.match(String(readme.description), /^62 B · 2026-0[12]-\d\d \d\d:\d\d UTC([+-]\d+(:\d\d)?)?$/);
      assert.equal(readme.contextValue, 'object');
      assert.equal(readme.command?.command, 'alibabaCloud.oss.openObject');
      assert.equal((await item(await child(demo, 'logs'))).contextValue, 'folder');
    },
  },
  {
    name: 'pages 1,200 keys with "Load more" (page size 100)',
    async run() {
      await ready();
      const items = await at('Buckets', DEMO.bigBucket, 'items');
      let list = await children(items);
      assert.equal(list.length, 101);
      assert.equal((await item(list[100])).contextValue, 'loadMore');
      assert.equal(await label(list[100]), 'Load more… (100 loaded)', 'the row says how many are loaded');
      await vscode.commands.executeCommand('alibabaCloud.loadMore', list[100]);
      list = await children(items);
      assert.equal(list.length, 201);
      assert.equal(await label(list[200]), 'Load more… (200 loaded)');
      assert.equal(await label(list[199]), 'item-00199.json');
      // Keyboard focus stays where the reading goes on: the first new row, selected.
      const view = api.explorer.views.get('oss')!;
      const selected = await waitFor('the first new row selected', () =>
        view.selection.length ? view.selection : undefined,
      );
      assert.deepEqual(
        selected.map((n) => n.id),
        [list[100].id],
      );
      assert.equal(await label(list[100]), 'item-00100.json');
      // The reveal showed the OSS view; hidden again, it fetches nothing behind later tests' backs.
      await vscode.commands.executeCommand('workbench.view.explorer');
    },
  },
  {
    name: 'filters a folder by prefix, shows it in the description, and clearing restores',
    async run() {
      const p = (await ready()).useScriptedPrompter();
      const items = await at('Buckets', DEMO.bigBucket, 'items');
      p.enqueue('item-0119');
      await run('filter', items);
      assert.match(String((await item(items)).description), /item-0119/);
      const filtered = await Promise.all((await children(items)).map(label));
      assert.deepEqual(
        filtered,
        Array.from({ length: 10 }, (_, i) => `item-0119${i}.json`),
      );
      p.enqueue('');
      await run('filter', items);
      assert.equal((await item(items)).description, undefined);
      assert.equal((await children(items)).length, 101);
    },
  },
  {
    name: 'pins oss://bucket/prefix/ as a root and unpins it',
    async run() {
      await ready();
      const pin = await run<string>('pin', { uri: `oss://${DEMO.shanghaiBucket}/2026` });
      assert.equal(pin, `oss://${DEMO.shanghaiBucket}/2026/`);
      const pinned = await waitFor('the pinned root', async () => {
        for (const r of await children()) {
          if ((await label(r)) === `${DEMO.shanghaiBucket}/2026/`) {
            return r;
          }
        }
        return undefined;
      });
      assert.equal((await item(pinned)).contextValue, 'bucket pinned');
      // Its region (cn-shanghai) is looked up: listing works against the Shanghai endpoint.
      assert.deepEqual(await Promise.all((await children(pinned)).map(label)), ['02']);
      await run('unpin', pinned);
      assert.deepEqual(vscode.workspace.getConfiguration('alibabaCloud.oss').get('pinned'), []);
      // Without the mouse: from the palette, with a picker of what is pinned.
      await run('pin', { uri: `oss://${DEMO.shanghaiBucket}/2026` });
      const p = api.useScriptedPrompter();
      p.enqueue(`oss://${DEMO.shanghaiBucket}/2026/`);
      assert.equal(await run<string>('unpin'), `oss://${DEMO.shanghaiBucket}/2026/`);
      assert.deepEqual(
        p.offered.at(-1)?.map((i) => i.label),
        [`oss://${DEMO.shanghaiBucket}/2026/`],
      );
      assert.deepEqual(vscode.workspace.getConfiguration('alibabaCloud.oss').get('pinned'), []);
      // The tree's context menu has it too (Shift+F10 reaches that, the inline button it does not).
      const menus = (
        ourExtension().packageJSON as {
          contributes: { menus: Record<string, Array<{ command: string; group?: string }>> };
        }
      ).contributes.menus['view/item/context'];
      assert.ok(
        menus.some((m) => m.command === 'alibabaCloud.oss.unpin' && !m.group?.startsWith('inline')),
        'Unpin in the context menu',
      );
    },
  },
  {
    name: 'without oss:ListBuckets: explains it and offers to pin; a refused pinned listing says what was refused',
    async run() {
      await ready();
      const profiles = api.services.profiles;
      const alice = sandboxInfo().subAccount;
      const cfg = vscode.workspace.getConfiguration('alibabaCloud.oss');
      const root = vscode.workspace.getConfiguration('alibabaCloud');
      // An AccessKey profile aimed at the sandbox through the per-profile endpoint overrides.
      await root.update(
        'endpointOverrides',
        { 'e2e-oss-alice': sandboxEndpoints(sandboxInfo().endpoint) },
        vscode.ConfigurationTarget.Global,
      );
      await profiles.addAccessKeyProfile('e2e-oss-alice', alice.accessKeyId, alice.accessKeySecret, 'cn-hangzhou');
      await cfg.update('pinned', [`oss://${DEMO.bucket}/`], vscode.ConfigurationTarget.Global);
      try {
        api.explorer.refresh('oss');
        const roots = await children();
        assert.deepEqual(await Promise.all(roots.map(label)), [`${DEMO.bucket}/`, 'Buckets']);
        const [denied, pin] = await children(roots[1]);
        assert.match(await label(denied), /may not list buckets \(oss:ListBuckets\)/);
        assert.equal((await item(pin)).command?.command, 'alibabaCloud.oss.pin');
        const [err] = await children(roots[0]);
        // A refusal says who may not do what; the tooltip keeps the action on the resource.
        const refused = await item(err);
        assert.equal(refused.contextValue, 'error refused');
        assert.equal(await label(err), `RAM user ${alice.userName} may not list objects in bucket ${DEMO.bucket}`);
        assert.equal(refused.description, 'oss:ListObjects');
        assert.match(String(refused.tooltip), new RegExp(`oss:ListObjects on acs:oss:\\*:\\*:${DEMO.bucket}`));
        assert.deepEqual(await Promise.all((await children(err)).map(label)), [
          'Switch Profile…',
          'Check Access for oss:ListObjects…',
          'Show Log',
        ]);
      } finally {
        await cfg.update('pinned', undefined, vscode.ConfigurationTarget.Global);
        await root.update('endpointOverrides', undefined, vscode.ConfigurationTarget.Global);
        await profiles.removeProfile('extension:e2e-oss-alice');
        await profiles.select('sandbox:Sandbox');
      }
    },
  },
  {
    name: 'copies oss:// URIs of the selection',
    async run() {
      await ready();
      const demo = await at('Buckets', DEMO.bucket);
      const a = await child(demo, 'README.md');
      const b = await child(demo, 'logs');
      const text = await run<string>('copyUri', a, [a, b]);
      assert.equal(text, `oss://${DEMO.bucket}/README.md\noss://${DEMO.bucket}/logs/`);
      assert.equal(await vscode.env.clipboard.readText(), text);
    },
  },
  {
    name: 'from the palette: browses to the target with quick picks',
    async run() {
      const p = (await ready()).useScriptedPrompter();
      p.enqueue(DEMO.bucket, 'logs/', 'Use');
      assert.equal(await run('copyUri'), `oss://${DEMO.bucket}/logs/`);
      p.enqueue(DEMO.bucket, 'config/', 'app.json');
      assert.equal(await run('copyUri'), `oss://${DEMO.bucket}/config/app.json`);
      assert.equal(p.pending, 0);
    },
  },
  {
    name: 'opens an object through the oss:// file system',
    async run() {
      await ready();
      const readme = await at('Buckets', DEMO.bucket, 'README.md');
      await run('openObject', readme);
      const editor = await waitFor('the editor', () =>
        vscode.window.activeTextEditor?.document.uri.scheme === 'oss' ? vscode.window.activeTextEditor : undefined,
      );
      assert.equal(editor.document.uri.with({ query: '' }).toString(), `oss://${DEMO.bucket}/README.md`);
      assert.deepEqual(
        { ...JSON.parse(editor.document.uri.query), sig: undefined },
        { profile: 'sandbox:Sandbox', name: 'Sandbox', sig: undefined },
        'bound to the profile it was opened with (and signed)',
      );
      assert.match(editor.document.getText(), /^# demo-data/);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    },
  },
  {
    name: 'creates a folder, uploads (asking on conflict), downloads (asking on conflict), opens-or-downloads big objects, deletes',
    timeoutMs: 60_000,
    async run() {
      const p = (await ready()).useScriptedPrompter();
      const base = `oss://${DEMO.bucket}/${TMP}`;
      const local = fs.mkdtempSync(path.join(os.tmpdir(), 'oss-e2e-'));
      const file = path.join(local, 'hello.txt');
      fs.writeFileSync(file, 'hello from e2e\n');
      const cfg = vscode.workspace.getConfiguration('alibabaCloud.oss');
      try {
        assert.equal(await run('createFolder', { uri: `oss://${DEMO.bucket}/`, name: TMP }), base);
        assert.equal(await run('upload', { uri: base, files: [file] }), 1);
        p.enqueue('Skip');
        assert.equal(await run('upload', { uri: base, files: [file] }), 0);
        assert.ok(
          p.asked.some((q) => q.startsWith('choose:') && q.includes(`${base}hello.txt`)),
          p.asked.join('\n'),
        );

        const out = path.join(local, 'out');
        const written = await run<string[]>('download', { uri: base, targetDir: out });
        assert.deepEqual(written, [path.join(out, 'e2e-oss', 'hello.txt')]);
        assert.equal(fs.readFileSync(written[0], 'utf8'), 'hello from e2e\n');
        fs.writeFileSync(written[0], 'local change');
        p.enqueue('Skip');
        assert.deepEqual(await run('download', { uri: base, targetDir: out }), []);
        assert.equal(fs.readFileSync(written[0], 'utf8'), 'local change', 'never overwritten silently');
        // One conflict: "Overwrite All" is not offered (answering it finds no such button: cancelled).
        p.enqueue('Overwrite All');
        assert.equal(await run('download', { uri: base, targetDir: out }), undefined);
        assert.equal(fs.readFileSync(written[0], 'utf8'), 'local change');
        p.enqueue('Overwrite');
        assert.equal((await run<string[]>('download', { uri: base, targetDir: out })).length, 1);
        assert.equal(fs.readFileSync(written[0], 'utf8'), 'hello from e2e\n');

        // Above alibabaCloud.oss.maxOpenSizeMB the object is not opened; the user is offered a download.
        const big = path.join(local, 'big.bin');
        fs.writeFileSync(big, Buffer.alloc(1536 * 1024, 7));
        assert.equal(await run('upload', { uri: base, files: [big] }), 1);
        await cfg.update('maxOpenSizeMB', 1, vscode.ConfigurationTarget.Global);
        p.enqueue(undefined);
        await run('openObject', { uri: `${base}big.bin` });
        assert.ok(
          p.asked.some((q) => q.startsWith('choose:"big.bin" is 1.5 MB')),
          p.asked.join('\n'),
        );
        assert.notEqual(vscode.window.activeTextEditor?.document.uri.toString(), `${base}big.bin`);

        p.enqueue(true);
        assert.equal(await run('delete', { uri: base }), 2);
        assert.ok(
          p.asked.some((q) => q === 'confirm:Delete 2 objects?'),
          p.asked.join('\n'),
        );
        const cloud = await rootCloud();
        try {
          const left = await cloud.oss.listObjects(DEMO.bucket, 'cn-hangzhou', { prefix: TMP, delimiter: '' });
          assert.deepEqual(left.items, []);
        } finally {
          cloud.dispose();
        }
      } finally {
        await cfg.update('maxOpenSizeMB', undefined, vscode.ConfigurationTarget.Global);
        fs.rmSync(local, { recursive: true, force: true });
        assert.equal(p.pending, 0);
      }
    },
  },
  {
    name: 'oss:// file system: write, stat, read a directory, rename, delete',
    async run() {
      await ready();
      const dir = vscode.Uri.parse(`oss://${DEMO.bucket}/${TMP}fs`);
      const file = vscode.Uri.joinPath(dir, 'a.txt');
      try {
        await vscode.workspace.fs.createDirectory(dir);
        assert.equal((await vscode.workspace.fs.stat(dir)).type, vscode.FileType.Directory);
        await vscode.workspace.fs.writeFile(file, Buffer.from('one'));
        const st = await vscode.workspace.fs.stat(file);
        assert.equal(st.type, vscode.FileType.File);
        assert.equal(st.size, 3);
        assert.deepEqual(await vscode.workspace.fs.readDirectory(dir), [['a.txt', vscode.FileType.File]]);
        const moved = vscode.Uri.joinPath(dir, 'b.txt');
        await vscode.workspace.fs.rename(file, moved);
        assert.equal(Buffer.from(await vscode.workspace.fs.readFile(moved)).toString(), 'one');
        await assert.rejects(
          Promise.resolve(vscode.workspace.fs.stat(file)),
          (e: vscode.FileSystemError) => e.code === 'FileNotFound',
        );
      } finally {
        await vscode.workspace.fs.delete(vscode.Uri.parse(`oss://${DEMO.bucket}/${TMP}`), { recursive: true });
      }
      await assert.rejects(
        Promise.resolve(vscode.workspace.fs.stat(dir)),
        (e: vscode.FileSystemError) => e.code === 'FileNotFound',
      );
    },
  },
  {
    name: "as the instance role: presigned URLs are capped at the credentials' expiry",
    async run() {
      await ready();
      await asInstanceRole(api, 'instance:e2e-oss', async () => {
        const r = await run<{ url: string; capped: boolean; message: string }>('copyPresignedUrl', {
          uri: `oss://${DEMO.bucket}/README.md`,
          seconds: 7 * 24 * 3600,
        });
        assert.equal(r.capped, true);
        assert.match(r.message, /valid for \d+ minutes — capped at the credentials' expiry/);
        // No assert.equal on the URL: a failure message would print its signature and token.
        assert.ok((await vscode.env.clipboard.readText()) === r.url, 'the URL is on the clipboard');
        assert.ok(r.url.includes('security-token='), "signed with the role's STS credentials");
        // The sandbox's URL opens without the extension's name resolution (a browser, curl).
        assert.equal(new URL(r.url).hostname, '127.0.0.1');
        const res = await fetch(r.url);
        assert.ok(
          res.status === 200 && (await res.text()).startsWith('# demo-data'),
          `plain fetch of the URL: HTTP ${res.status}`,
        );
      });
    },
  },
  {
    name: 'as the read-only instance role: saving names oss:PutObject, the object and the role; "Add to Role…" fixes it',
    timeoutMs: 60_000,
    async run() {
      const p = (await ready()).useScriptedPrompter();
      // At the bucket root, so VS Code has no parent folder to create first (that would be refused first).
      const key = 'e2e-oss-denied.txt';
      const uri = vscode.Uri.parse(`oss://${DEMO.bucket}/${key}`);
      let policyName: string | undefined;
      await asInstanceRole(api, 'instance:e2e-oss', async () => {
        await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from('x'))), (e: Error) => {
          assert.match(e.message, /oss:PutObject/);
          assert.match(e.message, new RegExp(`acs:oss:\\*:${DEMO.accountId}:${DEMO.bucket}/e2e-oss-denied\\.txt`));
          assert.match(e.message, /role DemoEcsOssReader/);
          return true;
        });
        const { cloud } = await api.services.cloud();
        const err = await cloud.oss.putObject(DEMO.bucket, 'cn-hangzhou', key, Buffer.from('x')).then(
          () => undefined,
          (e) => e,
        );
        const report = await explainAccessDenied(api.services, err);
        assert.ok(report?.statement, 'a statement to add');
        assert.match(report.text, /could not be read/);
        p.enqueue('Sandbox', 'E2eOssWrite', true);
        policyName = await addStatementToPrincipal(api.services, report);
        assert.equal(policyName, 'E2eOssWrite');
        await vscode.workspace.fs.writeFile(uri, Buffer.from('now allowed'));
        assert.equal(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString(), 'now allowed');
      });
      const admin = await rootCloud();
      try {
        await admin.oss.deleteObject(DEMO.bucket, 'cn-hangzhou', 'e2e-oss-denied.txt');
        if (policyName) {
          await admin.ram.detachPolicyFromRole(DEMO.seededRole, policyName, 'Custom');
          await admin.ram.deletePolicy(policyName);
        }
      } finally {
        admin.dispose();
      }
      assert.equal(p.pending, 0);
    },
  },
  {
    name: 'Create Folder checks OSS naming rules before any call, one message per rule, and never blames the signature',
    timeoutMs: 30_000,
    async run() {
      const a = await ready();
      const requests = async () =>
        ((await (await sandboxControl('requests')).json()) as { requests: Array<{ service: string }> }).requests.filter(
          (r) => r.service === 'oss',
        ).length;
      /** The message the error funnel logged for one run of Create Folder. */
      const failure = async (args: object): Promise<string> => {
        const seen: string[] = [];
        const original = a.services.log.error;
        a.services.log.error = (m: string) => {
          seen.push(m);
          original.call(a.services.log, m);
        };
        try {
          void run('createFolder', args);
          return await waitFor('the error message', () =>
            seen.find((m) => m.startsWith('alibabaCloud.oss.createFolder')),
          );
        } finally {
          a.services.log.error = original;
          await vscode.commands.executeCommand('notifications.clearAll');
        }
      };
      const before = await requests();
      // Typed names: the input box refuses them with the rule's message (the scripted prompter
      // reports what validateInput said), so each rule is shown where the name is typed.
      const rules = new Map<string, RegExp>([
        ['', /Type a folder name/],
        ['a//b', /empty name/],
        ['/a', /cannot start with/],
        ['..', /"\." and "\.\."/],
        ['x'.repeat(1100), /bytes long in UTF-8; OSS allows at most 1023/],
      ]);
      const messages = new Set<string>();
      for (const [name, expected] of rules) {
        a.useScriptedPrompter().enqueue(name);
        const message = await failure({ uri: `oss://${DEMO.bucket}/` });
        assert.match(message, expected, name.slice(0, 20));
        assert.doesNotMatch(message, /signature|secret/i);
        messages.add(message);
      }
      assert.equal(messages.size, rules.size, 'one message per rule');
      // The same rules for a name passed in args, shown through the error funnel as ours.
      const message = await failure({ uri: `oss://${DEMO.bucket}/`, name: '..' });
      assert.match(message, /InvalidObjectName/);
      assert.doesNotMatch(message, /signature|secret/i);
      assert.equal(await requests(), before, 'no OSS request was made');
    },
  },
];
