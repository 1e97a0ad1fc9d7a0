// Policy tools in the real extension host: a bad *.ram-policy.json gets its problems in the
// Problems panel (as the user types, too) and a quick fix that VS Code applies; Check Access on the
// seeded role opens the deciding statement highlighted, and proposes a statement on a deny; Export
// Role as Terraform and as a CLI script open the export in an editor. Changes nothing in the cloud.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sandboxControl, waitFor, sandboxApi as api } from './helpers';
import type { HostTest } from './runner';

const SEEDED_ROLE = 'DemoEcsOssReader';
const BUCKET = 'demo-data';
/** The ECS doc's PassRole sample: spaces after "ecs:" and the first statement's "}" missing. */
const BAD_POLICY = `{
  "Version": "1",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["ecs: AttachInstanceRamRole", "oss:GetObjekt"],
      "Resource": "*",
    {
      "Effect": "Allow",
      "Action": "ram:PassRole",
      "Resource": "acs:ram::1234567890123456:role/EcsRoleForOss"
    }
  ]
}
`;

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Alibaba Cloud RAM');
const codes = (uri: vscode.Uri) =>
  ours(uri)
    .map((d) => String(d.code))
    .sort();

async function mutationsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const count = async () =>
    ((await (await sandboxControl('requests')).json()) as { requests: { action: string }[] }).requests;
  const before = (await count()).length;
  await fn();
  return (await count())
    .slice(before)
    .map((r) => r.action)
    .filter((x) => /^(Create|Update|Delete|Attach|Detach|Set)/.test(x));
}

