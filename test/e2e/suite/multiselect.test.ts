// Multi-selection in the RAM and ECS trees: commands get (clicked row, selected rows) as
// VS Code passes them. One confirmation for the whole batch, each item on its own, a failure not
// stopping the rest, and a summary; commands that work on one row refuse or say so. The state is
// read back over the wire. Each test makes what it needs and removes it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { serviceTrustPolicy } from '../../../src/policy/builders';
import { callsDuring, failing, sandboxControl, waitFor, sandboxApi as api } from './helpers';
import type { HostTest } from './runner';

const HZ = 'cn-hangzhou';
const SH = 'cn-shanghai';
/** From src/sandbox/seed/demo.ts (DEMO). */
const CLASSIC = 'i-bp1sandboxclassic01';
const stamp = Date.now().toString(36);
const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
const DOC = JSON.stringify({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: ['oss:GetObject'], Resource: ['acs:oss:*:*:e2e-multi/*'] }],
});

type Provider = NonNullable<ReturnType<ExtensionApi['explorer']['providers']['get']>>;
async function labelOf(p: Provider, n: unknown): Promise<string> {
  const l = (await p.getTreeItem(n as never)).label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}
async function child(p: Provider, parent: unknown, label: string): Promise<object> {
  return waitFor(`node ${label}`, async () => {
    for (const n of await p.getChildren(parent as never)) {
      if ((await labelOf(p, n)) === label) {
        return n as object;
      }
    }
    return undefined;
  });
}

/** The ECS tree's rows for these instances, as the view shows them after a refresh. */
async function instanceRows(a: ExtensionApi, ids: string[]): Promise<object[]> {
  const ecs = a.explorer.providers.get('ecs')!;
  a.explorer.refresh('ecs');
  const rows = new Map<string, object>();
  for (const region of await ecs.getChildren()) {
    for (const n of await ecs.getChildren(region)) {
      const id = (n as { instance?: { instanceId: string } }).instance?.instanceId;
      if (id && ids.includes(id)) {
        rows.set(id, n);
      }
    }
  }
  return ids.map((id) => {
    const n = rows.get(id);
    assert.ok(n, `row of ${id}`);
    return n;
  });
}

async function newInstance(a: ExtensionApi, regionId: string, name: string): Promise<string> {
  const { cloud } = await a.services.cloud();
  const net =
    regionId === HZ
      ? { zoneId: 'cn-hangzhou-h', vSwitchId: 'vsw-bp1sandbox000001h', securityGroupId: 'sg-bp1sandbox00000001' }
      : { zoneId: 'cn-shanghai-e', vSwitchId: 'vsw-uf6sandbox000001e', securityGroupId: 'sg-uf6sandbox00000001' };
  const id = await cloud.ecs.runInstance({
    regionId,
    ...net,
    imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
    instanceType: 'ecs.g7.large',
    instanceName: name,
    password: 'Aa1!e2e-pass',
    internetMaxBandwidthOut: 0,
  });
  assert.ok(id);
  await waitFor(
    `${name} running`,
    async () => (await cloud.ecs.getInstance(regionId, id)).status === 'Running',
    20_000,
  );
  return id;
}

/** What was asked, without the notifications shown (the summary). */
const questions = (asked: string[]) => asked.filter((q) => !q.startsWith('notify:'));

