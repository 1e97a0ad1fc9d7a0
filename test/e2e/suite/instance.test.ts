// The instance role in the real extension host (which the harness runs as a remote host, as on an
// instance over Remote-SSH): point alibabaCloud.metadata.endpoint at the sandbox IMDS of an instance
// with a role, run "Detect Instance Role", and find the instance identity on top of the identity view,
// listed but not active until the user picks it (a non-default metadata URL); then the commands that build on it, and an instance without a role.
// To run: list `{ name: 'instance', tests: instanceTests }` in index.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { sandboxInfo, waitFor, extensionApi as api } from './helpers';
import type { HostTest } from './runner';

/** From src/sandbox/seed/demo.ts (DEMO): the instance with DemoEcsOssReader attached, and one without a role. */
const WITH_ROLE = 'i-bp1sandboxvpc000002';
const NO_ROLE = 'i-bp1sandboxvpc000001';
const ROLE = 'DemoEcsOssReader';

const config = () => vscode.workspace.getConfiguration('alibabaCloud');
const setEndpoint = (url: string | undefined) =>
  config().update('metadata.endpoint', url, vscode.ConfigurationTarget.Global);

async function identityRoots(a: ExtensionApi): Promise<vscode.TreeItem[]> {
  const provider = a.explorer.providers.get('identity')!;
  const nodes = await provider.getChildren();
  return Promise.all(nodes.map((n) => provider.getTreeItem(n)));
}

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : (item.label?.label ?? ''));

/** The role's current credentials straight from the sandbox IMDS, to prove they appear nowhere. */
async function currentSecrets(imdsUrl: string): Promise<string[]> {
  const token = await (
    await fetch(`${imdsUrl}/latest/api/token`, {
      method: 'PUT',
      headers: { 'X-aliyun-ecs-metadata-token-ttl-seconds': '60' },
    })
  ).text();
  const res = await fetch(`${imdsUrl}/latest/meta-data/ram/security-credentials/${ROLE}`, {
    headers: { 'X-aliyun-ecs-metadata-token': token },
  });
  const c = (await res.json()) as { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string };
  return [c.AccessKeySecret, c.SecurityToken, c.AccessKeyId];
}

