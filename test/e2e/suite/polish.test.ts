// Rough edges of issue 19 in the real extension host: generated documents are read-only (closing
// them never asks to save), multi-step flows go back and report name clashes where the name was
// typed, instance pickers explain what cannot be chosen, powerful policies on an instance role warn.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { DEMO } from '../../../src/sandbox/seed';
import { showConnectGuide } from '../../../src/ui/wizardConnectGuide';
import { ourExtension } from './helpers';
import type { HostTest } from './runner';

const run = Date.now().toString(36);
let api: ExtensionApi;

async function ready(): Promise<ExtensionApi> {
  api ??= await ourExtension().activate() as ExtensionApi;
  if (api.services.profiles.active()?.id !== 'sandbox:Sandbox') { await api.services.profiles.select('sandbox:Sandbox'); }
  return api;
}

/** A generated document: on the read-only scheme, never untitled, never dirty (so closing never asks to save). */
export function assertReadOnly(doc: vscode.TextDocument | undefined, what: string): void {
  assert.ok(doc, `${what}: no document`);
  assert.equal(doc.uri.scheme, 'alibabacloud-properties', `${what}: ${doc.uri.toString()}`);
  assert.equal(doc.isUntitled, false, `${what} is untitled`);
  assert.equal(doc.isDirty, false, `${what} is dirty`);
  assert.deepEqual(vscode.workspace.textDocuments.filter((d) => d.isUntitled).map((d) => d.uri.toString()), [], 'an untitled document is open');
}

async function closeAll(): Promise<void> {
  // No revert: a document that would ask to be saved fails the assertions above first.
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export const polishTests: HostTest[] = [
  {
    name: 'PassRole: the policy it will create is shown read-only beside the editor',
    timeoutMs: 60_000,
    async run() {
      const a = await ready();
      const { cloud } = await a.services.cloud();
      const policyName = `E2ePassRole-${run}`;
      const p = a.useScriptedPrompter();
      p.enqueue(DEMO.seededRole, policyName, 'Attach only', DEMO.subUser, false);
      const out = await vscode.commands.executeCommand('alibabaCloud.ram.createPassRolePolicy');
      assert.equal(out, undefined, 'declined at the confirmation');
      const preview = vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith(`/${policyName}.json`));
      assertReadOnly(preview, 'the PassRole preview');
      assert.equal(preview!.languageId, 'json');
      assert.match(preview!.getText(), /"ram:PassRole"/);
      await assert.rejects(cloud.ram.getPolicy(policyName, 'Custom'), 'nothing was created');
      await closeAll();
    },
  },
  {
    name: 'How to Connect opens a read-only guide (a markdown preview over a virtual document)',
    async run() {
      await ready();
      await showConnectGuide({ instanceId: DEMO.vpcInstanceId2, roleName: DEMO.seededRole, regionId: 'cn-hangzhou', privateIp: '172.16.2.20' });
      const guide = vscode.workspace.textDocuments.find((d) => d.uri.path === `/connect/${DEMO.vpcInstanceId2}.md`);
      assertReadOnly(guide, 'the connect guide');
      assert.match(guide!.getText(), /security-credentials\/DemoEcsOssReader/);
      await closeAll();
    },
  },
];
