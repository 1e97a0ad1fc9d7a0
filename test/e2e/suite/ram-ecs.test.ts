// RAM and ECS commands and the setup wizard in the real extension host, against the sandbox the
// harness started: commands run with args objects (and scripted prompts where the wizard asks),
// trees are read through the providers, and the sandbox's request log proves what was (not) called.
// Bad input (invalid name, malformed policy JSON, classic instance) must show a message and make
// no call that changes anything. Works on the Shanghai demo instance and on names unique to the
// run, and undoes what it did, so the other suites see the seed as it was.
// To run: list `{ name: 'ram-ecs', tests: ramEcsTests }` in index.ts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { callsDuring, type LoggedRequest, waitFor, save, sandboxApi as api } from './helpers';
import type { HostTest } from './runner';

/** From src/sandbox/seed/demo.ts (DEMO). */
const SH_REGION = 'cn-shanghai';
const SH_INSTANCE = 'i-uf6sandboxvpc000001';
const CLASSIC = 'i-bp1sandboxclassic01';
/** demo-worker-1, which the seed gives DemoEcsOssReader. */
const WORKER_INSTANCE = 'i-bp1sandboxvpc000002';
const SEEDED_ROLE = 'DemoEcsOssReader';
const SUB_USER = 'dev-alice';
const DOC_PASSROLE_SAMPLE =
  '{"Statement":[{"Effect":"Allow","Action":"ram:PassRole","Resource":"*"} {"Effect":"Allow","Action":["ecs:AttachInstanceRamRole"],"Resource":"*"}],"Version":"1"}';

const run = Date.now().toString(36);
const ROLE = `E2eRole-${run}`;
const POLICY = `E2eOssRead-${run}`;
const WIZARD_ROLE = `E2eWizard-${run}`;
const WIZARD_POLICY = `E2eWizardOss-${run}`;
const DRAFT_POLICY = `E2eDraft-${run}`;
const IN_USE_ROLE = `E2eInUse-${run}`;
/** demo-web-1: no role in the seed, and the instance suite expects it to have none afterwards. */
const WEB_INSTANCE = 'i-bp1sandboxvpc000001';

const MUTATING = /^(Create|Update|Delete|Attach|Detach|Run|Start|Stop|Allocate|Modify|SetDefault)/;

const mutations = (rs: LoggedRequest[]) =>
  rs.filter((r) => (r.service === 'ram' || r.service === 'ecs') && MUTATING.test(r.action)).map((r) => r.action);

/**
 * Runs a command that must fail and returns the message the error funnel logged for it (the
 * funnel shows it as a notification too, which is cleared afterwards).
 */
async function failingCommand(a: ExtensionApi, id: string, args: object): Promise<string> {
  const log = a.services.log;
  const seen: string[] = [];
  const original = log.error;
  log.error = (m: string) => {
    seen.push(m);
    original.call(log, m);
  };
  try {
    void vscode.commands.executeCommand(id, args);
    return await waitFor(`the error message of ${id}`, () => seen.find((m) => m.startsWith(id)), 15_000);
  } finally {
    log.error = original;
    await vscode.commands.executeCommand('notifications.clearAll');
  }
}

async function ramRoles(a: ExtensionApi): Promise<Array<{ node: unknown; item: vscode.TreeItem }>> {
  const provider = a.explorer.providers.get('ram')!;
  a.explorer.refresh('ram');
  const [rolesFolder] = await provider.getChildren();
  const roles = await provider.getChildren(rolesFolder);
  return Promise.all(roles.map(async (node) => ({ node, item: await provider.getTreeItem(node) })));
}

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : (item.label?.label ?? ''));

/** The ECS tree's row for an instance, read as the view shows it now (no refresh of our own). */
async function ecsRow(a: ExtensionApi, regionId: string, instanceId: string): Promise<vscode.TreeItem | undefined> {
  const provider = a.explorer.providers.get('ecs')!;
  for (const r of await provider.getChildren()) {
    if (label(await provider.getTreeItem(r)) !== regionId) {
      continue;
    }
    for (const n of await provider.getChildren(r)) {
      const item = await provider.getTreeItem(n);
      if (String(item.description).startsWith(instanceId)) {
        return item;
      }
    }
  }
  return undefined;
}