export const instanceTests: HostTest[] = [
  {
    name: 'does not probe the metadata service on its own here (sandbox env, no endpoint set)',
    async run() {
      const a = await api();
      assert.notEqual(a.services.profiles.active()?.source, 'instance');
      const items = await identityRoots(a);
      assert.ok(!items.some((i) => /^instance/.test(String(i.contextValue))), 'no instance node');
    },
  },
  {
    name: 'an instance-only command off an instance fails in its own error and leaves no warning in the identity view',
    async run() {
      const a = await api();
      // Sandbox mode, no endpoint: the command cannot find an instance (its error says why).
      const out = await vscode.commands.executeCommand('alibabaCloud.instance.copyEnvironment');
      assert.equal(out, undefined);
      const items = await identityRoots(a);
      assert.ok(!items.some((i) => i.contextValue === 'instanceProblem'), 'no lasting problem node');
      assert.equal(a.services.instance.state.kind, 'none');
    },
  },
  {
    name: 'Detect Instance Role with the endpoint set to the sandbox IMDS of an instance with a role',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const imdsUrl = sandboxInfo().imds[WITH_ROLE];
      assert.ok(imdsUrl, 'the harness announces the IMDS URL of the instance with a role');
      await setEndpoint(imdsUrl);
      type Out = { kind: string; instanceId: string; roleName: string; regionId: string; code?: string };
      const started = Date.now();
      let out = await vscode.commands.executeCommand<Out>('alibabaCloud.instance.detect');
      console.log(`    detect took ${Date.now() - started} ms`);
      if (out?.kind === 'problem' && out.code === 'ImdsUnreachable') {
        // The metadata timeout is 1 s; a cold first request on a loaded machine can exceed it.
        console.log('    detect timed out (cold start under load); once more');
        out = await vscode.commands.executeCommand<Out>('alibabaCloud.instance.detect');
      }
      assert.equal(out?.kind, 'found');
      assert.equal(out.instanceId, WITH_ROLE);
      assert.equal(out.roleName, ROLE);
      // Found through a non-default metadata URL: listed, but only the user makes it active.
      assert.equal(a.services.profiles.active()?.id, 'sandbox:Sandbox', 'not selected on its own');
      const listed = a.services.profiles.list().find((p) => p.source === 'instance');
      assert.ok(listed?.manualOnly, 'the instance role is listed, marked as chosen only by the user');
      a.useScriptedPrompter().enqueue('Switch'); // a switch requested through args is confirmed
      await vscode.commands.executeCommand('alibabaCloud.selectProfile', { id: listed.id });
      const active = await waitFor('the instance profile to be active', () =>
        a.services.profiles.active()?.source === 'instance' ? a.services.profiles.active() : undefined,
      );
      assert.equal(active.regionId, 'cn-hangzhou');
      const items = await waitFor('the instance node on top of the identity view', async () => {
        const it = await identityRoots(a);
        return it[0]?.contextValue === 'instanceIdentity' ? it : undefined;
      });
      assert.match(label(items[0]), new RegExp(`Instance role: ${ROLE}`));
      assert.match(String(items[0].description), new RegExp(`${WITH_ROLE} · cn-hangzhou · expires in [56] h`));
      // The active profile's node follows, and the instance role works as that profile.
      const who = await (await a.services.cloud()).cloud.whoAmI();
      assert.match(who.arn, new RegExp(`assumed-role/${ROLE}/`));
    },
  },
  {
    name: 'a role check of this instance that names another role than the instance role above it is marked outdated',
    async run() {
      const a = await api();
      assert.equal(a.services.instance.state.kind, 'found');
      // A Verify Role result from before the role on demo-worker-1 changed (the check itself runs
      // through Cloud Assistant, in connect.test.ts); one for another instance stays as it is.
      const check = (instanceId: string, instanceName: string, role: string) => ({
        instanceId,
        instanceName,
        regionId: 'cn-hangzhou',
        verdict: 'roleOk' as const,
        summary: `${instanceName} has role ${role}.`,
        report: { complete: true, role, noRole: false, unreadable: [] },
        checkedAt: new Date(Date.now() - 60_000),
      });
      a.services.roleChecks.set(check(WITH_ROLE, 'demo-worker-1', 'DemoEcsLogShipper'));
      a.services.roleChecks.set(check(NO_ROLE, 'demo-web-1', 'DemoEcsLogShipper'));
      try {
        const items = await identityRoots(a);
        const stale = items.find((i) => label(i) === 'Role on demo-worker-1: DemoEcsLogShipper');
        assert.ok(stale, items.map(label).join(', '));
        assert.equal(stale.description, `outdated: it has role ${ROLE} now`);
        assert.match(String(stale.tooltip), /^Outdated: checked before demo-worker-1 got role DemoEcsOssReader\./);
        assert.equal((stale.iconPath as vscode.ThemeIcon).id, 'history');
        const other = items.find((i) => label(i) === 'Role on demo-web-1: DemoEcsLogShipper');
        assert.equal(
          (other?.iconPath as vscode.ThemeIcon).id,
          'pass',
          'a check of another instance is not judged by this one',
        );
      } finally {
        a.services.roleChecks.remove(WITH_ROLE);
        a.services.roleChecks.remove(NO_ROLE);
      }
    },
  },
  {
    name: 'an explicit choice on this instance is kept across detections',
    timeoutMs: 30_000,
    async run() {
      const a = await api();
      const instanceId = a.services.profiles.active()!.id;
      await a.services.profiles.select('sandbox:Sandbox');
      await vscode.commands.executeCommand('alibabaCloud.instance.detect');
      assert.equal(a.services.profiles.active()?.id, 'sandbox:Sandbox', 'an explicit choice on this instance is kept');
      a.useScriptedPrompter().enqueue('Switch'); // a switch requested through args is confirmed
      await vscode.commands.executeCommand('alibabaCloud.selectProfile', { id: instanceId });
      assert.equal(a.services.profiles.active()?.source, 'instance');
    },
  },
  {
    name: "the instance node says whether this instance allows normal mode, from ECS as the active profile; the window's own reads carry a token",
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const instanceProfile = a.services.profiles.active()!.id;
      assert.equal(a.services.profiles.active()?.source, 'instance');
      const provider = a.explorer.providers.get('identity')!;
      const modeRow = async () => {
        const roots = await provider.getChildren();
        for (const n of roots) {
          if ((await provider.getTreeItem(n)).contextValue !== 'instanceIdentity') {
            continue;
          }
          for (const c of await provider.getChildren(n)) {
            const item = await provider.getTreeItem(c);
            if (item.id === 'identity/instance/metadataMode') {
              return item;
            }
          }
        }
        return undefined;
      };
      const shows = (want: string) =>
        waitFor(`"${want}"`, async () => {
          const item = await modeRow();
          return item && label(item) === want ? item : undefined;
        });
      // The instance role (OSS read-only) may not describe instances: unknown, and why.
      await shows('This instance: metadata mode unknown (profile Instance role may not call ecs:DescribeInstances)');
      const cloud = async () => (await a.services.cloud()).cloud;
      try {
        await a.services.profiles.select('sandbox:Sandbox');
        const normal = await shows('This instance: normal mode allowed');
        assert.match(String(normal.tooltip), /From ECS \(DescribeInstances, MetadataOptions\) as profile Sandbox/);
        assert.equal(normal.command?.command, 'alibabaCloud.ecs.requireHardenedMetadata');
        assert.deepEqual(normal.command?.arguments, [{ regionId: 'cn-hangzhou', instanceIds: [WITH_ROLE] }]);
        // Hardened only: a token-less read would now be refused, and detection still finds the role.
        await (
          await cloud()
        ).ecs.modifyMetadataOptions('cn-hangzhou', WITH_ROLE, {
          httpTokens: 'required',
          httpEndpoint: 'enabled',
        });
        const out = await vscode.commands.executeCommand<{ kind: string }>('alibabaCloud.instance.detect');
        assert.equal(out?.kind, 'found');
        await shows('This instance: hardened only');
      } finally {
        await (
          await cloud()
        ).ecs.modifyMetadataOptions('cn-hangzhou', WITH_ROLE, {
          httpTokens: 'optional',
          httpEndpoint: 'enabled',
        });
        a.useScriptedPrompter().enqueue('Switch'); // a switch requested through args is confirmed
        await vscode.commands.executeCommand('alibabaCloud.selectProfile', { id: instanceProfile });
      }
      assert.equal(a.services.profiles.active()?.source, 'instance');
    },
  },
  {
    name: 'Refresh Instance Credentials',
    async run() {
      const out = await vscode.commands.executeCommand<{ expiration?: string }>(
        'alibabaCloud.instance.refreshCredentials',
      );
      assert.ok(out?.expiration && Date.parse(out.expiration) > Date.now());
    },
  },
  {
    name: 'Diagnose Instance Credentials opens a markdown report with no secret in it',
    timeoutMs: 60_000,
    async run() {
      const out = await vscode.commands.executeCommand<{
        overall: string;
        checks: Array<{ id: string; status: string }>;
      }>('alibabaCloud.instance.diagnose');
      // Shown rendered (the Markdown preview), not as markdown source.
      await waitFor('the rendered report', () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputWebview),
      );
      const doc = vscode.workspace.textDocuments.find(
        (d) => d.uri.scheme === 'alibabacloud-properties' && d.uri.path.startsWith('/instance/'),
      );
      assert.equal(out?.overall, 'ok', doc?.getText());
      assert.equal(doc?.languageId, 'markdown');
      // Read-only: closing the report never asks to save it.
      assert.equal(doc?.uri.scheme, 'alibabacloud-properties');
      assert.equal(doc?.isUntitled, false);
      assert.equal(doc?.isDirty, false);
      const text = doc!.getText();
      assert.match(text, /# Instance credentials diagnostics/);
      for (const s of await currentSecrets(sandboxInfo().imds[WITH_ROLE])) {
        assert.ok(!text.includes(s), 'a secret or the full AccessKeyId is in the report');
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    },
  },
  {
    name: 'Copy Environment for SDKs puts exports, no secrets, on the clipboard',
    async run() {
      await vscode.commands.executeCommand('alibabaCloud.instance.copyEnvironment');
      const text = await vscode.env.clipboard.readText();
      assert.match(text, /^export ALIBABA_CLOUD_REGION_ID=cn-hangzhou$/m);
      // The endpoint is not 100.100.100.200, so the SDKs are pointed at it through the credentials URI.
      assert.match(text, new RegExp(`^export ALIBABA_CLOUD_CREDENTIALS_URI=.*/security-credentials/${ROLE}$`, 'm'));
      for (const s of await currentSecrets(sandboxInfo().imds[WITH_ROLE])) {
        assert.ok(!text.includes(s), 'a secret is on the clipboard');
      }
    },
  },
  {
    name: 'Write aliyun CLI profile: keeps the others and leaves `current` unless confirmed',
    async run() {
      const a = await api();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-cli-'));
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(
        file,
        JSON.stringify({
          current: 'default',
          profiles: [
            {
              name: 'default',
              mode: 'AK',
              access_key_id: 'SBXAK-e2e',
              access_key_secret: 'e2e-not-a-secret',
              region_id: 'cn-beijing',
            },
          ],
        }),
      );
      const before = process.env.ALIBABA_CLOUD_CLI_CONFIG;
      process.env.ALIBABA_CLOUD_CLI_CONFIG = file;
      try {
        const prompter = a.useScriptedPrompter();
        prompter.enqueue('ecs-e2e', false); // the name, then "Make it the current profile?" → no
        await vscode.commands.executeCommand('alibabaCloud.instance.writeCliProfile');
        assert.ok(
          prompter.asked.some((q) => q === 'confirm:Make it the current profile?'),
          prompter.asked.join(' | '),
        );
        const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
        assert.equal(raw.current, 'default');
        assert.deepEqual(
          raw.profiles.map((p: { name: string }) => p.name),
          ['default', 'ecs-e2e'],
        );
        assert.equal(raw.profiles[1].mode, 'EcsRamRole');
        assert.equal(raw.profiles[1].ram_role_name, ROLE);
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      } finally {
        if (before === undefined) {
          delete process.env.ALIBABA_CLOUD_CLI_CONFIG;
        } else {
          process.env.ALIBABA_CLOUD_CLI_CONFIG = before;
        }
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'an instance without a role: a node explains it and names the fix; the instance profile goes away',
    timeoutMs: 20_000,
    async run() {
      const a = await api();
      await setEndpoint(sandboxInfo().imds[NO_ROLE]);
      const out = await vscode.commands.executeCommand<{ kind: string; code: string; fix: string }>(
        'alibabaCloud.instance.detect',
      );
      assert.equal(out?.kind, 'problem');
      assert.equal(out.code, 'ImdsNoRole');
      assert.match(out.fix, /Attach RAM Role to Instance/);
      const items = await waitFor('the problem node', async () => {
        const it = await identityRoots(a);
        return it[0]?.contextValue === 'instanceProblem' ? it : undefined;
      });
      assert.match(label(items[0]), new RegExp(NO_ROLE));
      assert.notEqual(a.services.profiles.active()?.source, 'instance');
    },
  },
  {
    name: 'clearing the endpoint setting removes the instance state again (no probe of the real address here)',
    async run() {
      const a = await api();
      await setEndpoint(undefined);
      await waitFor(
        'no instance node',
        async () => !(await identityRoots(a)).some((i) => /^instance/.test(String(i.contextValue))),
      );
    },
  },
  {
    name: 'at the real metadata address the instance role takes over only when nothing is chosen; else it is offered',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const imdsUrl = sandboxInfo().imds[WITH_ROLE];
      const state = a.services.context.globalState;
      const entryId = `instance:${WITH_ROLE}`;
      const hereKey = `alibabaCloud.activeProfile@${entryId}`; // ProfileStore's per-instance choice
      const detectFound = async () => {
        let out = await vscode.commands.executeCommand<{ kind: string; code?: string }>('alibabaCloud.instance.detect');
        if (out?.kind === 'problem' && out.code === 'ImdsUnreachable') {
          out = await vscode.commands.executeCommand('alibabaCloud.instance.detect');
        }
        assert.equal(out?.kind, 'found');
      };
      await waitFor('no instance profile', () => !a.services.profiles.instanceProfile);
      const before = state.get<string>('alibabaCloud.activeProfile');
      try {
        // 100.100.100.200 cannot be reached here: the test API takes the sandbox IMDS for it.
        a.treatAsDefaultMetadataUrl(imdsUrl);
        await state.update(hereKey, undefined);
        // 1. Nothing chosen anywhere: the role becomes active without a question.
        await state.update('alibabaCloud.activeProfile', undefined);
        let p = a.useScriptedPrompter();
        await setEndpoint(imdsUrl);
        await detectFound();
        assert.equal(a.services.profiles.active()?.id, entryId);
        assert.deepEqual(p.notifications, [], 'nothing to offer when nothing was chosen');
        await setEndpoint(undefined);
        await waitFor('no instance profile', () => !a.services.profiles.instanceProfile);

        // 2. A profile chosen elsewhere: kept; the role is offered, and dismissing the offer changes nothing.
        await a.services.profiles.select('sandbox:Sandbox');
        a.treatAsDefaultMetadataUrl(imdsUrl);
        p = a.useScriptedPrompter();
        await setEndpoint(imdsUrl);
        await detectFound();
        await waitFor('the offer', () => p.notifications.length > 0);
        assert.match(p.notifications[0], new RegExp(`RAM role ${ROLE}.*"Sandbox"`));
        assert.equal(a.services.profiles.active()?.id, 'sandbox:Sandbox', 'not switched silently');
        assert.equal(a.services.profiles.list().find((x) => x.id === entryId)?.manualOnly, false);
        await detectFound();
        assert.equal(p.notifications.length, 1, 'a dismissed offer is not repeated on every detection');
        await setEndpoint(undefined);
        await waitFor('no instance profile', () => !a.services.profiles.instanceProfile);

        // 3. Answering "Use Instance Role" switches, and the choice is kept for this instance.
        a.treatAsDefaultMetadataUrl(imdsUrl);
        p = a.useScriptedPrompter();
        p.enqueue('Use Instance Role');
        await setEndpoint(imdsUrl);
        await detectFound();
        await waitFor('the instance role to be active', () => a.services.profiles.active()?.id === entryId);
        assert.equal(state.get(hereKey), entryId);
        assert.equal(state.get('alibabaCloud.activeProfile'), 'sandbox:Sandbox', 'the choice elsewhere stays');
      } finally {
        a.treatAsDefaultMetadataUrl(undefined);
        await setEndpoint(undefined);
        await waitFor('no instance profile', () => !a.services.profiles.instanceProfile);
        await state.update(hereKey, undefined);
        await state.update('alibabaCloud.activeProfile', before ?? 'sandbox:Sandbox');
      }
      assert.equal(a.services.profiles.active()?.id, before ?? 'sandbox:Sandbox');
    },
  },
];
