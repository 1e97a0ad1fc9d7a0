// Rough edges in the real extension host: generated documents are read-only (closing
// them never asks to save), multi-step flows go back and report name clashes where the name was
// typed, instance pickers explain what cannot be chosen, powerful policies on an instance role warn.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { BACK } from '../../../src/ui/wizard/back';
import { ourExtension } from './helpers';
import type { HostTest } from './runner';

const run = Date.now().toString(36);
let api: ExtensionApi;

async function ready(): Promise<ExtensionApi> {
  api ??= (await ourExtension().activate()) as ExtensionApi;
  if (api.services.profiles.active()?.id !== 'sandbox:Sandbox') {
    await api.services.profiles.select('sandbox:Sandbox');
  }
  return api;
}

/** A generated document: on the read-only scheme, never untitled, never dirty (so closing never asks to save). */
export function assertReadOnly(doc: vscode.TextDocument | undefined, what: string): void {
  assert.ok(doc, `${what}: no document`);
  assert.equal(doc.uri.scheme, 'alibabacloud-properties', `${what}: ${doc.uri.toString()}`);
  assert.equal(doc.isUntitled, false, `${what} is untitled`);
  assert.equal(doc.isDirty, false, `${what} is dirty`);
  assert.deepEqual(
    vscode.workspace.textDocuments.filter((d) => d.isUntitled).map((d) => d.uri.toString()),
    [],
    'an untitled document is open',
  );
}

