// The extension as the user gets it: present in the remote (Node) extension host, activating, its
// commands registered and runnable, and able to reach the sandbox the harness started.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { contributedCommands, EXTENSION_ID, ourExtension, sandboxControl, sandboxInfo } from './helpers';
import { EXTENSION_MODE_TEST, testApiFor } from '../../../src/ui/testApi';
import type { HostTest } from './runner';
import type { ExtensionApi } from '../../../src/extension';

export const extensionTests: HostTest[] = [
  {
    name: 'is loaded, in the extension host the harness expects',
    run() {
      const ext = ourExtension();
      assert.equal(ext.id, EXTENSION_ID);
      // run.mjs drives a VS Code server (remote Node extension host); electron.mjs a desktop VS Code.
      if (process.env.E2E_HOST_KIND === 'local') {
        assert.equal(ext.extensionKind, vscode.ExtensionKind.UI);
      } else {
        assert.ok(vscode.env.remoteName, 'expected a remote extension host');
        assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
      }
    },
  },
  {
    name: 'activates',
    async run() {
      const ext = ourExtension();
      await ext.activate();
      assert.ok(ext.isActive);
    },
  },
  {
    name: 'exports the test API only because this host runs in test mode',
    async run() {
      // The gate compares context.extensionMode with this constant; here it is checked against the
      // real enum of the running VS Code. A Production or Development host gets undefined exports.
      assert.equal(vscode.ExtensionMode.Test, EXTENSION_MODE_TEST);
      assert.equal(
        testApiFor(vscode.ExtensionMode.Production, () => 'api'),
        undefined,
      );
      assert.equal(
        testApiFor(vscode.ExtensionMode.Development, () => 'api'),
        undefined,
      );
      const exports = (await ourExtension().activate()) as { useScriptedPrompter?: unknown } | undefined;
      assert.equal(
        typeof exports?.useScriptedPrompter,
        'function',
        'extensionTestsPath runs the host in ExtensionMode.Test',
      );
    },
  },
  {
    name: 'activation loads none of the Alibaba Cloud SDK bundles',
    run() {
      const sdks = Object.keys(require.cache).filter((f) => /[\\/]dist[\\/]sdk[\\/]/.test(f));
      assert.deepEqual(sdks, []);
    },
  },
  {
    name: 'registers every command package.json contributes',
    async run() {
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = contributedCommands()
        .map((c) => c.command)
        .filter((id) => !registered.has(id));
      assert.deepEqual(missing, []);
    },
  },
  {
    name: 'runs alibabaCloud.showLog',
    async run() {
      await vscode.commands.executeCommand('alibabaCloud.showLog');
    },
  },
  {
    name: 'gets the sandbox env from the harness and reaches the sandbox',
    async run() {
      const info = sandboxInfo();
      assert.equal(process.env.ALIBABA_CLOUD_SANDBOX_URL, info.url);
      assert.equal(process.env.ALIBABA_CLOUD_SANDBOX_ACCESS_KEY_ID, info.accessKeyId);
      // No assert.equal here: its message would print the secret into the logs.
      assert.ok(
        process.env.ALIBABA_CLOUD_SANDBOX_ACCESS_KEY_SECRET === info.accessKeySecret,
        'ALIBABA_CLOUD_SANDBOX_ACCESS_KEY_SECRET differs from the sandbox info',
      );
      const res = await sandboxControl('info');
      assert.equal(res.status, 200);
      const body = (await res.json()) as { accountId: string };
      assert.equal(body.accountId, info.accountId);
      const anonymous = await fetch(`${info.url}/__sandbox/info`, { signal: AbortSignal.timeout(5000) });
      assert.equal(anonymous.status, 401, 'the control routes need the token');
    },
  },
  {
    name: 'runs under the loopback guard: the extension host cannot reach a non-loopback address',
    async run() {
      // 100.100.100.200 is the real metadata service; nothing may ever try it from a test run.
      for (const host of ['100.100.100.200', '192.0.2.1']) {
        const code = await new Promise<string | undefined>((resolve) => {
          const socket = net.connect({ host, port: 80 });
          socket.setTimeout(3000, () => {
            socket.destroy();
            resolve('timeout');
          });
          socket.once('connect', () => {
            socket.destroy();
            resolve('connected');
          });
          socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code));
        });
        assert.equal(code, 'ELOOPBACKGUARD', `${host}: ${code}`);
      }
    },
  },
  {
    name: '"Start Sandbox" while a sandbox is active reuses it: no second sandbox, and the instance role keeps its endpoints',
    async run() {
      const a = (await ourExtension().activate()) as ExtensionApi;
      const info = sandboxInfo();
      const result = await vscode.commands.executeCommand<{ endpoint: string; reused: boolean }>(
        'alibabaCloud.startSandbox',
      );
      assert.deepEqual(result, { endpoint: info.endpoint, reused: true });
      assert.equal(a.services.profiles.active()?.id, 'sandbox:Sandbox');
      assert.equal(a.services.profiles.sandboxEndpoint, info.endpoint);
      const { entry, cloud } = await a.services.cloud();
      assert.equal(entry.id, 'sandbox:Sandbox');
      assert.ok((await cloud.ecs.describeRegions()).length > 0, 'still the harness sandbox');
      await vscode.commands.executeCommand('notifications.clearAll');
    },
  },
  {
    name: 'another extension cannot switch or add the active identity through args: the user is asked, naming the profile, and Cancel changes nothing',
    async run() {
      const a = (await ourExtension().activate()) as ExtensionApi;
      const profiles = a.services.profiles;
      if (profiles.active()?.id !== 'sandbox:Sandbox') {
        await profiles.select('sandbox:Sandbox');
      }
      const name = `e2e-intruder-${Date.now().toString(36)}`;
      const args = {
        name,
        accessKeyId: ['SBX', 'AK', 'intruder', '0000'].join(''),
        accessKeySecret: 'not-a-real-secret-0000',
        regionId: 'cn-hangzhou',
      };
      const prompt = a.useScriptedPrompter();

      prompt.enqueue(false);
      await vscode.commands.executeCommand('alibabaCloud.addProfile', args);
      assert.deepEqual(prompt.asked.splice(0), [`confirm:Add profile "${name}" and make it the active identity?`]);
      assert.equal(profiles.active()?.id, 'sandbox:Sandbox', 'Cancel: the identity did not change');
      assert.ok(!profiles.list().some((p) => p.name === name), 'Cancel: nothing was added');

      prompt.enqueue('Add and Switch');
      await vscode.commands.executeCommand('alibabaCloud.addProfile', args);
      assert.equal(profiles.active()?.id, `extension:${name}`, 'accepted: added and active');
      prompt.asked.splice(0);

      prompt.enqueue(false);
      assert.equal(
        await vscode.commands.executeCommand('alibabaCloud.selectProfile', { id: 'sandbox:Sandbox' }),
        false,
      );
      assert.deepEqual(prompt.asked.splice(0), ['confirm:Switch to profile "Sandbox"?']);
      assert.equal(profiles.active()?.id, `extension:${name}`, 'Cancel: still the same identity');

      prompt.enqueue('Switch', 'Remove');
      assert.equal(await vscode.commands.executeCommand('alibabaCloud.selectProfile', { id: 'sandbox:Sandbox' }), true);
      assert.equal(profiles.active()?.id, 'sandbox:Sandbox');
      await vscode.commands.executeCommand('alibabaCloud.removeProfile', { id: `extension:${name}` });
      assert.ok(!profiles.list().some((p) => p.name === name));
      // The picker ends with "Add AccessKey Profile…", which starts Add Profile's steps.
      prompt.asked.splice(0);
      prompt.enqueue('Add AccessKey Profile…', undefined);
      await vscode.commands.executeCommand('alibabaCloud.selectProfile');
      assert.match(String(prompt.offered.at(-1)?.at(-1)?.label), /Add AccessKey Profile…$/);
      assert.deepEqual(prompt.asked.splice(0), ['pick:Select Profile', 'input:Add AccessKey Profile (1/4)']);
      // Selecting the profile that is already active asks nothing.
      prompt.asked.splice(0);
      assert.equal(await vscode.commands.executeCommand('alibabaCloud.selectProfile', { id: 'sandbox:Sandbox' }), true);
      assert.deepEqual(prompt.asked, []);
      await vscode.commands.executeCommand('notifications.clearAll');
    },
  },
  {
    name: 'Select Regions opens with the regions the ECS view shows already checked',
    async run() {
      const a = (await ourExtension().activate()) as ExtensionApi;
      const cfg = vscode.workspace.getConfiguration('alibabaCloud');
      const before = cfg.inspect<string[]>('regions')?.globalValue;
      try {
        await cfg.update('regions', undefined, vscode.ConfigurationTarget.Global);
        const shown = a.services.profiles.active()!.regionId;
        const prompt = a.useScriptedPrompter();
        prompt.enqueue([shown]);
        await vscode.commands.executeCommand('alibabaCloud.selectRegions');
        const checked = prompt.offered[0].filter((i) => i.picked).map((i) => i.label);
        // Nothing chosen: the view shows every region with instances (the seed has them in two).
        assert.deepEqual(
          checked,
          ['cn-hangzhou', 'cn-shanghai'],
          'nothing chosen yet: the regions the view shows are checked',
        );
        assert.ok(checked.includes(shown));
        prompt.enqueue(['cn-hangzhou', 'cn-shanghai']);
        await vscode.commands.executeCommand('alibabaCloud.selectRegions');
        prompt.enqueue(['cn-hangzhou', 'cn-shanghai']);
        await vscode.commands.executeCommand('alibabaCloud.selectRegions');
        assert.deepEqual(
          prompt.offered[2]
            .filter((i) => i.picked)
            .map((i) => i.label)
            .sort(),
          ['cn-hangzhou', 'cn-shanghai'],
        );
      } finally {
        await cfg.update('regions', before, vscode.ConfigurationTarget.Global);
      }
    },
  },
  {
    name: 'the walkthrough ticks a step only when its command succeeded, not when it was cancelled',
    timeoutMs: 30_000,
    async run() {
      const a = (await ourExtension().activate()) as ExtensionApi;
      const steps = (
        ourExtension().packageJSON as {
          contributes: { walkthroughs: Array<{ steps: Array<{ id: string; completionEvents: string[] }> }> };
        }
      ).contributes.walkthroughs[0].steps;
      for (const st of steps) {
        assert.deepEqual(st.completionEvents, [`onContext:alibabaCloud.walkthrough.${st.id}Done`], st.id);
      }
      assert.ok(!a.walkthroughStepsDone().includes('createRole'), 'nothing before this test created a role');
      const p = a.useScriptedPrompter();
      p.enqueue(undefined); // Escape at the role name
      await vscode.commands.executeCommand('alibabaCloud.ram.createEcsRole');
      assert.equal(p.pending, 0);
      assert.ok(!a.walkthroughStepsDone().includes('createRole'), 'a cancelled command ticks nothing');
      const roleName = `E2eWalkthrough${Date.now() % 100000}`;
      const { cloud } = await a.services.cloud();
      try {
        await vscode.commands.executeCommand('alibabaCloud.ram.createEcsRole', { roleName, description: 'e2e' });
        assert.ok(a.walkthroughStepsDone().includes('createRole'), 'a created role ticks the step');
      } finally {
        await cloud.ram.deleteRole(roleName).catch(() => undefined);
        await vscode.commands.executeCommand('notifications.clearAll');
      }
    },
  },
];
