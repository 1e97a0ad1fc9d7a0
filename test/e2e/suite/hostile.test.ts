// A cloned repository must not turn the extension against its user. The test workspace gets the
// .vscode/settings.json such a repository could carry: every endpoint override, the metadata URL,
// probing and insecure fallback point at a loopback capture server started here. Then the user
// works as usual (every tree expanded, an OSS object opened, edited and saved, a presigned URL,
// Detect Instance Role): the capture server receives nothing and the active profile stays the
// user's own (the sandbox). A second test proves metadata requests bypass VS Code's HTTP proxy.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { DEMO } from '../../../src/sandbox/seed/demo';
import type { TreeNode } from '../../../src/views/node';
import { callsDuring, ourExtension, sandboxInfo, sandboxSettled, waitFor, save } from './helpers';
import type { HostTest } from './runner';

const api = async () => (await ourExtension().activate()) as ExtensionApi;

/** Records every request (and proxy CONNECT); answers nothing useful. */
async function captureServer(
  host = '127.0.0.1',
): Promise<{ hostPort: string; url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.headers.host ?? ''}${req.url}`);
    res.writeHead(503).end();
  });
  server.on('connect', (req, socket) => {
    hits.push(`CONNECT ${req.url}`);
    socket.destroy();
  });
  // Anything that is not HTTP (a TLS handshake, say) still counts.
  server.on('clientError', (_e, socket) => {
    hits.push('non-HTTP bytes');
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as net.AddressInfo;
  return {
    hostPort: `${host}:${port}`,
    url: `http://${host}:${port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Expands every node of a view, breadth first, within limits; returns how many nodes it saw. */
async function expandAll(
  a: ExtensionApi,
  view: 'identity' | 'ram' | 'ecs' | 'oss',
  maxDepth = 3,
  maxNodes = 150,
): Promise<string[]> {
  const provider = a.explorer.providers.get(view)!;
  const labels: string[] = [];
  let level: Array<TreeNode | undefined> = [undefined];
  for (let depth = 0; depth < maxDepth && level.length && labels.length < maxNodes; depth++) {
    const next: TreeNode[] = [];
    for (const parent of level) {
      for (const n of await provider.getChildren(parent)) {
        const item = await provider.getTreeItem(n);
        const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
        labels.push(`${view}:${'  '.repeat(depth)}${label}`);
        if (item.collapsibleState !== vscode.TreeItemCollapsibleState.None) {
          next.push(n);
        }
      }
    }
    level = next;
  }
  return labels;
}

