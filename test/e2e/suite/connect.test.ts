// Connect with Remote-SSH and Verify Role on Instance in the real extension host, against the
// harness's sandbox. The ssh config is a temp file named by alibabaCloud.ssh.configFile (never the
// real ~/.ssh/config); the new window Remote-SSH would open is captured by the scripted prompter
// (Remote-SSH cannot run here). Verify Role runs through Cloud Assistant over the wire.
// To run: list `{ name: 'connect', tests: connectTests }` in index.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { sandboxControl, sandboxRequests, waitFor, sandboxApi as api } from './helpers';
import type { HostTest } from './runner';

/** From src/sandbox/seed/demo.ts (DEMO): demo-web-1 (public IP, no role) and demo-worker-1 (role, no public IP). */
const WEB = 'i-bp1sandboxvpc000001';
const WORKER = 'i-bp1sandboxvpc000002';
const ROLE = 'DemoEcsOssReader';
const REGION = 'cn-hangzhou';

const USER_CONFIG = 'Include config.d/*\n\nHost github.com\n    User git\n';

let dir = '';
const configFile = () => path.join(dir, 'config');
const setConfigFile = (v: string | undefined) =>
  vscode.workspace.getConfiguration('alibabaCloud').update('ssh.configFile', v, vscode.ConfigurationTarget.Global);

async function identityItems(a: ExtensionApi): Promise<vscode.TreeItem[]> {
  const provider = a.explorer.providers.get('identity')!;
  return Promise.all((await provider.getChildren()).map((n) => provider.getTreeItem(n)));
}
const label = (i: vscode.TreeItem) => (typeof i.label === 'string' ? i.label : (i.label?.label ?? ''));

const requestedActions = async (from: number) => (await sandboxRequests()).slice(from).map((r) => r.action);
const requestCount = async () => (await sandboxRequests()).length;

