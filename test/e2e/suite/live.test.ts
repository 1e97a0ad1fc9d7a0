// Live documents in the real extension host, against the harness's sandbox, with the sandbox's
// request log as the witness: a policy draft under autosave never reaches RAM; deploying shows
// the diff and a confirmation naming the account and the attachments, then creates exactly one
// version; at RAM's limit of 5 the user chooses the version to delete (or cancels); roll back is
// one SetDefaultPolicyVersion; a save or deploy after a profile switch writes nothing unless the
// user picks the original profile; an oss:// save never overwrites a newer object silently, its
// tree node shows the new size afterwards, and every reader gets the size limit.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { formatPolicy, serviceTrustPolicy } from '../../../src/policy/builders';
import { DEMO } from '../../../src/sandbox/seed/demo';
import type { TreeNode } from '../../../src/views/node';
import { asInstanceRole, callsDuring, type LoggedRequest, ourExtension, waitFor, save } from './helpers';
import type { HostTest } from './runner';

const run = Date.now().toString(36);
const DRAFT = `E2eLiveDraft-${run}`;
const POLICY = `E2eLive-${run}`;
const ROLE = `E2eLiveRole-${run}`;
const OBJECT = `e2e-live-${run}.txt`;
const MUTATING = /^(Create|Update|Delete|Attach|Detach|Set|Put|Copy|Run|Modify)/;

async function api(): Promise<ExtensionApi> {
  const a = (await ourExtension().activate()) as ExtensionApi;
  if (a.services.profiles.active()?.id !== 'sandbox:Sandbox') {
    await a.services.profiles.select('sandbox:Sandbox');
  }
  return a;
}

const writes = (rs: LoggedRequest[]) =>
  rs.filter((r) => r.service !== 'imds' && MUTATING.test(r.action) && r.status < 400).map((r) => r.action);

async function rootCloud(a: ExtensionApi) {
  return a.services.profiles.cloudFor(a.services.profiles.list().find((p) => p.id === 'sandbox:Sandbox')!);
}

async function editorOf(match: (uri: vscode.Uri) => boolean): Promise<vscode.TextEditor> {
  return waitFor('the editor', () => {
    const e = vscode.window.activeTextEditor;
    return e && match(e.document.uri) ? e : undefined;
  });
}

async function replaceAll(editor: vscode.TextEditor, text: string): Promise<void> {
  const doc = editor.document;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

const policy = (...actions: string[]) => ({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: actions, Resource: ['acs:oss:*:*:demo-data/*'] }],
});

/** Runs a command that must fail and returns what the error funnel logged for it. */
async function errorOf(a: ExtensionApi, id: string, arg: unknown): Promise<string> {
  const log = a.services.log;
  const seen: string[] = [];
  const original = log.error;
  log.error = (m: string) => {
    seen.push(m);
    original.call(log, m);
  };
  try {
    void vscode.commands.executeCommand(id, arg);
    return await waitFor(`the error message of ${id}`, () => seen.find((m) => m.startsWith(id)), 15_000);
  } finally {
    log.error = original;
    await vscode.commands.executeCommand('notifications.clearAll');
  }
}

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('notifications.clearAll');
}