async function roleOn(a: ExtensionApi, regionId: string, instanceId: string): Promise<string | undefined> {
  const { cloud } = await a.services.cloud();
  return (await cloud.ecs.describeInstanceRoles(regionId, [instanceId])).get(instanceId);
}

export const ramEcsTests: HostTest[] = [
  {
    name: 'the ECS view shows every region with instances (probed at once after DescribeRegions), folds the empty ones, and a chosen list still wins',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const cfg = vscode.workspace.getConfiguration('alibabaCloud');
      const before = cfg.inspect<string[]>('regions')?.globalValue;
      const provider = a.explorer.providers.get('ecs')!;
      try {
        await cfg.update('regions', undefined, vscode.ConfigurationTarget.Global);
        a.explorer.refresh('ecs');
        let roots: Awaited<ReturnType<typeof provider.getChildren>> = [];
        const calls = (
          await callsDuring(async () => {
            roots = await provider.getChildren();
          })
        ).filter((r) => r.service === 'ecs');
        const labels = await Promise.all(roots.map(async (r) => label(await provider.getTreeItem(r))));
        assert.equal(calls[0]?.action, 'DescribeRegions', calls.map((c) => c.action).join(' '));
        const probed = calls.filter((c) => c.action === 'DescribeInstances').length;
        assert.ok(probed >= 2, `every region probed: ${probed}`);
        assert.deepEqual(labels.slice(0, 2).sort(), ['cn-hangzhou', 'cn-shanghai']);
        if (probed > 2) {
          assert.equal(labels[2], `${probed - 2} empty regions`);
          const folded = await provider.getChildren(roots[2]);
          assert.equal(folded.length, probed - 2);
        } else {
          assert.equal(labels.length, 2);
        }
        // The probe's first page is what the region shows: opening it asks only for the roles.
        const opened = (await callsDuring(() => provider.getChildren(roots[labels.indexOf('cn-hangzhou')])))
          .filter((r) => r.service === 'ecs')
          .map((r) => r.action);
        assert.deepEqual(opened, ['DescribeInstanceRamRole']);

        await cfg.update('regions', ['cn-shanghai'], vscode.ConfigurationTarget.Global);
        const chosen = await waitFor('only the chosen region', async () => {
          const ls = await Promise.all(
            (await provider.getChildren()).map(async (r) => label(await provider.getTreeItem(r))),
          );
          return ls.length === 1 && ls[0] === 'cn-shanghai' ? ls : undefined;
        });
        assert.deepEqual(chosen, ['cn-shanghai']);
        const timing = a.explorer.timings.get('ecs');
        if (timing?.visibleAt !== undefined && timing.rowsAt !== undefined) {
          console.log(
            `ECS view: first rows ${Math.round(timing.rowsAt - timing.visibleAt)} ms after it became visible; SDK prefetch ${timing.sdkLoadMs ?? '-'} ms`,
          );
        }
      } finally {
        await cfg.update('regions', before, vscode.ConfigurationTarget.Global);
      }
    },
  },
  {
    name: 'the RAM tree shows roles with the ECS badge',
    async run() {
      const a = await api();
      const roles = await ramRoles(a);
      const seeded = roles.find((r) => label(r.item) === SEEDED_ROLE);
      assert.ok(seeded, `roles: ${roles.map((r) => label(r.item)).join(', ')}`);
      assert.equal(seeded.item.description, 'ECS');
      assert.match(String(seeded.item.contextValue), /^role ecsTrusted\b/);
    },
  },
  {
    name: 'Create ECS Role with an invalid name: a message, and no call at all',
    async run() {
      const a = await api();
      let message = '';
      const calls = await callsDuring(async () => {
        message = await failingCommand(a, 'alibabaCloud.ram.createEcsRole', { roleName: 'bad name!' });
      });
      assert.match(message, /role name may contain only/);
      assert.deepEqual(
        calls.filter((r) => r.service === 'ram'),
        [],
      );
    },
  },
  {
    name: "Create Policy with the documentation's malformed PassRole JSON: a message, and nothing sent to RAM",
    async run() {
      const a = await api();
      let message = '';
      const calls = await callsDuring(async () => {
        message = await failingCommand(a, 'alibabaCloud.ram.createPolicy', {
          policyName: `Malformed-${run}`,
          document: DOC_PASSROLE_SAMPLE,
          createNow: true,
        });
      });
      assert.match(message, /policy document has (\d+ )?problems; nothing was sent to RAM\. /);
      assert.doesNotMatch(message, /\.;/, 'sentences are not joined with ";"');
      assert.deepEqual(mutations(calls), []);
    },
  },
  {
    name: 'an unknown element ("Principle") or action ("oss:GetObjekt") blocks Create Policy and the wizard before any call',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const document = JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: ['oss:GetObjekt'], Resource: '*', Principle: { Service: ['ecs.aliyuncs.com'] } },
        ],
      });
      let message = '';
      let calls = await callsDuring(async () => {
        message = await failingCommand(a, 'alibabaCloud.ram.createPolicy', {
          policyName: `Typo-${run}`,
          document,
          createNow: true,
        });
      });
      assert.match(message, /"oss:GetObjekt" is not an action of oss; did you mean "oss:GetObject"\?/);
      assert.match(message, /Unknown element "Principle"/);
      assert.deepEqual(mutations(calls), []);
      calls = await callsDuring(async () => {
        message = await failingCommand(a, 'alibabaCloud.setupInstanceRole', {
          roleName: `Typo-${run}`,
          policy: { kind: 'new', policyName: `Typo-${run}`, document },
          instance: { kind: 'existing', regionId: SH_REGION, instanceId: SH_INSTANCE },
        });
      });
      assert.match(message, /GetObjekt/);
      assert.deepEqual(mutations(calls), []);
    },
  },
  {
    name: 'Attach RAM Role to a classic instance: the reason, and no attach call',
    async run() {
      const a = await api();
      let message = '';
      const calls = await callsDuring(async () => {
        message = await failingCommand(a, 'alibabaCloud.ecs.attachRole', {
          regionId: 'cn-hangzhou',
          instanceId: CLASSIC,
          roleName: SEEDED_ROLE,
        });
      });
      assert.match(message, /classic/i);
      assert.deepEqual(mutations(calls), []);
    },
  },
  {
    name: 'the wizard refuses an invalid role name, malformed JSON and a classic instance without changing anything',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const policy = {
        kind: 'new',
        policyName: `Wizard-${run}`,
        document: '{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:Get*"],"Resource":"*"}]}',
      };
      const instance = { kind: 'existing', regionId: SH_REGION, instanceId: SH_INSTANCE };
      const cases: Array<[object, RegExp]> = [
        [{ roleName: 'no spaces allowed', policy, instance }, /role name/i],
        [{ roleName: ROLE, policy: { ...policy, document: DOC_PASSROLE_SAMPLE }, instance }, /policy document/i],
        [
          { roleName: ROLE, policy, instance: { kind: 'existing', regionId: 'cn-hangzhou', instanceId: CLASSIC } },
          /VPC/,
        ],
      ];
      for (const [args, expected] of cases) {
        let message = '';
        const calls = await callsDuring(async () => {
          message = await failingCommand(a, 'alibabaCloud.setupInstanceRole', args);
        });
        assert.match(message, expected);
        assert.deepEqual(mutations(calls), [], JSON.stringify(args));
      }
    },
  },
  {
    name: 'the wizard, with scripted answers: new role, OSS read-only policy, the plan, then the role on the instance',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const prompt = a.useScriptedPrompter();
      prompt.enqueue('Create a new role', WIZARD_ROLE, 'OSS read-only (all buckets)', WIZARD_POLICY, 'Apply');
      let outcome: { nothingToDo: boolean; result?: { applied: string[]; instanceId?: string } } | undefined;
      const calls = await callsDuring(async () => {
        outcome = await vscode.commands.executeCommand('alibabaCloud.setupInstanceRole', {
          instance: { kind: 'existing', regionId: SH_REGION, instanceId: SH_INSTANCE },
        });
      });
      assert.equal(prompt.pending, 0, `asked: ${prompt.asked.join(' | ')}`);
      assert.ok(
        prompt.asked.some((q) => q.startsWith('choose:Set up role')),
        'the plan was shown before anything changed',
      );
      assert.equal(outcome?.nothingToDo, false);
      assert.deepEqual(outcome?.result?.applied, ['createRole', 'createPolicy', 'attachPolicy', 'attachRole']);
      assert.deepEqual(mutations(calls), ['CreateRole', 'CreatePolicy', 'AttachPolicyToRole', 'AttachInstanceRamRole']);
      assert.equal(await roleOn(a, SH_REGION, SH_INSTANCE), WIZARD_ROLE);

      // The RAM tree shows the new role, trusted by ECS, with the policy attached.
      const role = await waitFor('the new role in the RAM tree', async () =>
        (await ramRoles(a)).find((r) => label(r.item) === WIZARD_ROLE),
      );
      assert.equal(role.item.description, 'ECS');
      const provider = a.explorer.providers.get('ram')!;
      const children = await Promise.all(
        (await provider.getChildren(role.node as never)).map((n) => provider.getTreeItem(n)),
      );
      assert.ok(
        children.some((c) => label(c) === WIZARD_POLICY && c.contextValue === 'attachedPolicy'),
        children.map(label).join(', '),
      );
    },
  },
  {
    name: 'running the wizard again changes nothing',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const document = (await cloud.ram.getPolicy(WIZARD_POLICY, 'Custom')).document;
      let outcome: { nothingToDo: boolean } | undefined;
      const calls = await callsDuring(async () => {
        outcome = await vscode.commands.executeCommand('alibabaCloud.setupInstanceRole', {
          roleName: WIZARD_ROLE,
          policy: { kind: 'new', policyName: WIZARD_POLICY, document },
          instance: { kind: 'existing', regionId: SH_REGION, instanceId: SH_INSTANCE },
        });
      });
      assert.equal(outcome?.nothingToDo, true);
      assert.deepEqual(mutations(calls), []);
    },
  },
  {
    name: 'the wizard started from an instance node asks no instance; role and policy already in place: nothing to do',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const provider = a.explorer.providers.get('ecs')!;
      a.explorer.refresh('ecs');
      const regions = await provider.getChildren();
      const hangzhou = await waitFor('the cn-hangzhou region node', async () => {
        for (const r of regions) {
          if (label(await provider.getTreeItem(r)) === 'cn-hangzhou') {
            return r;
          }
        }
        return undefined;
      });
      const instances = await provider.getChildren(hangzhou);
      const items = await Promise.all(instances.map(async (n) => ({ n, item: await provider.getTreeItem(n) })));
      const worker = items.find((x) => String(x.item.description).startsWith(WORKER_INSTANCE));
      assert.ok(worker, items.map((x) => x.item.description).join(' | '));
      assert.match(String(worker.item.contextValue), /^instance vpc hasRole\b/);
      assert.match(String(worker.item.description), new RegExp(`role: ${SEEDED_ROLE}`));

      const prompt = a.useScriptedPrompter();
      prompt.enqueue(SEEDED_ROLE, 'AliyunOSSReadOnlyAccess');
      let outcome: { nothingToDo: boolean } | undefined;
      const calls = await callsDuring(async () => {
        outcome = await vscode.commands.executeCommand('alibabaCloud.setupInstanceRole', worker.n);
      });
      assert.deepEqual(
        prompt.asked.map((q) => q.split(':')[0]),
        ['pick', 'pick'],
        prompt.asked.join(' | '),
      );
      assert.equal(outcome?.nothingToDo, true);
      assert.deepEqual(mutations(calls), []);
    },
  },
  {
    name: 'the wizard lists a classic instance as unavailable; picking it explains and asks the instance again, keeping the earlier answers',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const prompt = a.useScriptedPrompter();
      prompt.enqueue(SEEDED_ROLE, 'AliyunOSSReadOnlyAccess', 'legacy-classic-1', 'demo-web-1', false);
      const calls = await callsDuring(async () => {
        await vscode.commands.executeCommand('alibabaCloud.setupInstanceRole');
      });
      assert.equal(prompt.pending, 0, `asked: ${prompt.asked.join(' | ')}`);
      assert.deepEqual(
        prompt.asked.map((q) => q.split(':')[0]),
        ['pick', 'pick', 'pick', 'pick', 'choose'],
        prompt.asked.join(' | '),
      );
      assert.equal(prompt.asked[2], prompt.asked[3], 'the same instance step, asked again');
      assert.equal(prompt.asked.at(-1), `choose:Set up role ${SEEDED_ROLE} on ${WEB_INSTANCE}?`);
      assert.deepEqual(mutations(calls), []);
      await vscode.commands.executeCommand('notifications.clearAll');
    },
  },
  {
    name: 'the wizard\'s "create a new instance" path asks region to password, shows a billable plan, and a cancel creates nothing',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const prompt = a.useScriptedPrompter();
      const name = `e2e-new-${run}`;
      prompt.enqueue(
        SEEDED_ROLE,
        'AliyunOSSReadOnlyAccess',
        'Create a new instance',
        SH_REGION,
        'cn-shanghai-e',
        'Ubuntu 22.04 64 bit',
        'ecs.t6-c1m1.large',
        'demo-sh-e',
        'demo-default-sh',
        name,
        'Sandbox#2026pw',
        'Sandbox#2026pw',
        'No public IP',
        undefined,
      );
      let outcome: unknown = 'not run';
      const calls = await callsDuring(async () => {
        outcome = await vscode.commands.executeCommand('alibabaCloud.setupInstanceRole');
      });
      assert.equal(prompt.pending, 0, `asked: ${prompt.asked.join(' | ')}`);
      assert.equal(prompt.asked.filter((q) => q.startsWith('input:')).length, 3, 'name, password, password again');
      assert.equal(prompt.asked.at(-1), `choose:Set up role ${SEEDED_ROLE} on ${name}?`);
      assert.equal(outcome, undefined, 'cancelled at the plan');
      assert.deepEqual(mutations(calls), []);
    },
  },
  {
    name: "Create Instance offers the region's key pairs instead of a password and shows a DescribePrice estimate in the cost confirmation; cancel creates nothing",
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const prompt = a.useScriptedPrompter();
      const name = `e2e-key-${run}`;
      prompt.enqueue('demo-key', false);
      const calls = await callsDuring(async () => {
        await vscode.commands.executeCommand('alibabaCloud.ecs.createInstance', {
          roleName: SEEDED_ROLE,
          regionId: 'cn-hangzhou',
          zoneId: 'cn-hangzhou-h',
          imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
          instanceType: 'ecs.g7.large',
          vpcId: 'vpc-bp1sandbox0000001',
          vSwitchId: 'vsw-bp1sandbox000001h',
          securityGroupId: 'sg-bp1sandbox00000001',
          instanceName: name,
          allocatePublicIp: false,
        });
      });
      assert.equal(prompt.pending, 0, `asked: ${prompt.asked.join(' | ')}`);
      assert.equal(prompt.asked.length, 2, `key pair, then the cost question: ${prompt.asked.join(' | ')}`);
      assert.deepEqual(
        prompt.offered[0].map((i) => i.label),
        ['None: log in with a password', 'demo-key'],
      );
      assert.equal(prompt.asked[1], `confirm:Create instance ${name}? It costs money.`);
      const detail = prompt.details.at(-1)!;
      assert.match(detail, /Price estimate: \d+\.\d+ CNY per hour for ecs\.g7\.large/);
      assert.match(detail, /SSH key pair demo-key/);
      assert.ok(calls.some((c) => c.action === 'DescribePrice' && c.status === 200));
      assert.deepEqual(mutations(calls), []);
    },
  },
  {
    name: 'role commands: create, attach a policy, copy the ARN, PassRole for a RAM user, detach',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      await vscode.commands.executeCommand('alibabaCloud.ram.createEcsRole', { roleName: ROLE, description: 'e2e' });
      assert.ok((await ramRoles(a)).some((r) => label(r.item) === ROLE && r.item.description === 'ECS'));

      await vscode.commands.executeCommand('alibabaCloud.ram.createPolicy', {
        policyName: POLICY,
        template: 'ossReadOnlyBucket',
        bucket: 'demo-data',
      });
      await vscode.commands.executeCommand('alibabaCloud.ram.attachPolicy', {
        roleName: ROLE,
        policyName: POLICY,
        policyType: 'Custom',
      });
      assert.deepEqual(
        (await cloud.ram.listPoliciesForRole(ROLE)).map((p) => p.policyName),
        [POLICY],
      );

      const arn = await vscode.commands.executeCommand<string>('alibabaCloud.ram.copyArn', { roleName: ROLE });
      assert.match(arn, new RegExp(`^acs:ram::\\d+:role/${ROLE}$`, 'i'));
      assert.equal(await vscode.env.clipboard.readText(), arn);

      // Confirmations are answered through the scripted prompter: no args object can skip them.
      const prompt = a.useScriptedPrompter();
      prompt.enqueue('Create and Attach');
      const pass = await vscode.commands.executeCommand<{ policyName: string; document: string }>(
        'alibabaCloud.ram.createPassRolePolicy',
        { roleName: ROLE, userName: SUB_USER },
      );
      assert.deepEqual(prompt.asked, [`choose:Create policy PassRole-${ROLE} and attach it to ${SUB_USER}?`]);
      assert.equal(pass.policyName, `PassRole-${ROLE}`);
      const doc = JSON.parse(pass.document) as {
        Statement: Array<{ Action: string | string[]; Resource: string | string[] }>;
      };
      assert.deepEqual(doc.Statement[0], { Effect: 'Allow', Action: 'ram:PassRole', Resource: arn });
      assert.ok((await cloud.ram.listPoliciesForUser(SUB_USER)).some((p) => p.policyName === pass.policyName));

      prompt.enqueue('Detach');
      await vscode.commands.executeCommand('alibabaCloud.ram.detachPolicy', {
        roleName: ROLE,
        policyName: POLICY,
        policyType: 'Custom',
      });
      assert.equal(prompt.asked.at(-1), `confirm:Detach ${POLICY} from role ${ROLE}?`);
      assert.deepEqual(await cloud.ram.listPoliciesForRole(ROLE), []);
    },
  },
  {
    name: 'a custom policy opens as a draft: saving (even a malformed draft) sends nothing; "Create Policy" creates it after confirming',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const replaceAll = async (editor: vscode.TextEditor, text: string) => {
        const doc = editor.document;
        const edit = new vscode.WorkspaceEdit();
        edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
        assert.ok(await vscode.workspace.applyEdit(edit));
      };
      await vscode.commands.executeCommand('alibabaCloud.ram.createPolicy', {
        policyName: DRAFT_POLICY,
        template: 'custom',
      });
      const editor = await waitFor('the draft editor', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.scheme === 'alibabacloud-ram' &&
          e.document.uri.path.endsWith(`/drafts/${DRAFT_POLICY}.policy.json`)
          ? e
          : undefined;
      });
      assert.ok(JSON.parse(editor.document.getText()).Statement, 'the custom skeleton');

      await replaceAll(editor, DOC_PASSROLE_SAMPLE);
      const saved = await callsDuring(async () => {
        assert.equal(await save(editor.document), true, 'kept, so nothing typed is lost');
      });
      assert.deepEqual(
        saved.filter((r) => r.service === 'ram'),
        [],
      );

      const valid = {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:GetObject'], Resource: ['acs:oss:*:*:demo-data/*'] }],
      };
      await replaceAll(editor, JSON.stringify(valid, null, 2));
      const prompt = a.useScriptedPrompter();
      prompt.enqueue(true);
      const created = await callsDuring(() =>
        Promise.resolve(vscode.commands.executeCommand('alibabaCloud.ram.createPolicyFromDraft', editor.document.uri)),
      );
      assert.deepEqual(mutations(created), ['CreatePolicy']);
      assert.equal(prompt.pending, 0);
      assert.deepEqual(JSON.parse((await cloud.ram.getPolicy(DRAFT_POLICY, 'Custom')).document), valid);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    },
  },
  {
    name: 'args like {confirm: true}, {detachAll: true} or {replace: true} skip no confirmation: each is asked, and Cancel changes nothing',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      assert.equal(await roleOn(a, SH_REGION, SH_INSTANCE), WIZARD_ROLE, 'the wizard put its role on the instance');
      const skip = { confirm: true, detachAll: true, detachFromRoles: true, replace: true, replaceExistingRole: true };
      const attempts: Array<[string, object, string]> = [
        ['alibabaCloud.ram.deleteRole', { roleName: ROLE }, `confirm:Delete role ${ROLE}?`],
        ['alibabaCloud.ram.deletePolicy', { policyName: POLICY }, `confirm:Delete policy ${POLICY}?`],
        [
          'alibabaCloud.ram.deletePolicy',
          { policyName: WIZARD_POLICY },
          `choose:${WIZARD_POLICY} is attached to roles: ${WIZARD_ROLE}`,
        ],
        [
          'alibabaCloud.ram.detachPolicy',
          { roleName: WIZARD_ROLE, policyName: WIZARD_POLICY, policyType: 'Custom' },
          `confirm:Detach ${WIZARD_POLICY} from role ${WIZARD_ROLE}?`,
        ],
        [
          'alibabaCloud.ecs.detachRole',
          { regionId: SH_REGION, instanceId: SH_INSTANCE },
          `confirm:Detach role ${WIZARD_ROLE} from demo-sh-batch?`,
        ],
        [
          'alibabaCloud.ecs.attachRole',
          { regionId: SH_REGION, instanceId: SH_INSTANCE, roleName: ROLE },
          `choose:demo-sh-batch already has the role ${WIZARD_ROLE}.`,
        ],
        [
          'alibabaCloud.setupInstanceRole',
          {
            roleName: ROLE,
            policy: { kind: 'existing', policyName: POLICY, policyType: 'Custom' },
            instance: { kind: 'existing', regionId: SH_REGION, instanceId: SH_INSTANCE },
          },
          `choose:Set up role ${ROLE} on ${SH_INSTANCE}?`,
        ],
        [
          'alibabaCloud.ram.createPassRolePolicy',
          { roleName: ROLE, userName: SUB_USER, policyName: `PassRoleCancel-${run}` },
          `choose:Create policy PassRoleCancel-${run} and attach it to ${SUB_USER}?`,
        ],
        [
          'alibabaCloud.ecs.createInstance',
          {
            roleName: ROLE,
            regionId: SH_REGION,
            zoneId: 'cn-shanghai-e',
            imageId: 'ubuntu_22_04_x64_20G_alibase_20260101.vhd',
            instanceType: 'ecs.t6-c1m1.large',
            vpcId: 'vpc-uf6sandbox0000001',
            vSwitchId: 'vsw-uf6sandbox000001e',
            securityGroupId: 'sg-uf6sandbox00000001',
            instanceName: `e2e-cancel-${run}`,
            password: 'Sandbox#2026pw',
            allocatePublicIp: false,
          },
          `confirm:Create instance e2e-cancel-${run}? It costs money.`,
        ],
      ];
      for (const [id, args, question] of attempts) {
        const prompt = a.useScriptedPrompter();
        prompt.enqueue(false); // the modal's Cancel
        const calls = await callsDuring(async () => {
          await vscode.commands.executeCommand(id, { ...args, ...skip });
        });
        assert.deepEqual(prompt.asked, [question], `${id}: ${prompt.asked.join(' | ')}`);
        assert.deepEqual(mutations(calls), [], id);
      }
      // Over the wire, everything is where it was.
      await cloud.ram.getRole(ROLE);
      await cloud.ram.getPolicy(POLICY, 'Custom');
      assert.deepEqual(
        (await cloud.ram.listPoliciesForRole(WIZARD_ROLE)).map((p) => p.policyName),
        [WIZARD_POLICY],
      );
      assert.equal(await roleOn(a, SH_REGION, SH_INSTANCE), WIZARD_ROLE);
      await assert.rejects(cloud.ram.getPolicy(`PassRoleCancel-${run}`, 'Custom'), { code: 'EntityNotExist.Policy' });
    },
  },
  {
    name: 'clean up: detach the role from the instance, delete roles (detaching all) and policies',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const prompt = a.useScriptedPrompter();
      // Detach; "Detach All and Delete" (its policy is still attached: one question, not two); Delete ×4.
      prompt.enqueue('Detach', 'Detach All and Delete', 'Delete', 'Delete', 'Delete', 'Delete');
      assert.equal(
        await vscode.commands.executeCommand('alibabaCloud.ecs.detachRole', {
          regionId: SH_REGION,
          instanceId: SH_INSTANCE,
        }),
        true,
      );
      assert.equal(await roleOn(a, SH_REGION, SH_INSTANCE), undefined);
      assert.equal(
        await vscode.commands.executeCommand('alibabaCloud.ram.deleteRole', { roleName: WIZARD_ROLE }),
        true,
      );
      assert.deepEqual(
        prompt.asked.filter((q) => q.includes(WIZARD_ROLE) && !q.startsWith('confirm:Detach role')),
        [`confirm:Delete role ${WIZARD_ROLE}?`],
        'Delete Role asks once',
      );
      assert.match(prompt.details.at(-1)!, new RegExp(`detached first.*${WIZARD_POLICY} \\(Custom\\)`));
      assert.equal(await vscode.commands.executeCommand('alibabaCloud.ram.deleteRole', { roleName: ROLE }), true);
      assert.equal(
        await vscode.commands.executeCommand('alibabaCloud.ram.deletePolicy', { policyName: WIZARD_POLICY }),
        true,
      );
      assert.equal(await vscode.commands.executeCommand('alibabaCloud.ram.deletePolicy', { policyName: POLICY }), true);
      assert.equal(
        await vscode.commands.executeCommand('alibabaCloud.ram.deletePolicy', { policyName: DRAFT_POLICY }),
        true,
      );
      assert.equal(prompt.pending, 0, `asked: ${prompt.asked.join(' | ')}`);
      const left = (await ramRoles(a)).map((r) => label(r.item));
      assert.ok(!left.includes(ROLE) && !left.includes(WIZARD_ROLE), left.join(', '));
      await assert.rejects(cloud.ram.getPolicy(POLICY, 'Custom'), { code: 'EntityNotExist.Policy' });
    },
  },
  {
    name: 'Delete Role on a role an instance uses: the confirmation names the instance, dismissing refuses, Detach and Delete detaches first; the ECS view follows',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      await vscode.commands.executeCommand('alibabaCloud.ram.createEcsRole', {
        roleName: IN_USE_ROLE,
        description: 'e2e',
      });
      await cloud.ecs.attachRole('cn-hangzhou', WEB_INSTANCE, IN_USE_ROLE);
      a.explorer.refresh('ecs');
      assert.match(
        String((await ecsRow(a, 'cn-hangzhou', WEB_INSTANCE))?.description),
        new RegExp(`role: ${IN_USE_ROLE}$`),
      );

      const prompt = a.useScriptedPrompter();
      prompt.enqueue(false); // the modal's Cancel: the default refuses
      const refused = await callsDuring(async () => {
        assert.equal(
          await vscode.commands.executeCommand('alibabaCloud.ram.deleteRole', { roleName: IN_USE_ROLE, confirm: true }),
          false,
        );
      });
      assert.deepEqual(prompt.asked, [`choose:${IN_USE_ROLE} is used by instance demo-web-1.`]);
      assert.deepEqual(mutations(refused), []);

      prompt.enqueue('Detach and Delete');
      const done = await callsDuring(async () => {
        assert.equal(
          await vscode.commands.executeCommand('alibabaCloud.ram.deleteRole', { roleName: IN_USE_ROLE }),
          true,
        );
      });
      assert.deepEqual(mutations(done), ['DetachInstanceRamRole', 'DeleteRole']);
      assert.equal(await roleOn(a, 'cn-hangzhou', WEB_INSTANCE), undefined);
      await assert.rejects(cloud.ram.getRole(IN_USE_ROLE), { code: 'EntityNotExist.Role' });
      // The command refreshed the ECS view itself.
      await waitFor('the ECS row without the deleted role', async () =>
        /· no role$/.test(String((await ecsRow(a, 'cn-hangzhou', WEB_INSTANCE))?.description)),
      );
    },
  },
  {
    name: 'Detach RAM Role works for a role that was deleted in RAM meanwhile',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      await vscode.commands.executeCommand('alibabaCloud.ram.createEcsRole', {
        roleName: IN_USE_ROLE,
        description: 'e2e',
      });
      await cloud.ecs.attachRole('cn-hangzhou', WEB_INSTANCE, IN_USE_ROLE);
      await cloud.ram.deleteRole(IN_USE_ROLE); // elsewhere, e.g. in the console: RAM does not check ECS
      const prompt = a.useScriptedPrompter();
      prompt.enqueue('Detach');
      assert.equal(
        await vscode.commands.executeCommand('alibabaCloud.ecs.detachRole', {
          regionId: 'cn-hangzhou',
          instanceId: WEB_INSTANCE,
        }),
        true,
      );
      assert.deepEqual(prompt.asked, [`confirm:Detach role ${IN_USE_ROLE} from demo-web-1?`]);
      assert.equal(await roleOn(a, 'cn-hangzhou', WEB_INSTANCE), undefined);
    },
  },
];