export const policyToolsTests: HostTest[] = [
  {
    name: "a policy document's own text in a hover is inert: a tag key carrying an image or a command link shows as text",
    timeoutMs: 30_000,
    async run() {
      await api();
      // A repository's policy file: the tag key is free text, and the hover quotes it.
      const key =
        'acs:RequestTag/![t](http://127.0.0.1:9/pixel.png)[run](command:workbench.action.terminal.sendSequence)';
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'policy-')), 'hover.ram-policy.json');
      fs.writeFileSync(
        file,
        JSON.stringify(
          {
            Version: '1',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'ecs:DescribeInstances',
                Resource: '*',
                Condition: { StringEquals: { [key]: 'x' } },
              },
            ],
          },
          null,
          2,
        ),
      );
      const uri = vscode.Uri.file(file);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      try {
        const on = doc.positionAt(doc.getText().indexOf('RequestTag') + 2);
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, on);
        const md = hovers.flatMap((h) => h.contents).filter((c): c is vscode.MarkdownString => typeof c !== 'string');
        const text = md.map((c) => c.value).join('\n');
        assert.match(text, /RequestTag/, 'our hover answered');
        // Unescaped, `![t](…)` loads the image on hover and `[run](command:…)` is a link.
        assert.doesNotMatch(text, /(^|[^\\])!\[t\]\(/);
        assert.doesNotMatch(text, /(^|[^\\])\[run\]\(/);
        assert.ok(
          md.every((c) => !c.isTrusted && !c.supportHtml),
          'neither trusted nor HTML',
        );
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      }
    },
  },
  {
    name: "each policy problem shows once: ours, not repeated by VS Code's JSON schema validation",
    timeoutMs: 45_000,
    async run() {
      await api();
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'policy-')), 'twice.ram-policy.json');
      // An unknown element, a wrong Version, a Statement that is not a list: what a schema also flags.
      fs.writeFileSync(
        file,
        '{\n  "Version": "2",\n  "Statement": {\n    "Effect": "Allow", "Action": "oss:GetObject", "Resource": "*", "Principle": {}\n  }\n}\n',
      );
      const uri = vscode.Uri.file(file);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      await waitFor('policy diagnostics', () => ours(uri).length >= 2);
      // VS Code's JSON language features validate a few hundred ms after opening: give them that time.
      await new Promise((r) => setTimeout(r, 3000));
      const others = vscode.languages.getDiagnostics(uri).filter((d) => d.source !== 'Alibaba Cloud RAM');
      assert.deepEqual(
        others.map((d) => `${d.source}: ${d.message}`),
        [],
      );
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    },
  },
  {
    name: 'a bad *.ram-policy.json: problems with ranges, quick fixes applied, problems follow typing',
    timeoutMs: 45_000,
    async run() {
      await api();
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'policy-')), 'bad.ram-policy.json');
      fs.writeFileSync(file, BAD_POLICY);
      const uri = vscode.Uri.file(file);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      await waitFor('policy diagnostics', () => ours(uri).length >= 3);
      assert.deepEqual(codes(uri), ['action-unknown-suggest', 'action-whitespace', 'json-missing-close-brace']);
      const brace = ours(uri).find((d) => d.code === 'json-missing-close-brace')!;
      assert.equal(brace.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(doc.getText(brace.range), '{');
      assert.equal(brace.range.start.line, 7);

      // The quick fix for the lost "}", as the light bulb offers it.
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        brace.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      // (The API command returns actions without their diagnostics; the title names the edit.)
      const fix = actions.find((x) => x.title === 'Insert }');
      assert.ok(fix?.edit, `actions: ${actions.map((x) => x.title).join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      await waitFor('the brace problem to go', () => !codes(uri).includes('json-missing-close-brace'));
      assert.deepEqual(codes(uri), ['action-unknown-suggest', 'action-whitespace']);

      // "Fix all" takes the rest.
      const rest = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        ours(uri)[0].range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const all = rest.find((x) => /Fix all/.test(x.title));
      assert.ok(all?.edit, `actions: ${rest.map((x) => x.title).join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(all.edit));
      await waitFor('no problems left', () => ours(uri).length === 0);
      assert.deepEqual(JSON.parse(doc.getText()).Statement[0].Action, ['ecs:AttachInstanceRamRole', 'oss:GetObject']);

      // Hover and completion on action names.
      const on = doc.positionAt(doc.getText().indexOf('oss:GetObject') + 5);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, on);
      const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(hoverText, /oss:GetObject\*\* · Object Storage Service/);
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        uri,
        on,
      );
      assert.ok(
        list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'oss:PutObject'),
        'completes oss actions',
      );

      // Typing a mistake brings a problem back (debounced).
      const at = doc.getText().indexOf('"Allow"');
      const typed = new vscode.WorkspaceEdit();
      typed.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 7)), '"allow"');
      assert.ok(await vscode.workspace.applyEdit(typed));
      await waitFor('the typed mistake to show', () => codes(uri).includes('effect-invalid'));
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    },
  },
  {
    name: 'Check Access on a role: Allow opens the deciding statement highlighted; a deny proposes a statement',
    timeoutMs: 45_000,
    async run() {
      const a = await api();
      const prompts = a.useScriptedPrompter();
      const calls = await mutationsDuring(async () => {
        const allowed = await vscode.commands.executeCommand<{
          effect: string;
          policyName: string;
          opened: { uri: string; selected: string };
        }>('alibabaCloud.ram.checkAccess', {
          roleName: SEEDED_ROLE,
          action: 'oss:GetObject',
          resource: `acs:oss:*:*:${BUCKET}/reports/a.txt`,
        });
        assert.equal(allowed?.effect, 'Allow');
        assert.equal(allowed.policyName, 'AliyunOSSReadOnlyAccess');
        const editor = vscode.window.activeTextEditor!;
        assert.equal(editor.document.uri.toString(), allowed.opened.uri);
        assert.equal(editor.document.getText(editor.selection), allowed.opened.selected);
        assert.deepEqual(JSON.parse(allowed.opened.selected).Action, ['oss:Get*', 'oss:List*']);

        // A deny: the proposal is shown as a modal choice; dismissing it adds nothing.
        prompts.enqueue('Dismiss');
        const denied = await vscode.commands.executeCommand<{ effect: string }>('alibabaCloud.ram.checkAccess', {
          roleName: SEEDED_ROLE,
          action: 'oss:PutObject',
          resource: `acs:oss:*:*:${BUCKET}/reports/a.txt`,
        });
        assert.equal(denied?.effect, 'ImplicitDeny');
        assert.ok(
          prompts.asked.some((q) => /Implicitly denied/.test(q)),
          prompts.asked.join(' | '),
        );
      });
      assert.deepEqual(calls, []);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    },
  },
  {
    name: 'Export Role as Terraform and as an aliyun CLI script opens the export in an editor',
    timeoutMs: 45_000,
    async run() {
      await api();
      const tf = await vscode.commands.executeCommand<{ text: string; uri: string }>(
        'alibabaCloud.ram.exportTerraform',
        { roleName: SEEDED_ROLE },
      );
      assert.match(tf!.text, /resource "alicloud_ram_role" "DemoEcsOssReader"/);
      assert.match(tf!.text, /resource "alicloud_ecs_ram_role_attachment"/);
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), tf!.uri);
      assert.equal(vscode.window.activeTextEditor?.document.getText(), tf!.text);
      // Not an untitled plain-text buffer that asks to be saved: a read-only document named like its file.
      const tfDoc = vscode.window.activeTextEditor!.document;
      assert.equal(tfDoc.isUntitled, false);
      assert.equal(tfDoc.isDirty, false);
      assert.match(tfDoc.uri.path, /\/DemoEcsOssReader\.tf$/);
      const sh = await vscode.commands.executeCommand<{ text: string }>('alibabaCloud.ram.exportCliScript', {
        roleName: SEEDED_ROLE,
      });
      const shDoc = vscode.window.activeTextEditor!.document;
      assert.equal(shDoc.languageId, 'shellscript');
      assert.equal(shDoc.isUntitled, false);
      assert.match(shDoc.uri.path, /\.sh$/);
      // Each parameter one shell word, `--Key=value`: a value starting with `--` stays a value.
      assert.match(sh!.text, /^ensure aliyun ram CreateRole '--RoleName=DemoEcsOssReader'/m);
      assert.match(sh!.text, /^ensure aliyun ecs AttachInstanceRamRole '--RegionId=cn-hangzhou'/m);
      // Closing asks nothing: nothing to revert.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    },
  },
];
