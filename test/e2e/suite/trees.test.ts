// The RAM and ECS trees beyond listing: who uses a role, filtering instances, and acting on several
// selected nodes at once. Each test makes what it needs and removes it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { serviceTrustPolicy } from '../../../src/policy/builders';
import { callsDuring, waitFor, sandboxApi as api } from './helpers';
import type { HostTest } from './runner';

const HZ = 'cn-hangzhou';
const SH = 'cn-shanghai';
const stamp = Date.now().toString(36);
const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

/** A new running VPC instance (seeded network of that region). */
async function newInstance(
  a: ExtensionApi,
  regionId: string,
  name: string,
  tags?: Array<{ key: string; value: string }>,
): Promise<string> {
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
    tags,
  });
  assert.ok(id);
  await waitFor(
    `${name} running`,
    async () => (await cloud.ecs.getInstance(regionId, id)).status === 'Running',
    20_000,
  );
  return id;
}

type Provider = NonNullable<ReturnType<ExtensionApi['explorer']['providers']['get']>>;
async function labelOf(p: Provider, n: unknown): Promise<string> {
  const l = (await p.getTreeItem(n as never)).label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}
async function child(p: Provider, parent: unknown, label: string | RegExp): Promise<unknown> {
  return waitFor(`node ${label}`, async () => {
    for (const n of await p.getChildren(parent as never)) {
      const l = await labelOf(p, n);
      if (typeof label === 'string' ? l === label : label.test(l)) {
        return n as object;
      }
    }
    return undefined;
  });
}

export const treesTests: HostTest[] = [
  {
    name: 'RAM: "Instances" under a role lists the instances that hold it in every region (DescribeInstanceRamRole by RamRoleName)',
    timeoutMs: 90_000,
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const role = `E2eRoleUsers-${stamp}`;
      await cloud.ram.createRole(role, JSON.stringify(serviceTrustPolicy()));
      const hz = await newInstance(a, HZ, `e2e-users-hz-${stamp}`);
      const sh = await newInstance(a, SH, `e2e-users-sh-${stamp}`);
      try {
        const ram = a.explorer.providers.get('ram')!;
        a.explorer.refresh('ram');
        const roles = await child(ram, undefined, 'Roles');
        let node = await child(ram, roles, role);
        let instances = await child(ram, node, 'Instances');
        assert.deepEqual(await Promise.all((await ram.getChildren(instances as never)).map((n) => labelOf(ram, n))), [
          'No instance has this role',
        ]);

        await cloud.ecs.attachRole(HZ, hz, role);
        await cloud.ecs.attachRole(SH, sh, role);
        a.explorer.refresh('ram');
        node = await child(ram, await child(ram, undefined, 'Roles'), role);
        instances = await child(ram, node, 'Instances');
        const calls = await callsDuring(async () => {
          await ram.getChildren(instances as never);
        });
        const rows = await Promise.all(
          (await ram.getChildren(instances as never)).map(async (n) => {
            const item = await ram.getTreeItem(n as never);
            return `${await labelOf(ram, n)} [${String(item.description)}] ${String(item.contextValue)}`;
          }),
        );
        assert.deepEqual(rows.sort(), [
          `e2e-users-hz-${stamp} [${hz} · ${HZ} · Running] instance vpc hasRole running`,
          `e2e-users-sh-${stamp} [${sh} · ${SH} · Running] instance vpc hasRole running`,
        ]);
        const byRole = calls.filter((c) => c.action === 'DescribeInstanceRamRole');
        const regions = (await cloud.ecs.describeRegions()).length;
        assert.equal(
          byRole.length,
          regions,
          `one DescribeInstanceRamRole per region (${regions}): ${calls.map((c) => c.action).join(' ')}`,
        );
        // Instance Properties works from this node: the ECS view's commands take it.
        const props = await run<{ text: string }>(
          'alibabaCloud.ecs.instanceProperties',
          (await ram.getChildren(instances as never))[0],
        );
        assert.match(props.text, new RegExp(`${hz}|${sh}`));
      } finally {
        await run('workbench.action.closeAllEditors');
        for (const [r, id] of [
          [HZ, hz],
          [SH, sh],
        ] as const) {
          await cloud.ecs.deleteInstance(r, id, true).catch(() => undefined);
        }
        await cloud.ram.deleteRole(role).catch(() => undefined);
      }
    },
  },
  {
    name: "ECS: Filter Instances by tag, status, name or id shows only those, says so in the view's description; Clear Filter shows all",
    timeoutMs: 90_000,
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const name = `e2e-filter-${stamp}`;
      const id = await newInstance(a, HZ, name, [{ key: 'env', value: `e2e-${stamp}` }]);
      const ecs = a.explorer.providers.get('ecs')!;
      const view = a.explorer.views.get('ecs')!;
      /** Instance rows of every shown region: "name status". */
      const shown = async () => {
        const out: string[] = [];
        for (const region of await ecs.getChildren()) {
          for (const n of await ecs.getChildren(region)) {
            const item = await ecs.getTreeItem(n);
            if (String(item.contextValue).startsWith('instance')) {
              out.push(`${await labelOf(ecs, n)} ${String(item.description).split(' · ')[1]}`);
            }
          }
        }
        return out.sort();
      };
      try {
        assert.equal(await run('alibabaCloud.ecs.filter', { filter: `tag:env=e2e-${stamp}` }), `tag:env=e2e-${stamp}`);
        assert.equal(view.description, `filter: tag:env=e2e-${stamp}`);
        assert.deepEqual(
          await waitFor('only the tagged instance', async () => {
            const r = await shown();
            return r.length === 1 ? r : undefined;
          }),
          [`${name} Running`],
        );
        const regions = await ecs.getChildren();
        const sh = regions.find((r) => (r as { regionId?: string }).regionId === SH);
        if (sh) {
          assert.match(
            await labelOf(ecs, (await ecs.getChildren(sh))[0]),
            /^No instances in cn-shanghai match "tag:env=/,
          );
        }

        await run('alibabaCloud.ecs.filter', { filter: 'status:stopped' });
        const stopped = await shown();
        assert.ok(stopped.length >= 1 && stopped.every((r) => r.endsWith(' Stopped')), stopped.join(', '));

        // Plain terms: part of the id, and every term must match.
        await run('alibabaCloud.ecs.filter', { filter: id.slice(-8) });
        assert.deepEqual(await shown(), [`${name} Running`]);
        await run('alibabaCloud.ecs.filter', { filter: `${name} status:stopped` });
        assert.deepEqual(await shown(), []);

        await run('alibabaCloud.ecs.clearFilter');
        assert.equal(view.description, undefined);
        const all = await shown();
        assert.ok(all.includes(`${name} Running`) && all.some((r) => r.startsWith('demo-web-1 ')), all.join(', '));
      } finally {
        await run('alibabaCloud.ecs.clearFilter');
        await cloud.ecs.deleteInstance(HZ, id, true).catch(() => undefined);
      }
    },
  },
];