async function closeAll(): Promise<void> {
  // No revert: a document that would ask to be saved fails the assertions above first.
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export const polishTests: HostTest[] = [
  {
    name: 'PassRole: the policy it will create is shown read-only beside the editor, leaving no empty editor group',
    timeoutMs: 60_000,
    async run() {
      const a = await ready();
      await closeAll(); // nothing open: "beside" must not make a second group next to an empty one
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
      const groups = vscode.window.tabGroups.all.map((g) => g.tabs.map((t) => t.label));
      assert.deepEqual(
        groups.filter((tabs) => tabs.length === 0),
        [],
        `an empty editor group: ${JSON.stringify(groups)}`,
      );
      await closeAll();
    },
  },
  {
    name: 'Attach RAM Role with a role that has no policies says so and offers Attach Policy',
    timeoutMs: 60_000,
    async run() {
      const a = await ready();
      const { cloud } = await a.services.cloud();
      const roleName = `E2eNoPolicies-${run}`;
      const trust = JSON.stringify({
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['ecs.aliyuncs.com'] } }],
      });
      await cloud.ram.createRole(roleName, trust);
      const instanceId = DEMO.vpcInstanceId; // no role in the seed
      const before = (await cloud.ecs.describeInstanceRoles('cn-hangzhou', [instanceId])).get(instanceId);
      try {
        const p = a.useScriptedPrompter();
        if (before) {
          p.enqueue('Replace'); // an earlier suite left a role there
        }
        const out = await vscode.commands.executeCommand<{ changed: boolean; rolePolicies?: number }>(
          'alibabaCloud.ecs.attachRole',
          { regionId: 'cn-hangzhou', instanceId, roleName },
        );
        assert.equal(out?.changed, true);
        assert.equal(out?.rolePolicies, 0, 'the empty role is noticed');
      } finally {
        await cloud.ecs.detachRole('cn-hangzhou', instanceId, roleName).catch(() => undefined);
        await cloud.ram.deleteRole(roleName).catch(() => undefined);
        if (before) {
          await cloud.ecs.attachRole('cn-hangzhou', instanceId, before).catch(() => undefined);
        }
        await vscode.commands.executeCommand('notifications.clearAll');
      }
    },
  },
  {
    name: "ECS region rows show the console's region name next to the id",
    async run() {
      const a = await ready();
      const provider = a.explorer.providers.get('ecs')!;
      const rows = await Promise.all((await provider.getChildren()).map((n) => provider.getTreeItem(n)));
      const hz = rows.find((r) => r.label === 'cn-hangzhou');
      assert.ok(hz, `a cn-hangzhou row among ${rows.map((r) => String(r.label)).join(', ')}`);
      assert.equal(hz.description, 'China (Hangzhou)');
    },
  },
  {
    name: 'Set Up Instance Role: Back returns to the previous question with the answers kept; counters do not jump; a taken role name is reported at the name',
    timeoutMs: 60_000,
    async run() {
      const a = await ready();
      const { cloud } = await a.services.cloud();
      const role = `E2eBack-${run}`;
      const p = a.useScriptedPrompter();
      p.enqueue(
        'Create a new role…',
        `${role}-first`, // 1/3 and its sub-step
        BACK, // at the policy question: back to the role name
        DEMO.seededRole, // exists: reported at this step, asked again
        role,
        'OSS read-only (all buckets)',
        `OssReadOnly-${run}`,
        undefined, // dismiss the instance question
      );
      const out = await vscode.commands.executeCommand('alibabaCloud.setupInstanceRole');
      assert.equal(out, undefined);
      const t = 'Set Up Instance Role';
      assert.deepEqual(p.titles, [
        `${t} (1/3)`,
        `${t} (1/3) · New role`,
        `${t} (2/3)`,
        `${t} (1/3) · New role`,
        `${t} (1/3) · New role`,
        `${t} (2/3)`,
        `${t} (2/3) · Policy`,
        `${t} (3/3)`,
      ]);
      assert.deepEqual(p.backOffered, [false, true, true, true, true, true, true, true]);
      // The role name asked after Back starts from the name typed before it.
      assert.match(p.inputPrompts[2], new RegExp(`Role ${DEMO.seededRole} already exists`));
      assert.doesNotMatch(p.inputPrompts[3], /already exists/);
      // Flagged while typing (a warning under the box), before Enter asked RAM.
      assert.deepEqual(p.inputWarnings, [`Role ${DEMO.seededRole} already exists.`]);
      await assert.rejects(cloud.ram.getRole(role), 'nothing was created');
    },
  },
  {
    name: 'Create ECS Role and Create Policy flag a taken name while typing, report it at the name step and ask again',
    timeoutMs: 60_000,
    async run() {
      const a = await ready();
      const { cloud } = await a.services.cloud();
      const role = `E2eFresh-${run}`;
      const p = a.useScriptedPrompter();
      p.enqueue(DEMO.seededRole, role, 'e2e');
      await vscode.commands.executeCommand('alibabaCloud.ram.createEcsRole');
      assert.deepEqual(p.titles, ['Create ECS Role (1/2)', 'Create ECS Role (1/2)', 'Create ECS Role (2/2)']);
      assert.match(p.inputPrompts[1], /already exists/);
      assert.deepEqual(p.inputWarnings, [`Role ${DEMO.seededRole} already exists.`], 'flagged while typing');
      assert.equal((await cloud.ram.getRole(role)).roleName, role);

      const taken = `E2eTaken-${run}`;
      await cloud.ram.createPolicy(
        taken,
        JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' }] }),
      );
      try {
        const q = a.useScriptedPrompter();
        q.enqueue('OSS read-only (all buckets)', taken, `${taken}-2`, BACK, `${taken}-3`, undefined);
        assert.equal(await vscode.commands.executeCommand('alibabaCloud.ram.createPolicy'), undefined);
        assert.deepEqual(q.titles, [
          'Create Policy (1/3)',
          'Create Policy (2/3)',
          'Create Policy (2/3)',
          'Create Policy (3/3)',
          'Create Policy (2/3)',
          'Create Policy (3/3)',
        ]);
        assert.match(q.inputPrompts[1], new RegExp(`A custom policy named ${taken} already exists`));
        assert.deepEqual(q.inputWarnings, [`A custom policy named ${taken} already exists.`], 'flagged while typing');
        await assert.rejects(cloud.ram.getPolicy(`${taken}-3`, 'Custom'));
      } finally {
        await cloud.ram.deletePolicy(taken);
        await cloud.ram.deleteRole(role);
      }
    },
  },
  {
    name: 'Attach and Detach RAM Role pickers show role and network, and explain (then ask again) what cannot be chosen',
    timeoutMs: 60_000,
    async run() {
      const a = await ready();
      const p = a.useScriptedPrompter();
      p.enqueue('legacy-classic-1', undefined);
      assert.equal(await vscode.commands.executeCommand('alibabaCloud.ecs.attachRole'), undefined);
      assert.equal(p.asked.length, 2, 'the classic instance was explained and the instance asked again');
      assert.equal(p.asked[0], p.asked[1]);
      const attachItems = p.offered[0];
      const worker = attachItems.find((i) => i.label.endsWith('demo-worker-1'));
      assert.match(worker?.detail ?? '', new RegExp(`role: ${DEMO.seededRole} · VPC`));
      const sep = attachItems.findIndex((i) => i.kind === vscode.QuickPickItemKind.Separator);
      const classic = attachItems.findIndex((i) => i.label.endsWith('legacy-classic-1'));
      assert.ok(sep > 0 && classic > sep, 'the classic instance is listed after the Unavailable separator');
      assert.match(attachItems[classic].detail ?? '', /classic network · RAM roles need a VPC instance/);

      const q = a.useScriptedPrompter();
      q.enqueue('legacy-classic-1', 'demo-worker-1', false);
      assert.equal(await vscode.commands.executeCommand('alibabaCloud.ecs.detachRole'), false);
      assert.equal(q.asked.at(-1), `confirm:Detach role ${DEMO.seededRole} from demo-worker-1?`);
      const items = q.offered[0];
      const cut = items.findIndex((i) => i.kind === vscode.QuickPickItemKind.Separator);
      // Without a role there is nothing to detach: every such VPC instance is below the separator.
      items.forEach((i, k) => {
        if (/no role · VPC/.test(i.detail ?? '')) {
          assert.ok(k > cut, `${i.label} is offered`);
          assert.match(i.detail!, /no role to detach/);
        }
      });
    },
  },
  {
    name: 'Attach Policy marks the policies the role already has',
    timeoutMs: 60_000,
    async run() {
      const a = await ready();
      const { cloud } = await a.services.cloud();
      const on = (await cloud.ram.listPoliciesForRole(DEMO.seededRole)).map((x) => x.policyName).sort();
      assert.ok(on.length > 0, 'the seeded role has a policy');
      const p = a.useScriptedPrompter();
      p.enqueue(undefined); // dismiss the policy question
      await vscode.commands.executeCommand('alibabaCloud.ram.attachPolicy', { roleName: DEMO.seededRole });
      const items = p.offered[0] ?? [];
      const marked = items
        .filter((i) => /already attached/.test(i.description ?? ''))
        .map((i) => i.label)
        .sort();
      assert.deepEqual(marked, on);
      assert.ok(items.length > marked.length, 'the others are offered unmarked');
    },
  },
  {
    name: 'attaching AdministratorAccess or RAM full access to an instance role warns what the instance could do; Cancel attaches nothing',
    timeoutMs: 60_000,
    async run() {
      const a = await ready();
      const { cloud } = await a.services.cloud();
      const p = a.useScriptedPrompter();
      p.enqueue(false, false);
      assert.equal(
        await vscode.commands.executeCommand('alibabaCloud.ram.attachPolicy', {
          roleName: DEMO.seededRole,
          policyName: 'AdministratorAccess',
          policyType: 'System',
        }),
        undefined,
      );
      assert.equal(
        p.asked[0],
        `confirm:Give ECS instances with role ${DEMO.seededRole} the powers of AdministratorAccess?`,
      );
      assert.match(p.details[0], /every action on every resource/);
      assert.match(p.details[0], /create users and AccessKeys/);
      assert.equal(
        await vscode.commands.executeCommand('alibabaCloud.ram.attachPolicyToRole', {
          roleName: DEMO.seededRole,
          policyName: 'AliyunRAMFullAccess',
          policyType: 'System',
        }),
        undefined,
      );
      assert.match(p.details[1], /allows managing RAM/);
      assert.equal(p.asked.length, 2, 'one modal each: the warning replaces the general confirmation');
      const attached = (await cloud.ram.listPoliciesForRole(DEMO.seededRole)).map((x) => x.policyName);
      assert.ok(
        !attached.includes('AdministratorAccess') && !attached.includes('AliyunRAMFullAccess'),
        attached.join(', '),
      );
    },
  },
  {
    name: 'the set-up wizard\'s "Use an existing policy…" warns about AdministratorAccess as Attach does; Cancel creates and attaches nothing',
    timeoutMs: 60_000,
    async run() {
      const a = await ready();
      const { cloud } = await a.services.cloud();
      const p = a.useScriptedPrompter();
      p.enqueue('Use an existing policy…', 'AdministratorAccess', 'demo-web-1', false);
      const before = (await cloud.ram.listPoliciesForRole(DEMO.seededRole)).map((x) => x.policyName);
      assert.equal(
        await vscode.commands.executeCommand('alibabaCloud.setupInstanceRole', { roleName: DEMO.seededRole }),
        undefined,
      );
      assert.equal(
        p.asked.at(-1),
        `confirm:Give ECS instances with role ${DEMO.seededRole} the powers of AdministratorAccess?`,
      );
      assert.match(p.details[0], /every action on every resource/);
      assert.equal(p.pending, 0);
      assert.deepEqual(
        (await cloud.ram.listPoliciesForRole(DEMO.seededRole)).map((x) => x.policyName),
        before,
      );
      assert.equal(
        (await cloud.ecs.describeInstanceRoles('cn-hangzhou', [DEMO.vpcInstanceId])).get(DEMO.vpcInstanceId),
        undefined,
      );
    },
  },
];
