// Connect with Remote-SSH and Verify Role on Instance in the real extension host, against the
// harness's sandbox. The ssh config is a temp file named by alibabaCloud.ssh.configFile (never the
// real ~/.ssh/config); the new window Remote-SSH would open is captured by the scripted prompter
// (Remote-SSH cannot run here). Verify Role runs through Cloud Assistant over the wire.
// To run: list `{ name: 'connect', tests: connectTests }` in index.ts.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { ourExtension, sandboxApi as api, sandboxControl, sandboxInfo, sandboxRequests, waitFor } from './helpers';
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

/** A fresh ed25519 public key as an OpenSSH line (`ssh-ed25519 <base64>`): the instance's host key. */
function hostKeyLine(): string {
  const raw = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64')}`;
}

export const connectTests: HostTest[] = [
  {
    name: 'Connect with Remote-SSH on demo-web-1 writes its entry in a temp ssh config and opens the vscode-remote window',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-ssh-'));
      fs.writeFileSync(configFile(), USER_CONFIG, { mode: 0o640 });
      fs.chmodSync(configFile(), 0o640);
      await setConfigFile(configFile());
      const p = a.useScriptedPrompter();
      p.enqueue(true);
      const from = await requestCount();
      const r = (await vscode.commands.executeCommand('alibabaCloud.ecs.connectRemoteSsh', {
        regionId: REGION,
        instanceId: WEB,
      })) as { connected: boolean; alias: string; uri: string };
      const alias = `demo-web-1.${WEB}`;
      assert.equal(r?.connected, true, `prompts: ${p.asked.join(' | ')}`);
      // Remote-SSH is there (the harness's stand-in, test/e2e/fixtures/remote-ssh-stub): nothing to install.
      assert.deepEqual(p.installed, []);
      assert.deepEqual(p.opened, [`vscode-remote://ssh-remote+${alias}/root`]);
      assert.equal(r.uri, p.opened[0]);
      assert.ok(p.asked.some((q) => q.startsWith('confirm:Write an SSH entry for demo-web-1')));
      const text = fs.readFileSync(configFile(), 'utf8');
      assert.ok(text.startsWith(USER_CONFIG), "the user's Include and entries are untouched");
      assert.match(
        text,
        new RegExp(
          `Host ${alias.replace(/\./g, '\\.')}\\n(?:.*\\n)*? {4}HostName 47\\.96\\.0\\.10\\n {4}User root\\n {4}IdentityFile .*demo-key\\.pem`,
        ),
      );
      assert.doesNotMatch(text, /ProxyCommand/, 'an instance with a public IP and port 22 open is reached directly');
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
    name: 'Connect on demo-worker-1 through Session Manager: pre-flight, the bridge as ProxyCommand (no token), the vscode-remote window; the entry reaches the instance',
    timeoutMs: 120_000,
    async run() {
      const a = await api();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-ssh-'));
      fs.writeFileSync(configFile(), USER_CONFIG, { mode: 0o600 });
      await setConfigFile(configFile());
      // What answers on the instance's port 22 (its banner is all this test reads) and its host key.
      const server = net.createServer((c) => c.end('SSH-2.0-e2e-instance\r\n'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as net.AddressInfo).port;
      const hostKey = hostKeyLine();
      const mapped = await sandboxControl('instance-port', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ map: `${WORKER}:22=127.0.0.1:${port}`, hostKey }),
      });
      assert.equal(mapped.status, 200);
      const alias = `demo-worker-1.${WORKER}`;
      try {
        const p = a.useScriptedPrompter();
        // Session Manager is off in the sandbox's account: turned on when asked, naming what that changes.
        p.enqueue('Connect through Session Manager', 'Enable Session Manager', 'Connect');
        // The VS Code server is offered for download on the instance when this editor names its build.
        const product = JSON.parse(fs.readFileSync(path.join(vscode.env.appRoot, 'product.json'), 'utf8')) as {
          commit?: string;
        };
        const offered = /^[0-9a-f]{40}$/.test(product.commit ?? '');
        if (offered) {
          p.enqueue('Download on the Instance');
        }
        const from = await requestCount();
        const r = (await vscode.commands.executeCommand('alibabaCloud.ecs.connectRemoteSsh', {
          regionId: REGION,
          instanceId: WORKER,
        })) as { connected: boolean; uri: string; serverStaged?: string };
        assert.equal(r?.connected, true, `prompts: ${p.asked.join(' | ')}`);
        assert.equal(p.pending, 0, p.asked.join(' | '));
        if (offered) {
          assert.ok(p.asked.includes('choose:Have demo-worker-1 download the VS Code server itself?'));
          // demo-worker-1 has no way out to the internet: said so, and Remote-SSH sends the server instead.
          assert.equal(r.serverStaged, 'downloadFailed');
        }
        assert.deepEqual(p.opened, [`vscode-remote://ssh-remote+${alias}/home/ecs-user`]);
        assert.match(p.asked[1] ?? '', /^confirm:Enable Session Manager for account \d+ \(profile Sandbox\)\?$/);
        assert.match(p.details[1] ?? '', /ModifyCloudAssistantSettings/);
        assert.ok(p.asked[2]?.startsWith('confirm:Write an SSH entry for demo-worker-1'), p.asked.join(' | '));
        assert.match(p.details[2] ?? '', /ProxyCommand env ELECTRON_RUN_AS_NODE=1 /);
        assert.match(p.details[2] ?? '', /config_ecs_instance_connect/);

        const text = fs.readFileSync(configFile(), 'utf8');
        assert.ok(text.startsWith(USER_CONFIG), "the user's entries are untouched");
        const block = text.slice(text.indexOf(`Host ${alias}\n`));
        const line = (key: string) => new RegExp(`^ {4}${key} (.*)$`, 'm').exec(block)?.[1] ?? '';
        assert.equal(line('HostName'), WORKER);
        assert.equal(line('User'), 'ecs-user');
        const proxy = line('ProxyCommand');
        const bridge = path.join(ourExtension().extensionPath, 'dist', 'sessionBridge.js');
        assert.ok(
          proxy.startsWith(`env ELECTRON_RUN_AS_NODE=1 "${process.execPath}" "${bridge}" --channel "`),
          `VS Code's own runtime runs the bridge: ${proxy}`,
        );
        assert.match(proxy, new RegExp(`--region ${REGION} --instance ${WORKER} --port 22$`));
        assert.ok(fs.existsSync(bridge), bridge);
        // No session URL, token or secret in the file (the bridge asks the extension over its channel).
        const info = sandboxInfo();
        assert.ok(!/wss?:\/\/|token|session\?/i.test(block), 'no session URL or token in the entry');
        assert.ok(!text.includes(info.accessKeySecret) && !text.includes(info.controlToken), 'no secret in the file');
        const known = fs.readFileSync(line('UserKnownHostsFile'), 'utf8');
        assert.ok(known.includes(`${alias} ${hostKey}`), 'the host key read on the instance is pinned');
        const actions = await requestedActions(from);
        for (const want of ['ModifyCloudAssistantSettings', 'DescribeCloudAssistantStatus', 'RunCommand']) {
          assert.ok(actions.includes(want), `${want} over the wire: ${actions.join(', ')}`);
        }
        assert.ok(actions.filter((x) => x === 'RunCommand').length >= 2, 'host keys read, plug-in installed');

        // The entry works: ssh's ProxyCommand, run as ssh would (through a shell), reaches the instance's port 22.
        const bridgeRun = spawn('/bin/sh', ['-c', proxy], { stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        bridgeRun.stdout.on('data', (d: Buffer) => (out += d.toString()));
        bridgeRun.stderr.on('data', (d: Buffer) => (err += d.toString()));
        try {
          await waitFor('the instance banner through the bridge', () => out.includes('SSH-2.0-e2e-instance'), 60_000);
        } catch (e) {
          throw new Error(`${(e as Error).message}; bridge stderr: ${err.slice(0, 500)}`, { cause: e });
        } finally {
          bridgeRun.kill();
        }
        const after = await requestedActions(from);
        assert.ok(after.includes('InvokeCommand') && after.includes('StartTerminalSession'), after.join(', '));
      } finally {
        server.close();
        await setConfigFile(undefined);
        fs.rmSync(dir, { recursive: true, force: true });
      }
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
      // Local time with its zone, as every shown time (formatDateTime).
      assert.match(String(item.description), /^expires \d{4}-\d\d-\d\d \d\d:\d\d \S+$/);
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
