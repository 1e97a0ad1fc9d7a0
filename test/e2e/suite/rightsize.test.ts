// Right-sizing in the real extension host, on AppServerRole (the e2e sandbox runs `--seed activity`):
// Show Activity reads 3 windows; Propose offers the refused calls unchecked and a proven draft;
// Apply (confirmed) leaves the role with only that draft, after which Check Access allows an
// observed call and denies an unobserved one. The role's policies are put back afterwards, so the
// UI run after this suite finds the seeded role as it was.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { ourExtension, sandboxInfo } from './helpers';
import type { HostTest } from './runner';

// From src/sandbox/seed/activity.ts (ACTIVITY).
const ROLE = 'AppServerRole';
const SYSTEM_POLICIES = ['AliyunECSFullAccess', 'AliyunOSSFullAccess', 'AliyunRAMReadOnlyAccess'];

async function api(): Promise<ExtensionApi> {
  const a = (await ourExtension().activate()) as ExtensionApi;
  if (a.services.profiles.active()?.source !== 'sandbox') {
    await a.services.profiles.select('sandbox:Sandbox');
  }
  return a;
}

export const rightsizeTests: HostTest[] = [
  {
    name: 'right-size AppServerRole: activity in 3 windows, a proven draft, applied, then Check Access allows what was used and denies the rest',
    timeoutMs: 90_000,
    async run() {
      const a = await api();
      const prompts = a.useScriptedPrompter();
      const activity = await vscode.commands.executeCommand<{
        complete: boolean;
        text: string;
        report: { events: number; unmapped: Array<{ eventName: string }> };
      }>('alibabaCloud.ram.showActivity', { roleName: ROLE });
      assert.ok(activity?.complete);
      assert.ok(activity.report.events >= 500, `${activity.report.events} events`);
      assert.match(activity.text, /events over 3 of 3 30-day windows/);
      assert.deepEqual(
        activity.report.unmapped.map((u) => u.eventName),
        ['ConsoleSignin'],
      );

      // None of the refused calls is checked; accepting none adds none.
      prompts.enqueue([]);
      const proposal = await vscode.commands.executeCommand<{
        uri: string;
        policyName: string;
        proof: { checked: number; allowed: number };
        draft: { Statement: Array<{ Action: string[]; Resource: string | string[] }> };
        objectSources: Array<{ bucket: string; used: boolean; attributed: number; unattributed: number }>;
      }>('alibabaCloud.ram.proposeLeastPrivilege', { roleName: ROLE });
      const offered = prompts.offered.at(-1) ?? [];
      assert.deepEqual(offered.map((i) => i.label).sort(), [
        'kms:Decrypt',
        'ram:AttachPolicyToRole',
        'ram:CreatePolicy',
      ]);
      assert.ok(offered.every((i) => !i.picked));
      assert.ok(proposal!.proof.checked >= 500);
      assert.equal(proposal.proof.allowed, proposal.proof.checked);
      const actions = proposal.draft.Statement.flatMap((s) => s.Action);
      assert.ok(!actions.some((x) => /:\*$|^kms:/.test(x)), actions.join());
      // demo-data's access log dump narrows GetObject there to the prefixes the role read.
      const logged = proposal.objectSources.find((o) => o.bucket === 'demo-data');
      assert.ok(logged?.used && logged.attributed > 0, JSON.stringify(proposal.objectSources));
      const getObject = proposal.draft.Statement.find((s) => s.Action.includes('oss:GetObject'));
      const resources = ([] as string[]).concat(getObject?.Resource ?? []);
      assert.ok(resources.includes(`acs:oss:*:${sandboxInfo().accountId}:demo-data/reports/2026/*`), resources.join());
      assert.ok(!resources.includes(`acs:oss:*:${sandboxInfo().accountId}:demo-data/*`), resources.join());

      const { cloud } = await a.services.cloud();
      prompts.enqueue(true);
      const applied = await vscode.commands.executeCommand<{ policyName: string; detached: string[]; account: string }>(
        'alibabaCloud.ram.applyLeastPrivilege',
        { roleName: ROLE, uri: proposal.uri },
      );
      try {
        assert.equal(applied?.account, sandboxInfo().accountId);
        assert.deepEqual([...applied.detached].sort(), SYSTEM_POLICIES);
        assert.ok(prompts.details.at(-1)?.includes('Detaches from role AppServerRole'));
        assert.deepEqual(
          (await cloud.ram.listPoliciesForRole(ROLE)).map((p) => p.policyName),
          [proposal.policyName],
        );
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        const object = `acs:oss:*:${sandboxInfo().accountId}:demo-data/reports/2026/03/r7.csv`;
        const allowed = await vscode.commands.executeCommand<{ effect: string; policyName: string }>(
          'alibabaCloud.ram.checkAccess',
          { roleName: ROLE, action: 'oss:GetObject', resource: object },
        );
        assert.equal(allowed?.effect, 'Allow');
        assert.equal(allowed.policyName, proposal.policyName);
        prompts.enqueue('Dismiss');
        const denied = await vscode.commands.executeCommand<{ effect: string }>('alibabaCloud.ram.checkAccess', {
          roleName: ROLE,
          action: 'oss:DeleteObject',
          resource: object,
        });
        assert.equal(denied?.effect, 'ImplicitDeny');
        // Same action, same bucket, outside the observed prefixes: refused.
        prompts.enqueue('Dismiss');
        const outside = await vscode.commands.executeCommand<{ effect: string }>('alibabaCloud.ram.checkAccess', {
          roleName: ROLE,
          action: 'oss:GetObject',
          resource: `acs:oss:*:${sandboxInfo().accountId}:demo-data/private/keys.csv`,
        });
        assert.equal(outside?.effect, 'ImplicitDeny');
      } finally {
        // Back as seeded: the system policies on, the least-privilege policy off and gone.
        for (const p of SYSTEM_POLICIES) {
          await cloud.ram.attachPolicyToRole(ROLE, p, 'System').catch(() => undefined);
        }
        await cloud.ram.detachPolicyFromRole(ROLE, proposal.policyName, 'Custom').catch(() => undefined);
        await cloud.ram.deletePolicy(proposal.policyName).catch(() => undefined);
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      }
    },
  },
  {
    name: 'Turn On Access Log Dump names its cost, account and profile, dumps to the chosen bucket, and turns off again',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const prompts = a.useScriptedPrompter();
      const { cloud } = await a.services.cloud();
      // The Shanghai bucket the role used has no dump; its log bucket must be in Shanghai too.
      const source = 'demo-shanghai-logs';
      const target = 'e2e-shanghai-access-logs';
      await cloud.oss.createBucket(target, 'cn-shanghai');
      try {
        prompts.enqueue(true);
        const on = await vscode.commands.executeCommand<{ changed: boolean; account: string }>(
          'alibabaCloud.oss.turnOnAccessLogDump',
          { bucket: source, region: 'cn-shanghai', targetBucket: target, targetPrefix: 'oss-access-log/' },
        );
        assert.ok(on?.changed);
        assert.equal(on.account, sandboxInfo().accountId);
        const detail = prompts.details.at(-1) ?? '';
        assert.match(detail, /billed as OSS storage in that bucket/);
        assert.match(detail, /PutDataEventSelector/);
        assert.deepEqual(await cloud.oss.getBucketLogging(source, 'cn-shanghai'), {
          targetBucket: target,
          targetPrefix: 'oss-access-log/',
        });
        prompts.enqueue(true);
        await vscode.commands.executeCommand('alibabaCloud.oss.turnOffAccessLogDump', {
          bucket: source,
          region: 'cn-shanghai',
        });
        assert.equal(await cloud.oss.getBucketLogging(source, 'cn-shanghai'), undefined);
      } finally {
        await cloud.oss.deleteBucketLogging(source, 'cn-shanghai').catch(() => undefined);
        await cloud.oss.deleteBucket(target, 'cn-shanghai').catch(() => undefined);
      }
    },
  },
];