export const liveTests: HostTest[] = [
  {
    name: 'with autosave on, typing in a policy draft for 10 seconds makes no RAM call; problems show in the Problems panel',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const files = vscode.workspace.getConfiguration('files');
      await files.update('autoSave', 'afterDelay', vscode.ConfigurationTarget.Global);
      await files.update('autoSaveDelay', 200, vscode.ConfigurationTarget.Global);
      try {
        await vscode.commands.executeCommand('alibabaCloud.ram.createPolicy', {
          policyName: DRAFT,
          template: 'custom',
        });
        const editor = await editorOf(
          (u) => u.scheme === 'alibabacloud-ram' && u.path.endsWith(`/drafts/${DRAFT}.policy.json`),
        );
        assert.match(editor.document.uri.path, /^\/Sandbox\//, 'the tab names the profile');
        let saves = 0;
        const counting = vscode.workspace.onDidSaveTextDocument((d) => {
          if (d.uri.toString() === editor.document.uri.toString()) {
            saves++;
          }
        });
        const calls = await callsDuring(async () => {
          const actions = ['oss:GetObject', 'oss:ListObjects', 'oss:PutObject', 'oss:GetObjectAcl'];
          const until = Date.now() + 10_000;
          for (let i = 0; Date.now() < until; i++) {
            await replaceAll(editor, JSON.stringify(policy(...actions.slice(0, 1 + (i % actions.length))), null, 2));
            await new Promise((r) => setTimeout(r, 400));
          }
          await waitFor('the last autosave', () => !editor.document.isDirty, 5000);
        });
        counting.dispose();
        assert.ok(saves >= 3, `autosave ran (${saves} saves)`);
        assert.deepEqual(
          calls.filter((r) => r.service === 'ram'),
          [],
          'no RAM call at all',
        );

        // A document with errors is saved too (nothing is lost) and the errors are in the Problems panel.
        await replaceAll(
          editor,
          '{"Version":"1","Statement":[{"Effect":"Alow","Action":["oss:GetObject"],"Resource":"*"}]}',
        );
        await waitFor('the autosave', () => !editor.document.isDirty, 5000);
        const problems = await waitFor('an error in the Problems panel', () => {
          const errors = vscode.languages
            .getDiagnostics(editor.document.uri)
            .filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
          return errors.length ? errors : undefined;
        });
        assert.equal(problems[0].code, 'effect-invalid');
        assert.match(
          await errorOf(a, 'alibabaCloud.ram.createPolicyFromDraft', editor.document.uri),
          /problems; nothing was sent to RAM\. /,
        );
        const { cloud } = await a.services.cloud();
        await assert.rejects(cloud.ram.getPolicy(DRAFT, 'Custom'), { code: 'EntityNotExist.Policy' });
      } finally {
        await files.update('autoSave', undefined, vscode.ConfigurationTarget.Global);
        await files.update('autoSaveDelay', undefined, vscode.ConfigurationTarget.Global);
        await closeAll();
      }
    },
  },
  {
    name: 'Create Policy from a draft shows the diff and a confirmation, then creates exactly the policy',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const p = a.useScriptedPrompter();
      await vscode.commands.executeCommand('alibabaCloud.ram.createPolicy', { policyName: POLICY, template: 'custom' });
      const editor = await editorOf((u) => u.path.endsWith(`/drafts/${POLICY}.policy.json`));
      await replaceAll(editor, JSON.stringify(policy('oss:GetObject'), null, 2));
      p.enqueue(false);
      const declined = await callsDuring(async () => {
        assert.equal(
          await vscode.commands.executeCommand('alibabaCloud.ram.createPolicyFromDraft', editor.document.uri),
          undefined,
        );
      });
      assert.deepEqual(writes(declined), [], 'declining the confirmation writes nothing');
      p.enqueue(true);
      const created = await callsDuring(() =>
        Promise.resolve(vscode.commands.executeCommand('alibabaCloud.ram.createPolicyFromDraft', editor.document.uri)),
      );
      assert.deepEqual(writes(created), ['CreatePolicy']);
      assert.equal(p.asked.at(-1), `confirm:Create policy ${POLICY} in account ${DEMO.accountId} (profile Sandbox)?`);
      const { cloud } = await a.services.cloud();
      assert.deepEqual(JSON.parse((await cloud.ram.getPolicy(POLICY, 'Custom')).document), policy('oss:GetObject'));
      // The draft made way for the policy's own document.
      await editorOf((u) => u.path.endsWith(`/policies/Custom/${POLICY}.policy.json`));
      assert.equal(p.pending, 0);
      await closeAll();
    },
  },
  {
    name: 'Set as New Default Version: diff against the live default, confirmation naming account and attachments, exactly one new version',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const p = a.useScriptedPrompter();
      const { cloud } = await a.services.cloud();
      await cloud.ram.createRole(ROLE, formatPolicy(serviceTrustPolicy()));
      await cloud.ram.attachPolicyToRole(ROLE, POLICY, 'Custom');
      await vscode.commands.executeCommand('alibabaCloud.ram.createPolicyVersion', { policyName: POLICY });
      const editor = await editorOf((u) => u.path.endsWith(`/policies/Custom/${POLICY}.policy.json`));
      await replaceAll(editor, JSON.stringify(policy('oss:GetObject', 'oss:ListObjects'), null, 2));
      assert.ok(await save(editor.document));
      p.enqueue(true);
      const opened: vscode.TabInputTextDiff[] = [];
      const watching = vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const t of e.opened) {
          if (t.input instanceof vscode.TabInputTextDiff) {
            opened.push(t.input);
          }
        }
      });
      const calls = await callsDuring(() =>
        Promise.resolve(vscode.commands.executeCommand('alibabaCloud.ram.setAsDefaultVersion', editor.document.uri)),
      ).finally(() => watching.dispose());
      assert.deepEqual(writes(calls), ['CreatePolicyVersion']);
      assert.equal(
        p.asked.at(-1),
        `confirm:Make your edit the new default version of ${POLICY} in account ${DEMO.accountId} (profile Sandbox)?`,
      );
      assert.match(p.details.at(-1) ?? '', new RegExp(`attached to 1 role \\(${ROLE}\\)`));
      const diff = opened.find((i) => i.modified.toString() === editor.document.uri.toString());
      assert.ok(diff, 'the diff was shown before the confirmation');
      const stillOpen = vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .map((t) => t.input)
        .filter(
          (i) => i instanceof vscode.TabInputTextDiff && i.modified.toString() === editor.document.uri.toString(),
        );
      assert.equal(
        stillOpen.length,
        0,
        'deployed: the "(live) ↔ your edit" diff is closed, as its left side is no longer live',
      );
      assert.ok(
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .some(
            (t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === editor.document.uri.toString(),
          ),
        'the document stays open',
      );
      assert.equal(diff.original.scheme, 'alibabacloud-ram-live');
      const live = await vscode.workspace.openTextDocument(diff.original);
      assert.deepEqual(
        JSON.parse(live.getText()),
        policy('oss:GetObject'),
        'left: the default version before the deploy',
      );
      const after = await cloud.ram.getPolicy(POLICY, 'Custom');
      assert.equal(after.policy.defaultVersion, 'v2');
      assert.deepEqual(JSON.parse(after.document), policy('oss:GetObject', 'oss:ListObjects'));
      assert.equal(p.pending, 0);
      await closeAll();
    },
  },
  {
    name: 'at 5 versions the deploy names the version to delete and lets the user choose or cancel; roll back asks too',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const p = a.useScriptedPrompter();
      const { cloud } = await a.services.cloud();
      for (const n of [3, 4, 5]) {
        await cloud.ram.createPolicyVersion(POLICY, JSON.stringify(policy(`oss:Get${n}`)));
      }
      await vscode.commands.executeCommand('alibabaCloud.ram.createPolicyVersion', { policyName: POLICY });
      const editor = await editorOf((u) => u.path.endsWith(`/policies/Custom/${POLICY}.policy.json`));
      await replaceAll(editor, JSON.stringify(policy('oss:GetObject', 'oss:GetObjectAcl'), null, 2));

      p.enqueue(undefined);
      const cancelled = await callsDuring(async () => {
        await vscode.commands.executeCommand('alibabaCloud.ram.setAsDefaultVersion', editor.document.uri);
      });
      assert.deepEqual(writes(cancelled), [], 'cancelled at the choice: nothing deleted, nothing created');
      assert.ok(p.asked.at(-1)?.startsWith('pick:RAM keeps at most 5 versions'), p.asked.join(' | '));

      p.enqueue('v2', true);
      const rotated = await callsDuring(() =>
        Promise.resolve(vscode.commands.executeCommand('alibabaCloud.ram.setAsDefaultVersion', editor.document.uri)),
      );
      assert.deepEqual(writes(rotated), ['DeletePolicyVersion', 'CreatePolicyVersion']);
      assert.match(p.details.at(-1) ?? '', /Version v2 will be deleted/);
      assert.deepEqual(
        (await cloud.ram.listPolicyVersions(POLICY, 'Custom')).map((v) => v.versionId),
        ['v1', 'v3', 'v4', 'v5', 'v6'],
      );

      p.enqueue(false);
      assert.equal(
        await vscode.commands.executeCommand('alibabaCloud.ram.rollBackPolicyVersion', {
          policyName: POLICY,
          versionId: 'v1',
        }),
        false,
      );
      p.enqueue(true);
      const rolled = await callsDuring(() =>
        Promise.resolve(
          vscode.commands.executeCommand('alibabaCloud.ram.rollBackPolicyVersion', {
            policyName: POLICY,
            versionId: 'v1',
          }),
        ),
      );
      assert.deepEqual(writes(rolled), ['SetDefaultPolicyVersion']);
      assert.equal(
        p.asked.at(-1),
        `confirm:Make v1 the default version of ${POLICY} in account ${DEMO.accountId} (profile Sandbox)?`,
      );
      assert.equal((await cloud.ram.getPolicy(POLICY, 'Custom')).policy.defaultVersion, 'v1');
      assert.equal(p.pending, 0);
      await closeAll();
    },
  },
  {
    name: 'after a profile switch, a draft deploy and an oss:// save refuse and write nothing; "Use Sandbox" writes with the original profile',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const p = a.useScriptedPrompter();
      const admin = await rootCloud(a);
      try {
        await admin.oss.putObject(DEMO.bucket, 'cn-hangzhou', OBJECT, Buffer.from('original\n'));
        await vscode.commands.executeCommand('alibabaCloud.ram.createPolicy', {
          policyName: DRAFT,
          template: 'custom',
        });
        const draft = await editorOf((u) => u.path.endsWith(`/drafts/${DRAFT}.policy.json`));
        await replaceAll(draft, JSON.stringify(policy('oss:GetObject'), null, 2));
        await vscode.commands.executeCommand('alibabaCloud.oss.openObject', { uri: `oss://${DEMO.bucket}/${OBJECT}` });
        const object = await editorOf((u) => u.scheme === 'oss' && u.path === `/${OBJECT}`);
        assert.match(object.document.uri.query, /"profile":"sandbox:Sandbox"/);
        await replaceAll(object, 'edited under Sandbox\n');

        await asInstanceRole(a, 'instance:e2e-live', async () => {
          p.enqueue(undefined, undefined);
          const calls = await callsDuring(async () => {
            assert.equal(await object.document.save(), false, 'the save is refused');
            await vscode.commands.executeCommand('alibabaCloud.ram.createPolicyFromDraft', draft.document.uri);
          });
          assert.deepEqual(writes(calls), [], 'nothing written to either identity');
          assert.ok(object.document.isDirty, 'the edit is kept');
          assert.deepEqual(
            p.asked.slice(-2).map((q) => q.replace(/ was opened.*/, '')),
            [`choose:oss://${DEMO.bucket}/${OBJECT}`, `choose:Policy ${DRAFT}`],
            p.asked.join(' | '),
          );
          assert.match(
            p.asked.at(-1)!,
            /was opened with profile Sandbox, but the active profile is Instance role \(e2e\)/,
          );
          assert.equal((await admin.oss.getObject(DEMO.bucket, 'cn-hangzhou', OBJECT)).toString(), 'original\n');
          await assert.rejects(admin.ram.getPolicy(DRAFT, 'Custom'), { code: 'EntityNotExist.Policy' });

          // Choosing the original profile writes there (the instance role could not: it is read-only).
          p.enqueue('Use Sandbox');
          await object.document.save();
          await waitFor(
            'the object written with Sandbox',
            async () =>
              (await admin.oss.getObject(DEMO.bucket, 'cn-hangzhou', OBJECT)).toString() === 'edited under Sandbox\n',
          );
        });
        assert.equal(p.pending, 0);
      } finally {
        await closeAll();
        await admin.oss.deleteObject(DEMO.bucket, 'cn-hangzhou', OBJECT).catch(() => undefined);
        admin.dispose();
      }
    },
  },
  {
    name: 'an oss:// save over a newer object asks (Compare, Overwrite, Cancel); afterwards the tree shows the new size',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const p = a.useScriptedPrompter();
      const admin = await rootCloud(a);
      try {
        await admin.oss.putObject(DEMO.bucket, 'cn-hangzhou', OBJECT, Buffer.from('ours!\n'));
        await vscode.commands.executeCommand('alibabaCloud.oss.openObject', { uri: `oss://${DEMO.bucket}/${OBJECT}` });
        const editor = await editorOf((u) => u.scheme === 'oss' && u.path === `/${OBJECT}`);
        // Same size, same second: only the ETag tells (VS Code's own mtime-and-size check does not).
        await admin.oss.putObject(DEMO.bucket, 'cn-hangzhou', OBJECT, Buffer.from('their\n'));
        await replaceAll(editor, 'mine, a little longer\n');

        p.enqueue(undefined);
        const refused = await callsDuring(async () => {
          assert.equal(await editor.document.save(), false);
        });
        assert.deepEqual(writes(refused), []);
        assert.match(
          p.asked.at(-1)!,
          new RegExp(`choose:oss://${DEMO.bucket}/${OBJECT} changed in OSS since you opened it`),
        );
        assert.equal((await admin.oss.getObject(DEMO.bucket, 'cn-hangzhou', OBJECT)).toString(), 'their\n');

        p.enqueue('Compare');
        assert.equal(await editor.document.save(), false);
        const diff = await waitFor('the compare diff', () =>
          vscode.window.tabGroups.all
            .flatMap((g) => g.tabs)
            .map((t) => t.input)
            .find(
              (i): i is vscode.TabInputTextDiff =>
                i instanceof vscode.TabInputTextDiff && i.original.scheme === 'oss-remote',
            ),
        );
        assert.equal((await vscode.workspace.openTextDocument(diff.original)).getText(), 'their\n');

        p.enqueue('Overwrite');
        const written = await callsDuring(async () => {
          await editor.document.save();
          await waitFor(
            'the object overwritten',
            async () =>
              (await admin.oss.getObject(DEMO.bucket, 'cn-hangzhou', OBJECT)).toString() === 'mine, a little longer\n',
          );
        });
        assert.deepEqual(writes(written), ['PutObject']);

        // The object's node shows the new size.
        const provider = a.explorer.providers.get('oss')!;
        const node = await waitFor('the refreshed node', async () => {
          const [buckets] = (await provider.getChildren()).slice(-1);
          const bucket = (await provider.getChildren(buckets)).find(
            (n) => (n as TreeNode & { bucket?: string }).bucket === DEMO.bucket,
          );
          const objects = bucket ? await provider.getChildren(bucket) : [];
          for (const n of objects) {
            const it = await provider.getTreeItem(n);
            if (it.label === OBJECT && String(it.description).startsWith('22 B')) {
              return it;
            }
          }
          return undefined;
        });
        assert.match(String((node.tooltip as vscode.MarkdownString).value), /ETag/);
        assert.equal(p.pending, 0);
      } finally {
        await closeAll();
        await admin.oss.deleteObject(DEMO.bucket, 'cn-hangzhou', OBJECT).catch(() => undefined);
        admin.dispose();
      }
    },
  },
  {
    name: 'every reader of oss:// gets the size limit and the offer to download',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const p = a.useScriptedPrompter();
      const admin = await rootCloud(a);
      const cfg = vscode.workspace.getConfiguration('alibabaCloud.oss');
      const key = `e2e-live-big-${run}.bin`;
      try {
        await admin.oss.putObject(DEMO.bucket, 'cn-hangzhou', key, Buffer.alloc(1536 * 1024, 1));
        await cfg.update('maxOpenSizeMB', 1, vscode.ConfigurationTarget.Global);
        p.enqueue(undefined);
        const calls = await callsDuring(async () => {
          await assert.rejects(
            Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.parse(`oss://${DEMO.bucket}/${key}`))),
            /more than the 1 MB/,
          );
        });
        assert.ok(!calls.some((r) => r.action === 'GetObject'), 'not a byte read');
        await waitFor('the download offer', () => p.asked.some((q) => q.startsWith(`choose:"${key}" is 1.5 MB`)));
      } finally {
        await cfg.update('maxOpenSizeMB', undefined, vscode.ConfigurationTarget.Global);
        await admin.oss.deleteObject(DEMO.bucket, 'cn-hangzhou', key).catch(() => undefined);
        admin.dispose();
      }
    },
  },
  {
    name: "clean up: the live suite's role and policy",
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      await cloud.ram.detachPolicyFromRole(ROLE, POLICY, 'Custom').catch(() => undefined);
      await cloud.ram.deleteRole(ROLE).catch(() => undefined);
      await cloud.ram.deletePolicy(POLICY);
      await assert.rejects(cloud.ram.getPolicy(POLICY, 'Custom'), { code: 'EntityNotExist.Policy' });
    },
  },
];