export const multiSelectTests: HostTest[] = [
  {
    name: 'RAM: Detach on three selected policy rows asks once (naming all, the account and profile), detaches each, and a failed one does not stop the rest',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const role = `E2eMulti-${stamp}`;
      const policies = [1, 2, 3].map((n) => `E2eMulti${n}-${stamp}`);
      await cloud.ram.createRole(role, JSON.stringify(serviceTrustPolicy()));
      try {
        for (const p of policies) {
          await cloud.ram.createPolicy(p, DOC);
          await cloud.ram.attachPolicyToRole(role, p, 'Custom');
        }
        await cloud.ram.attachPolicyToRole(role, 'AliyunOSSReadOnlyAccess', 'System');
        const ram = a.explorer.providers.get('ram')!;
        a.explorer.refresh('ram');
        const roleNode = await child(ram, await child(ram, undefined, 'Roles'), role);
        const rows = await Promise.all(policies.map((p) => child(ram, roleNode, p)));

        // Cancelled: nothing is called.
        let p = a.useScriptedPrompter();
        p.enqueue(false);
        const none = await callsDuring(() => run('alibabaCloud.ram.detachPolicy', rows[1], rows));
        assert.deepEqual(
          none.filter((c) => c.action === 'DetachPolicyFromRole'),
          [],
        );

        // Someone detaches the middle one after the tree showed it: that item fails, the others go.
        await cloud.ram.detachPolicyFromRole(role, policies[1], 'Custom');
        p = a.useScriptedPrompter();
        p.enqueue(true);
        let results: Array<{ name: string; ok: boolean; error?: string }> = [];
        const calls = await callsDuring(async () => {
          results = (await run('alibabaCloud.ram.detachPolicy', rows[1], rows)) ?? [];
        });
        const { accountId } = await cloud.knownIdentity();
        assert.deepEqual(questions(p.asked), [
          `confirm:Detach 3 policies from role ${role} in account ${accountId} (profile Sandbox)?`,
        ]);
        for (const name of policies) {
          assert.ok(p.details[0].includes(`• ${name} (Custom)`), p.details[0]);
        }
        assert.equal(calls.filter((c) => c.action === 'DetachPolicyFromRole').length, 3);
        // The clicked row first, then the rest of the selection in order.
        assert.deepEqual(
          results.map((r) => [r.name, r.ok]),
          [
            [policies[1], false],
            [policies[0], true],
            [policies[2], true],
          ],
        );
        assert.match(results[0].error ?? '', /EntityNotExist/);
        const summary = await waitFor('the summary', () => p.notifications.at(-1));
        assert.ok(
          summary.includes(`${policies[0]}, ${policies[2]}`) && summary.includes(`1 failed: ${policies[1]}`),
          summary,
        );
        const left = (await cloud.ram.listPoliciesForRole(role)).map((x) => x.policyName);
        assert.deepEqual(left, ['AliyunOSSReadOnlyAccess']);
      } finally {
        await run('notifications.clearAll');
        for (const p of policies) {
          await cloud.ram.detachPolicyFromRole(role, p, 'Custom').catch(() => undefined);
          await cloud.ram.deletePolicy(p).catch(() => undefined);
        }
        await cloud.ram.detachPolicyFromRole(role, 'AliyunOSSReadOnlyAccess', 'System').catch(() => undefined);
        await cloud.ram.deleteRole(role).catch(() => undefined);
      }
    },
  },
  {
    name: 'ECS: Attach Role on four selected instances: one role pick, one question (replace or skip), classic skipped, a failed one does not stop the rest; Detach on several likewise',
    timeoutMs: 120_000,
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const role = `E2eMultiRole-${stamp}`;
      const other = `E2eMultiOther-${stamp}`;
      await cloud.ram.createRole(role, JSON.stringify(serviceTrustPolicy()));
      await cloud.ram.createRole(other, JSON.stringify(serviceTrustPolicy()));
      const first = await newInstance(a, HZ, `e2e-multi-a-${stamp}`);
      const failing = await newInstance(a, SH, `e2e-multi-b-${stamp}`);
      const replaced = await newInstance(a, HZ, `e2e-multi-c-${stamp}`);
      try {
        await waitFor(
          'the other role reaches ECS',
          () =>
            cloud.ecs.attachRole(HZ, replaced, other).then(
              () => true,
              () => false,
            ),
          20_000,
        );
        const rows = await instanceRows(a, [first, failing, replaced, CLASSIC]);
        // The fault counts requests: no attach may be refused for a role that has not reached ECS yet.
        await sandboxControl('realism', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ propagationMs: 0 }),
        });
        // ECS answers 500 to the second attach (and the client's retries of it); the third goes through.
        const fault = await sandboxControl('faults', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            service: 'ecs',
            action: 'AttachInstanceRamRole',
            kind: 'error5xx',
            status: 500,
            after: 1,
            count: 3,
          }),
        });
        assert.equal(fault.status, 200);
        const p = a.useScriptedPrompter();
        p.enqueue(role, 'Attach and Replace');
        let results: Array<{ name: string; ok: boolean; error?: string; skipped?: string }> = [];
        try {
          results = (await run('alibabaCloud.ecs.attachRole', rows[0], rows)) ?? [];
        } finally {
          await sandboxControl('faults', { method: 'DELETE' });
        }
        assert.deepEqual(
          questions(p.asked).map((q) => q.split(':')[0]),
          ['pick', 'choose'],
        );
        assert.equal(p.asked[1], `choose:Attach role ${role} to 3 instances?`);
        assert.ok(p.details[0].includes(`e2e-multi-c-${stamp} (${replaced}): replaces ${other}`), p.details[0]);
        assert.ok(
          p.details[0].includes(CLASSIC) && p.details[0].includes('RAM roles need a VPC instance'),
          p.details[0],
        );
        const byId = (id: string) => results.find((r) => r.name.includes(id));
        assert.equal(byId(first)?.ok, true);
        assert.equal(byId(failing)?.ok, false);
        assert.ok(byId(failing)?.error, 'the failure is named');
        assert.equal(byId(replaced)?.ok, true);
        assert.match(byId(CLASSIC)?.skipped ?? '', /VPC/);
        const roles = new Map([
          ...(await cloud.ecs.describeInstanceRoles(HZ, [first, replaced])),
          ...(await cloud.ecs.describeInstanceRoles(SH, [failing])),
        ]);
        assert.equal(roles.get(first), role);
        assert.equal(roles.get(replaced), role);
        assert.equal(roles.get(failing), undefined);
        const summary = await waitFor('the summary', () => p.notifications.at(-1));
        assert.ok(summary.includes('1 failed') && summary.includes(failing) && summary.includes('1 skipped'), summary);

        // Detach on the same selection: one confirmation listing who loses what, the one without a role and the classic one left alone.
        const again = await instanceRows(a, [first, failing, replaced, CLASSIC]);
        const q = a.useScriptedPrompter();
        q.enqueue(true);
        const detached =
          (await run<Array<{ name: string; ok: boolean; skipped?: string }>>(
            'alibabaCloud.ecs.detachRole',
            again[2],
            again,
          )) ?? [];
        assert.match(
          q.asked[0],
          /^confirm:Detach the RAM roles from 2 instances in account \d+ \(profile Sandbox\)\?$/,
        );
        assert.ok(
          q.details[0].includes(`(${first}): loses ${role}`) && q.details[0].includes(`(${replaced}): loses ${role}`),
          q.details[0],
        );
        assert.deepEqual(detached.filter((r) => r.ok).length, 2);
        assert.deepEqual(detached.filter((r) => r.skipped).length, 2);
        const after = await cloud.ecs.describeInstanceRoles(HZ, [first, replaced]);
        assert.equal(after.size, 0);
      } finally {
        await run('notifications.clearAll');
        for (const [r, id] of [
          [HZ, first],
          [SH, failing],
          [HZ, replaced],
        ] as const) {
          await cloud.ecs.deleteInstance(r, id, true).catch(() => undefined);
        }
        await cloud.ram.deleteRole(role).catch(() => undefined);
        await cloud.ram.deleteRole(other).catch(() => undefined);
      }
    },
  },
  {
    name: 'On a multi-selection, Delete Role and Release Instance refuse before asking anything; Copy Instance ID copies every selected id; Instance Properties says it shows the clicked one',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const ram = a.explorer.providers.get('ram')!;
      a.explorer.refresh('ram');
      const roles = await child(ram, undefined, 'Roles');
      const two = (await ram.getChildren(roles as never)).slice(0, 2);
      const p = a.useScriptedPrompter();
      let message = '';
      const calls = await callsDuring(async () => {
        message = await failing(a, 'alibabaCloud.ram.deleteRole', two[0], two);
      });
      assert.match(message, /Delete RAM Role works on one row at a time, and 2 are selected; nothing was changed/);
      assert.deepEqual(p.asked, []);
      assert.deepEqual(
        calls.filter((c) => /^(Delete|Detach)/.test(c.action)),
        [],
      );

      const rows = await instanceRows(a, ['i-bp1sandboxvpc000001', 'i-bp1sandboxvpc000002']);
      assert.match(
        await failing(a, 'alibabaCloud.ecs.releaseInstance', rows[1], rows),
        /Release ECS Instance works on one row at a time, and 2 are selected/,
      );
      assert.deepEqual(p.asked, []);

      assert.equal(
        await run('alibabaCloud.ecs.copyInstanceId', rows[0], rows),
        'i-bp1sandboxvpc000001\ni-bp1sandboxvpc000002',
      );
      assert.equal(await vscode.env.clipboard.readText(), 'i-bp1sandboxvpc000001\ni-bp1sandboxvpc000002');
      // Not in the selection: the clicked row alone, as VS Code passes a right-click outside it.
      assert.equal(await run('alibabaCloud.ecs.copyInstanceId', rows[0], [rows[1]]), 'i-bp1sandboxvpc000001');

      const props = await run<{ text: string }>('alibabaCloud.ecs.instanceProperties', rows[1], rows);
      assert.match(props.text, /i-bp1sandboxvpc000002/);
      await run('workbench.action.closeAllEditors');
      await run('notifications.clearAll');
    },
  },
];
