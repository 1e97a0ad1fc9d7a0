// AccessKeys in the real extension host: a Python file with pasted keys gets warnings (masked to
// the last 4) in the Problems panel; the quick fix "Use the credentials chain" rewrites the client
// construction and the warnings go; "Scan Workspace for AccessKeys" summarises; "Open in Console"
// and "Open in OpenAPI Explorer" hand the address to openExternal; "Insert Code That Uses the
// Instance Role" inserts the sample for the editor's language. Keys are built at runtime.
import * as assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { save, waitFor, sandboxApi as api } from './helpers';
import type { HostTest } from './runner';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rnd = (n: number) => Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]).join('');
const fakeId = () => ['LT', 'AI'].join('') + rnd(20);
const fakeSecret = () => `Aa${rnd(28)}`;

const ours = (uri: vscode.Uri) =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Alibaba Cloud AccessKey');

function workspaceFile(name: string, text: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test host opens a folder');
  const file = path.join(folder.uri.fsPath, 'akscan', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return vscode.Uri.file(file);
}

export const accessKeyTests: HostTest[] = [
  {
    name: 'pasted keys in Python: masked warnings, the credentials-chain quick fix rewrites the client, warnings go',
    timeoutMs: 40_000,
    async run() {
      await api();
      const id = fakeId();
      const secret = fakeSecret();
      const uri = workspaceFile(
        'app.py',
        `import oss2\n\nauth = oss2.Auth('${id}', '${secret}')\nbucket = oss2.Bucket(auth, 'https://oss-cn-hangzhou.aliyuncs.com', 'demo-data')\n`,
      );
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const diags = await waitFor('AccessKey warnings', () => (ours(uri).length === 2 ? ours(uri) : undefined));
      assert.deepEqual(diags.map((d) => d.code).sort(), ['accessKeyId', 'accessKeySecret']);
      assert.ok(diags.every((d) => d.severity === vscode.DiagnosticSeverity.Warning));
      const idDiag = diags.find((d) => d.code === 'accessKeyId')!;
      assert.equal(doc.getText(idDiag.range), id, 'the range underlines the id');
      for (const d of diags) {
        assert.ok(!d.message.includes(id) && !d.message.includes(secret), 'never the value in a message');
      }
      assert.ok(idDiag.message.includes(id.slice(-4)));
      await vscode.commands.executeCommand('workbench.actions.view.problems');

      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        idDiag.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const titles = actions.map((a) => a.title);
      assert.ok(titles.includes('Set up an instance role for this code'), titles.join(' | '));
      assert.ok(
        titles.some((t) => t.startsWith('Ignore here')),
        titles.join(' | '),
      );
      const chain = actions.find((a) => a.title.startsWith('Use the credentials chain'));
      assert.ok(chain?.edit, titles.join(' | '));
      assert.match(chain.title, /needs pip install alibabacloud_credentials/, 'the action names the package');
      // The rewrite needs confirmation: VS Code shows it in the refactor preview, applied from there.
      assert.ok(chain.edit.entries().every(([, edits]) => edits.length > 0));
      const applied = Promise.resolve(vscode.workspace.applyEdit(chain.edit));
      let done = false;
      void applied.finally(() => {
        done = true;
      });
      await waitFor('the refactor preview to apply the edit', async () => {
        if (!done) {
          await vscode.commands.executeCommand('refactorPreview.apply').then(undefined, () => undefined);
        }
        await new Promise((r) => setTimeout(r, 300));
        return done;
      });
      assert.ok(await applied);
      assert.ok(await save(doc), 'the edited file is saved');
      const text = fs.readFileSync(uri.fsPath, 'utf8');
      assert.ok(!text.includes(id) && !text.includes(secret));
      assert.match(text, /auth = oss2\.ProviderAuth\(CredentialProviderWrapper\(CredentialClient\(\)\)\)/);
      assert.match(text, /from alibabacloud_credentials\.client import Client as CredentialClient/);
      await waitFor('the warnings to go', () => ours(uri).length === 0);
    },
  },
  {
    name: 'Scan Workspace for AccessKeys finds a key in a closed .env and not in a .gitignored one; Ignore here silences a line',
    timeoutMs: 40_000,
    async run() {
      const a = await api();
      const env = workspaceFile('.env', `ALIBABA_CLOUD_ACCESS_KEY_ID=${fakeId()}\n`);
      workspaceFile('.gitignore', 'private/\n');
      const hidden = workspaceFile('private/.env', `ALIBABA_CLOUD_ACCESS_KEY_ID=${fakeId()}\n`);
      const summary = await vscode.commands.executeCommand<{
        found: Array<{ file: string; kind: string }>;
        scanned: number;
      }>('alibabaCloud.scanAccessKeys');
      assert.ok(summary, 'the command returns its summary');
      const files = summary.found.map((f) => f.file);
      assert.ok(files.includes(vscode.workspace.asRelativePath(env, false)), files.join(', '));
      assert.ok(!files.includes(vscode.workspace.asRelativePath(hidden, false)), 'gitignored');
      assert.equal(ours(env).length, 1, 'a closed file gets its warning from the scan');

      const doc = await vscode.workspace.openTextDocument(env);
      await vscode.window.showTextDocument(doc);
      const d = await waitFor('the .env warning', () => ours(env)[0]);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        env,
        d.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const ignore = actions.find((x) => x.title.startsWith('Ignore here'));
      assert.ok(ignore?.edit, actions.map((x) => x.title).join(' | '));
      assert.ok(await vscode.workspace.applyEdit(ignore.edit));
      assert.ok(await save(doc), 'the edited file is saved');
      assert.match(fs.readFileSync(env.fsPath, 'utf8'), /^# alibabacloud:ignore-accesskey\n/);
      await waitFor('the ignored warning to go', () => ours(env).length === 0);
      void a;
    },
  },
  {
    name: 'Open in Console on a sandbox resource opens nothing (the real console has no page for it); OpenAPI Explorer opens its address',
    async run() {
      const a = await api();
      const p = a.useScriptedPrompter();
      const opened = await vscode.commands.executeCommand('alibabaCloud.openInConsole', {
        target: { kind: 'instance', instanceId: 'i-bp1sandboxvpc000001', regionId: 'cn-hangzhou' },
      });
      assert.equal(opened, undefined);
      await vscode.commands.executeCommand('alibabaCloud.openInApiExplorer', {
        command: 'alibabaCloud.ecs.attachRole',
      });
      // The console's address for a real account is pinned in test/unit/cloud/consoleUrls.test.ts.
      assert.deepEqual(p.external, [
        'https://api.aliyun.com/api/Ecs/2014-05-26/AttachInstanceRamRole?RegionId=cn-hangzhou',
      ]);
      await vscode.commands.executeCommand('notifications.clearAll');
    },
  },
  {
    name: 'Insert Code That Uses the Instance Role: the Go sample for the bucket, at the cursor',
    async run() {
      await api();
      const uri = workspaceFile('main.go', '');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const r = await vscode.commands.executeCommand<{ language: string; packages: string }>(
        'alibabaCloud.insertRoleCode',
        { bucket: 'demo-data', region: 'cn-hangzhou' },
      );
      assert.equal(r?.language, 'go');
      const text = vscode.window.activeTextEditor!.document.getText();
      assert.match(text, /oss\.New\("https:\/\/oss-cn-hangzhou-internal\.aliyuncs\.com"/);
      assert.match(text, /SetType\("ecs_ram_role"\)/);
      assert.match(text, /go get github\.com\/aliyun\/credentials-go/);
    },
  },
];