export const hostileWorkspaceTests: HostTest[] = [
  {
    name: 'a hostile .vscode/settings.json redirects nothing: trees, open and save, presign, Detect Instance Role',
    timeoutMs: 120_000,
    async run() {
      const a = await api();
      await a.services.profiles.select('sandbox:Sandbox');
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'the harness opens a workspace folder');
      const capture = await captureServer();
      const hostile = {
        protocol: 'http',
        ram: capture.hostPort,
        sts: capture.hostPort,
        ecs: capture.hostPort,
        ecsByRegion: { 'cn-hangzhou': capture.hostPort },
        oss: capture.url,
        ossResolveTo: '127.0.0.1',
        metadata: capture.url,
      };
      const names = [
        ...new Set([
          ...a.services.profiles.list().map((p) => p.name),
          'Sandbox',
          'Instance role',
          'Environment variables',
        ]),
      ];
      const settingsFile = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(
        settingsFile,
        JSON.stringify(
          {
            'alibabaCloud.endpointOverrides': Object.fromEntries(names.map((n) => [n, hostile])),
            'alibabaCloud.metadata.endpoint': capture.url,
            'alibabaCloud.metadata.probe': 'always',
            'alibabaCloud.metadata.allowInsecureFallback': true,
            'alibabaCloud.oss.useInternalEndpointOnInstance': false,
            'alibabaCloud.oss.presignExpirySeconds': 999_999_999,
            // Pins are the user's: a repository neither adds one nor receives the user's.
            'alibabaCloud.oss.pinned': ['oss://e2e-repo-pin/'],
            // A window-scoped canary: once it reads 7, VS Code has loaded this file.
            'alibabaCloud.oss.pageSize': 7,
          },
          null,
          2,
        ),
      );
      const cfg = () => vscode.workspace.getConfiguration('alibabaCloud');
      const dir = vscode.Uri.parse(`oss://${DEMO.bucket}/e2e-hostile/`);
      const uri = vscode.Uri.joinPath(dir, `${Date.now()}.txt`);
      try {
        await waitFor('the workspace settings to load', () => cfg().get('oss.pageSize') === 7);
        // Re-selecting rebuilds the profile's clients, so they are made with whatever settings apply now.
        await a.services.profiles.select('sandbox:Sandbox');
        a.explorer.refreshAll();

        // Every tree, as a user expanding everything.
        const seen: string[] = [];
        for (const view of ['identity', 'ram', 'ecs', 'oss'] as const) {
          seen.push(...(await expandAll(a, view)));
        }
        assert.ok(
          seen.some((l) => l.includes(DEMO.bucket)),
          `the OSS view lists the sandbox's buckets: ${seen.join(' | ')}`,
        );
        assert.ok(
          !seen.some((l) => l.includes('e2e-repo-pin')),
          `the workspace's pin is not shown: ${seen.join(' | ')}`,
        );
        const myPin = `oss://${DEMO.bucket}/e2e-hostile-pin/`;
        await vscode.commands.executeCommand('alibabaCloud.oss.pin', { uri: myPin });
        try {
          assert.deepEqual(
            JSON.parse(fs.readFileSync(settingsFile, 'utf8'))['alibabaCloud.oss.pinned'],
            ['oss://e2e-repo-pin/'],
            "the user's pin is not written into the repository",
          );
          assert.ok(cfg().inspect<string[]>('oss.pinned')?.globalValue?.includes(myPin), 'the pin is in user settings');
        } finally {
          await vscode.commands.executeCommand('alibabaCloud.oss.unpin', { uri: myPin });
        }
        assert.ok(
          seen.some((l) => /^ecs:.*i-bp1sandbox|^ecs:.*demo-/.test(l)),
          `the ECS view lists the sandbox's instances: ${seen.join(' | ')}`,
        );

        // Open, edit and save an OSS object in the editor.
        await vscode.workspace.fs.writeFile(uri, Buffer.from('v1\n'));
        const doc = await vscode.workspace.openTextDocument(uri);
        const editor = await vscode.window.showTextDocument(doc);
        await editor.edit((e) => e.insert(new vscode.Position(1, 0), 'v2\n'));
        assert.ok(await save(doc), 'saved');
        assert.equal(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString(), 'v1\nv2\n');
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

        // A presigned URL goes to the real (sandbox) OSS host and lives at most 7 days.
        const signed = await vscode.commands.executeCommand<{ url: string; expiresAt: string }>(
          'alibabaCloud.oss.copyPresignedUrl',
          { uri: uri.toString() },
        );
        assert.ok(!signed.url.includes(capture.hostPort), 'presigned URL host');
        assert.ok(Date.parse(signed.expiresAt) - Date.now() <= 604_800_000 + 5000, 'presign lifetime capped at 7 days');

        // Detect Instance Role: sandbox mode, and the workspace's metadata URL is not the user's.
        const out = await vscode.commands.executeCommand<{ kind: string; code?: string }>(
          'alibabaCloud.instance.detect',
        );
        assert.notEqual(out?.kind, 'found');
        assert.equal(out?.code, 'SandboxMode');
        // Diagnostics refuse too (the error funnel shows why; the command returns nothing).
        assert.equal(
          await vscode.commands.executeCommand('alibabaCloud.instance.diagnose'),
          undefined,
          'diagnostics ran in sandbox mode',
        );

        assert.deepEqual(capture.hits, [], 'the capture server was reached');
        assert.equal(a.services.profiles.active()?.id, 'sandbox:Sandbox', "the user's own profile stays active");
        assert.equal(a.services.profiles.instanceProfile, undefined);
      } finally {
        await Promise.resolve(vscode.workspace.fs.delete(dir, { recursive: true })).catch(() => undefined);
        a.explorer.refreshAll();
        fs.rmSync(path.dirname(settingsFile), { recursive: true, force: true });
        await waitFor('the workspace settings to go', () => cfg().get('oss.pageSize') !== 7).catch(() => undefined);
        await capture.close();
      }
    },
  },
  {
    name: 'an oss:// binding the extension did not sign (a workspace file\'s folder) sends nothing until the user allows it, naming the real profile; signed ones act; listings never hand VS Code "", "..", or "\\" names',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      await a.services.profiles.select('sandbox:Sandbox');
      const p = a.useScriptedPrompter();
      const key = sandboxInfo().accessKeyId;
      const bound = (bucket: string, query: object) =>
        vscode.Uri.parse(`oss://${bucket}/`).with({ query: JSON.stringify(query) });
      // What `.code-workspace` could list: the profile chosen by the file, labelled "prod".
      const foreign = bound(DEMO.bucket, { profile: 'sandbox:Sandbox', name: 'prod' });
      // The previous test's deleted document, still stat-ed by VS Code, is not this binding's request.
      await sandboxSettled();
      p.enqueue(undefined);
      const refused = await callsDuring(() =>
        assert.rejects(Promise.resolve(vscode.workspace.fs.readDirectory(foreign)), /not allowed/),
      );
      assert.deepEqual(
        p.asked.splice(0),
        [`choose:Use profile Sandbox on bucket ${DEMO.bucket}?`],
        'asked once, with the real profile name',
      );
      assert.ok(!p.details.splice(0)[0].includes('prod'), "the query's name is not shown");
      // The OSS view may list buckets (its own ListBuckets, with the active profile) meanwhile; what
      // the binding would send is about its bucket: location, listing, objects.
      const aboutBucket = (c: { service: string; action: string }) => c.service === 'oss' && c.action !== 'ListBuckets';
      assert.deepEqual(refused.filter(aboutBucket), [], 'no request before the answer');
      // The answer holds for the session: asked no more, still nothing sent.
      const again = await callsDuring(() =>
        assert.rejects(
          Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(foreign, 'README.md'))),
          /not allowed/,
        ),
      );
      assert.deepEqual(p.asked, []);
      assert.deepEqual(again.filter(aboutBucket), []);

      // Allowed: the requests are signed by the profile the binding names (the sandbox's key).
      p.enqueue('Allow');
      const allowed = await callsDuring(() =>
        vscode.workspace.fs.readDirectory(bound(DEMO.shanghaiBucket, { profile: 'sandbox:Sandbox', name: 'Sandbox' })),
      );
      assert.equal(p.asked.length, 1);
      assert.ok(
        allowed.length && allowed.every((c) => c.service !== 'oss' || c.accessKeyId === key),
        JSON.stringify(allowed.map((c) => [c.action, c.accessKeyId === key])),
      );

      // What the extension opens is signed: no question; the same MAC on another bucket is foreign.
      const opened = vscode.Uri.parse(
        await vscode.commands.executeCommand<string>('alibabaCloud.oss.openObject', {
          uri: `oss://${DEMO.bucket}/README.md`,
        }),
      );
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      p.asked.splice(0);
      await vscode.workspace.fs.stat(opened);
      assert.deepEqual(p.asked, [], 'a signed binding acts without asking');
      p.enqueue(undefined);
      await assert.rejects(
        Promise.resolve(vscode.workspace.fs.stat(opened.with({ authority: 'e2e-not-signed-for' }))),
        /not allowed/,
      );
      assert.equal(p.asked.length, 1);

      // Keys with "" or "\" segments are real objects, never names VS Code joins into paths.
      const { cloud } = await a.services.cloud();
      const odd = ['e2e-names/ok.txt', 'e2e-names//empty.txt', 'e2e-names/a\\b.txt'];
      for (const k of odd) {
        await cloud.oss.putObject(DEMO.bucket, 'cn-hangzhou', k, Buffer.from(k));
      }
      try {
        const dir = vscode.Uri.parse(`oss://${DEMO.bucket}/e2e-names/`);
        assert.deepEqual(
          (await vscode.workspace.fs.readDirectory(dir)).map(([n]) => n),
          ['ok.txt'],
        );
        const stat = await callsDuring(() =>
          assert.rejects(
            Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.parse(`oss://${DEMO.bucket}/e2e-names//empty.txt`))),
            (e: Error) => e instanceof vscode.FileSystemError && e.code === 'FileNotFound',
          ),
        );
        assert.deepEqual(
          stat.filter((c) => c.service === 'oss'),
          [],
          'not found without a request',
        );
        // The OSS tree shows the key as it is, without a resource URI.
        const provider = a.explorer.providers.get('oss')!;
        const byLabel = async (nodes: TreeNode[], label: string) => {
          for (const n of nodes) {
            const item = await provider.getTreeItem(n);
            if ((typeof item.label === 'string' ? item.label : item.label?.label) === label) {
              return { n, item };
            }
          }
          throw new Error(`no row ${label}`);
        };
        a.explorer.refresh('oss');
        const buckets = await byLabel(await provider.getChildren(undefined), 'Buckets');
        const bucket = await byLabel(await provider.getChildren(buckets.n), DEMO.bucket);
        const folder = await byLabel(await provider.getChildren(bucket.n), 'e2e-names');
        const row = await byLabel(await provider.getChildren(folder.n), 'a\\b.txt');
        assert.equal(row.item.resourceUri, undefined);
      } finally {
        await cloud.oss.deleteObjects(DEMO.bucket, 'cn-hangzhou', odd);
      }
    },
  },
  {
    name: 'a RAM document URI the extension did not sign (a link, a workspace file) reads nothing until the user allows its profile; signed ones read without asking',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      await a.services.profiles.select('sandbox:Sandbox');
      const p = a.useScriptedPrompter();
      const role = DEMO.seededRole;
      // What a link or workspace file could name: the profile, and a label that lies about it.
      const foreign = vscode.Uri.from({
        scheme: 'alibabacloud-ram',
        path: `/prod/roles/${role}.trust.policy.json`,
        query: JSON.stringify({ profile: 'sandbox:Sandbox', name: 'prod' }),
      });
      await sandboxSettled();
      p.enqueue(undefined);
      const refused = await callsDuring(() =>
        assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(foreign)), /not allowed/),
      );
      assert.deepEqual(p.asked.splice(0), ['choose:Read RAM documents with profile Sandbox?'], 'asked once');
      assert.ok(!p.details.splice(0)[0].includes('prod'), "the query's name is not shown");
      assert.deepEqual(
        refused.filter((c) => c.service === 'ram'),
        [],
        'no RAM request before the answer',
      );
      // The answer holds for the session: another document under that profile is not read either.
      const again = await callsDuring(() =>
        assert.rejects(
          Promise.resolve(vscode.workspace.fs.readFile(foreign.with({ path: '/prod/roles/Other.trust.policy.json' }))),
          /not allowed/,
        ),
      );
      assert.deepEqual(p.asked, []);
      assert.deepEqual(
        again.filter((c) => c.service === 'ram'),
        [],
      );

      // The extension's own (signed) URI: read with its profile, no question.
      const opened = await callsDuring(async () => {
        const uri = await vscode.commands.executeCommand<vscode.Uri>('alibabaCloud.ram.openTrustPolicy', {
          roleName: role,
        });
        assert.match(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString(), /ecs\.aliyuncs\.com/);
        // The same MAC on another path is foreign (refused without asking again: this session's answer).
        await assert.rejects(
          Promise.resolve(vscode.workspace.fs.readFile(uri.with({ path: uri.path.replace(role, 'Other') }))),
          /not allowed/,
        );
      });
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      assert.deepEqual(p.asked, [], 'a signed URI reads without asking; the refusal of this session stands');
      assert.ok(
        opened.some((c) => c.service === 'ram' && c.action === 'GetRole'),
        JSON.stringify(opened.map((c) => c.action)),
      );
    },
  },
  {
    name: "metadata requests bypass VS Code's HTTP proxy (http.proxy set, proxySupport override)",
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const WITH_ROLE = 'i-bp1sandboxvpc000002';
      const imds = new URL(sandboxInfo().imds[WITH_ROLE]);
      // 127.0.0.2 is loopback but not "localhost" to VS Code's proxy resolver, so it would be proxied.
      const relayed: string[] = [];
      const relay = net.createServer((c) => {
        relayed.push('connection');
        const up = net.connect(Number(imds.port), imds.hostname);
        c.pipe(up).pipe(c);
        c.on('error', () => up.destroy());
        up.on('error', () => c.destroy());
      });
      await new Promise<void>((r) => relay.listen(0, '127.0.0.2', r));
      const relayUrl = `http://127.0.0.2:${(relay.address() as net.AddressInfo).port}${imds.pathname}`;
      const proxy = await captureServer();
      const http_ = vscode.workspace.getConfiguration('http');
      const ours = vscode.workspace.getConfiguration('alibabaCloud');
      try {
        await http_.update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
        await http_.update('proxySupport', 'override', vscode.ConfigurationTarget.Global);
        await ours.update('metadata.endpoint', relayUrl, vscode.ConfigurationTarget.Global);
        // The proxy is live: a plain request from this host to the same address goes through it.
        await new Promise<void>((resolve) => {
          const req = http.get(`${relayUrl}/latest/meta-data/instance-id`, (res) => {
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', () => resolve());
          req.setTimeout(3000, () => {
            req.destroy();
            resolve();
          });
        });
        assert.ok(proxy.hits.length > 0, 'a plain http.get is proxied (otherwise this test proves nothing)');
        proxy.hits.length = 0;
        relayed.length = 0;

        // The instance suite chose this instance's role there earlier; forget that choice.
        await a.services.context.globalState.update(`alibabaCloud.activeProfile@instance:${WITH_ROLE}`, undefined);
        let out = await vscode.commands.executeCommand<{ kind: string; code?: string; instanceId?: string }>(
          'alibabaCloud.instance.detect',
        );
        if (out?.kind === 'problem' && out.code === 'ImdsUnreachable') {
          out = await vscode.commands.executeCommand('alibabaCloud.instance.detect');
        }
        assert.equal(out?.kind, 'found', JSON.stringify(out));
        assert.equal(out.instanceId, WITH_ROLE);
        assert.ok(relayed.length > 0, 'the metadata service was reached directly');
        // Only metadata traffic matters here (a tree refresh may legitimately use the proxy meanwhile).
        assert.deepEqual(
          proxy.hits.filter((h) => h.includes('127.0.0.2') || h.includes('/latest/')),
          [],
          'no metadata request went through the proxy',
        );
        // Found through a non-default URL: listed, never made active on its own.
        assert.notEqual(a.services.profiles.active()?.source, 'instance');
      } finally {
        await ours.update('metadata.endpoint', undefined, vscode.ConfigurationTarget.Global);
        await http_.update('proxy', undefined, vscode.ConfigurationTarget.Global);
        await http_.update('proxySupport', undefined, vscode.ConfigurationTarget.Global);
        await vscode.commands.executeCommand('alibabaCloud.instance.detect');
        await waitFor('the instance profile to go', () => !a.services.profiles.instanceProfile);
        await proxy.close();
        await new Promise<void>((r) => relay.close(() => r()));
      }
    },
  },
];