export const connectTests: HostTest[] = [
  {
    name: 'Connect with Remote-SSH on demo-web-1 writes its entry in a temp ssh config and asks for the vscode-remote window',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-ssh-'));
      fs.writeFileSync(configFile(), USER_CONFIG, { mode: 0o640 });
      fs.chmodSync(configFile(), 0o640);
      await setConfigFile(configFile());
      const p = a.useScriptedPrompter();
      // A browser build (this VS Code server) cannot install Remote-SSH: the ssh command instead.
      p.enqueue(true, 'Copy ssh Command');
      const from = await requestCount();
      const r = (await vscode.commands.executeCommand('alibabaCloud.ecs.connectRemoteSsh', {
        regionId: REGION,
        instanceId: WEB,
      })) as { connected: boolean; alias: string; sshCommand: string };
      const alias = `demo-web-1.${WEB}`;
      assert.equal(r?.connected, false, `prompts: ${p.asked.join(' | ')}`);
      assert.ok(p.asked.includes('choose:Remote - SSH needs desktop Visual Studio Code.'), p.asked.join(' | '));
      assert.deepEqual(p.installed, [], 'nothing to install from a Marketplace this build does not have');
      assert.deepEqual(p.opened, []);
      assert.equal(r.sshCommand, `ssh -F "${configFile()}" ${alias}`);
      assert.equal(await vscode.env.clipboard.readText(), r.sshCommand);
      assert.ok(p.asked.some((q) => q.startsWith('confirm:Write an SSH entry for demo-web-1')));
      const text = fs.readFileSync(configFile(), 'utf8');
      assert.ok(text.startsWith(USER_CONFIG), "the user's Include and entries are untouched");
      assert.match(
        text,
        new RegExp(
          `Host ${alias.replace(/\./g, '\\.')}\\n(?:.*\\n)*? {4}HostName 47\\.96\\.0\\.10\\n {4}User root\\n {4}IdentityFile .*demo-key\\.pem`,
        ),
      );
      assert.equal(fs.statSync(configFile()).mode & 0o777, 0o640, 'the file keeps its mode');
      const actions = await requestedActions(from);
      assert.ok(
        actions.includes('DescribeInstances') && actions.includes('DescribeSecurityGroupAttribute'),
        `pre-flight over the wire: ${actions.join(', ')}`,
      );
      assert.equal(p.pending, 0);
    },
  },
  {
    name: 'Connect on demo-worker-1 (no public IP) explains why and how to fix it, and writes nothing',
    async run() {
      const a = await api();
      const before = fs.readFileSync(configFile(), 'utf8');
      const p = a.useScriptedPrompter();
      // The billable way out is never the default button, and it asks once more: declined, nothing is allocated.
      p.enqueue('Allocate Public IP', false);
      const from = await requestCount();
      const declined = (await vscode.commands.executeCommand('alibabaCloud.ecs.connectRemoteSsh', {
        regionId: REGION,
        instanceId: WORKER,
      })) as { connected: boolean };
      assert.equal(declined?.connected, false);
      // Session Manager first: it needs no public IP and no open port, and bills nothing.
      assert.deepEqual(p.choices.at(-1), [
        'Connect through Session Manager',
        'Use Private IP (VPN or Bastion)',
        'Allocate Public IP',
      ]);
      assert.match(
        p.asked.at(-1) ?? '',
        /^confirm:Allocate a public IP for demo-worker-1 in account \d+ \(profile Sandbox\)\?$/,
      );
      assert.match(p.details.at(-1) ?? '', /billed by traffic/);
      assert.ok(!(await requestedActions(from)).includes('AllocatePublicIpAddress'));

      p.enqueue('Cancel');
      const r = (await vscode.commands.executeCommand('alibabaCloud.ecs.connectRemoteSsh', {
        regionId: REGION,
        instanceId: WORKER,
      })) as { connected: boolean; problems: string[] };
      assert.equal(r?.connected, false);
      assert.ok(r.problems.includes('noPublicIp'), r.problems.join(', '));
      assert.ok(p.asked.includes('choose:demo-worker-1 has no public IP address.'), p.asked.join(' | '));
      assert.deepEqual(p.opened, []);
      assert.equal(fs.readFileSync(configFile(), 'utf8'), before);
      await setConfigFile(undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  },
  {
    name: "Verify Role on Instance shows demo-worker-1's role and expiry, and that listing demo-data works (Pending → Running → Success)",
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      a.useScriptedPrompter();
      const slow = await sandboxControl('realism', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ commands: { deliveryMs: 800, runMs: 1200 } }),
      });
      assert.equal(slow.status, 200);
      const from = await requestCount();
      try {
        const r = (await vscode.commands.executeCommand('alibabaCloud.ecs.verifyRole', {
          regionId: REGION,
          instanceId: WORKER,
          bucket: 'demo-data',
        })) as { verdict: string; role: string; expiration: string; list: string };
        assert.equal(r?.verdict, 'roleOk');
        assert.equal(r.role, ROLE);
        assert.ok(Date.parse(r.expiration) > Date.now(), r.expiration);
        assert.equal(r.list, 'ok');
      } finally {
        await sandboxControl('realism', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ commands: { deliveryMs: 0, runMs: 0 } }),
        });
      }
      const actions = await requestedActions(from);
      assert.ok(actions.includes('DescribeCloudAssistantStatus') && actions.includes('RunCommand'), actions.join(', '));
      assert.ok(actions.filter((x) => x === 'DescribeInvocationResults').length >= 2, 'polled until the final state');
      const item = (await identityItems(a)).find((i) => label(i) === `Role on demo-worker-1: ${ROLE}`);
      assert.ok(item, 'the identity view shows the verified role');
      assert.match(String(item.description), /^expires \d{4}-\d\d-\d\dT/);
    },
  },
  {
    name: 'Verify Role on Instance from the palette says clearly that demo-web-1 has no role',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const p = a.useScriptedPrompter();
      p.enqueue('demo-web-1', 'Skip the OSS check');
      const r = (await vscode.commands.executeCommand('alibabaCloud.ecs.verifyRole')) as {
        verdict: string;
        summary: string;
        detail: string;
      };
      assert.equal(r?.verdict, 'noRole');
      assert.equal(r.summary, 'demo-web-1 has no RAM role.');
      assert.match(r.detail, /404/);
      const items = await identityItems(a);
      assert.ok(
        items.some((i) => label(i) === 'No role on demo-web-1'),
        items.map(label).join(', '),
      );
      assert.ok(
        items.some((i) => label(i) === `Role on demo-worker-1: ${ROLE}`),
        'earlier results stay',
      );
    },
  },
  {
    name: '"Show in Identity View" after Verify Role reveals and selects the check\'s row',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const p = a.useScriptedPrompter();
      p.enqueue('Show in Identity View');
      await vscode.commands.executeCommand('alibabaCloud.ecs.verifyRole', {
        regionId: REGION,
        instanceId: WEB,
        bucket: '',
      });
      const view = a.explorer.views.get('identity')!;
      const selected = await waitFor(
        'the row to be selected',
        () => view.selection.find((n) => n.id === `identity/roleCheck/${WEB}`),
        15_000,
      );
      assert.ok(view.visible, 'the identity view is shown');
      assert.equal(label(await a.explorer.providers.get('identity')!.getTreeItem(selected)), 'No role on demo-web-1');
    },
  },
];
