// Everyday actions on instances, buckets, objects and policies in the real extension
// host against the harness's sandbox: commands run with args objects and scripted prompts, and the
// sandbox's request log proves what was (not) called. Instances and buckets made here are released
// or deleted here; seeded ones are left as they were found.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import {
  callsDuring as requestsDuring,
  failing,
  sandboxControl,
  sandboxInfo,
  waitFor,
  sandboxApi as api,
} from './helpers';
import type { HostTest } from './runner';

/** From src/sandbox/seed/demo.ts (DEMO). */
const HZ = 'cn-hangzhou';
const SH = 'cn-shanghai';
const WEB = 'i-bp1sandboxvpc000001';
const SH_STOPPED = 'i-uf6sandboxvpc000001';

async function callsDuring<T>(fn: () => Thenable<T> | Promise<T>): Promise<{ result: T; calls: string[] }> {
  let result!: T;
  const calls = await requestsDuring(async () => {
    result = await fn();
  });
  return { result, calls: calls.map((r) => r.action) };
}

const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);

const setLifecycle = (ms: number) =>
  sandboxControl('realism', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lifecycle: { pendingMs: ms, startingMs: ms, stoppingMs: ms } }),
  });

async function newInstance(a: ExtensionApi, name: string): Promise<string> {
  const { cloud } = await a.services.cloud();
  const id = await cloud.ecs.runInstance({
    regionId: HZ,
    zoneId: 'cn-hangzhou-h',
    imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
    instanceType: 'ecs.g7.large',
    vSwitchId: 'vsw-bp1sandbox000001h',
    securityGroupId: 'sg-bp1sandbox00000001',
    instanceName: name,
    password: 'Aa1!e2e-pass',
    internetMaxBandwidthOut: 5,
  });
  assert.ok(id);
  await waitFor(`${name} running`, async () => (await cloud.ecs.getInstance(HZ, id)).status === 'Running', 20_000);
  return id;
}

async function instanceItem(a: ExtensionApi, id: string): Promise<vscode.TreeItem | undefined> {
  const provider = a.explorer.providers.get('ecs')!;
  a.explorer.refresh('ecs');
  for (const r of await provider.getChildren()) {
    for (const n of await provider.getChildren(r)) {
      const item = await provider.getTreeItem(n);
      if (String(item.description).startsWith(id)) {
        return item;
      }
    }
  }
  return undefined;
}

const stamp = Date.now().toString(36);

export const explorerTests: HostTest[] = [
  {
    name: "instances: the node's contextValue carries its status and addresses, so menus follow them",
    async run() {
      const a = await api();
      const web = await waitFor('demo-web-1 in the tree', () => instanceItem(a, WEB));
      assert.match(String(web.contextValue), /^instance vpc\b.*\brunning\b.*\bpublicIp\b/);
      assert.doesNotMatch(String(web.contextValue), /\beip\b|\bstopped\b/);
    },
  },
  {
    name: 'instances: Start follows Starting until Running; Stop asks (keep charging), follows Stopping until Stopped; dismissing stops nothing',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      await setLifecycle(1500);
      try {
        const prompt = a.useScriptedPrompter();
        const started = await callsDuring(() =>
          run<string>('alibabaCloud.ecs.startInstance', { regionId: SH, instanceId: SH_STOPPED }),
        );
        assert.equal(started.result, 'Running');
        assert.equal(started.calls.filter((c) => c === 'StartInstance').length, 1);
        // It was read while Starting, then once Running: the progress followed the state.
        assert.ok(started.calls.filter((c) => c === 'DescribeInstances').length >= 3, started.calls.join(' '));
        assert.equal(prompt.asked.length, 0, 'starting asks nothing');

        prompt.enqueue(undefined);
        const dismissed = await callsDuring(() =>
          run('alibabaCloud.ecs.stopInstance', { regionId: SH, instanceId: SH_STOPPED }),
        );
        assert.equal(dismissed.result, undefined);
        assert.ok(!dismissed.calls.includes('StopInstance'));

        prompt.enqueue('Stop, Keep Charging');
        const stopped = await callsDuring(() =>
          run<string>('alibabaCloud.ecs.stopInstance', { regionId: SH, instanceId: SH_STOPPED }),
        );
        assert.equal(stopped.result, 'Stopped');
        assert.match(prompt.details.at(-1)!, /Stop Charging \(economical mode\)/);
        const msg = await failing(a, 'alibabaCloud.ecs.stopInstance', { regionId: SH, instanceId: SH_STOPPED });
        assert.match(msg, /is Stopped; this needs it Running/);
      } finally {
        await setLifecycle(0);
      }
    },
  },
  {
    name: 'instances: while Start follows the instance, its row says Starting before the command ends (not Stopped)',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const provider = a.explorer.providers.get('ecs')!;
      // Reads the rows as the view has them (no refresh here: only the command may reload them).
      const row = async () => {
        for (const r of await provider.getChildren()) {
          for (const n of await provider.getChildren(r)) {
            const item = await provider.getTreeItem(n);
            if (String(item.description).startsWith(SH_STOPPED)) {
              return item;
            }
          }
        }
        return undefined;
      };
      a.explorer.refresh('ecs');
      await waitFor(
        'the stopped row',
        async () => /\bstopped\b/.test(String((await row())?.contextValue)) || undefined,
      );
      await setLifecycle(4000);
      try {
        let ended = false;
        const started = run<string>('alibabaCloud.ecs.startInstance', { regionId: SH, instanceId: SH_STOPPED }).then(
          (r) => {
            ended = true;
            return r;
          },
        );
        const during = await waitFor(
          'the row to say Starting',
          async () => {
            const item = await row();
            return /\bstarting\b/.test(String(item?.contextValue)) ? item : undefined;
          },
          20_000,
        );
        assert.ok(!ended, 'the row said Starting while the command was still following the instance');
        assert.match(String(during!.description), /Starting/);
        assert.equal(await started, 'Running');
        await waitFor(
          'the row to say Running',
          async () => /\brunning\b/.test(String((await row())?.contextValue)) || undefined,
        );
      } finally {
        await setLifecycle(0);
        // Leave the seeded instance stopped, as it was found.
        const prompt = a.useScriptedPrompter();
        prompt.enqueue('Stop, Keep Charging');
        await run('alibabaCloud.ecs.stopInstance', { regionId: SH, instanceId: SH_STOPPED });
        await run('notifications.clearAll');
      }
    },
  },
  {
    name: "instances from the palette: the picker lists every region with instances (the stopped one is in cn-shanghai, not the profile's region); with none left to start it says so and starts nothing",
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      assert.equal(a.services.profiles.active()?.regionId, HZ, 'the sandbox profile is in cn-hangzhou');
      const prompt = a.useScriptedPrompter();
      prompt.enqueue('demo-sh-batch');
      const started = await callsDuring(() => run<string>('alibabaCloud.ecs.startInstance'));
      assert.equal(started.result, 'Running');
      const offered = prompt.offered.at(-1)!.map((i) => i.description ?? '');
      assert.deepEqual(
        offered.filter((d) => d.startsWith(SH_STOPPED)),
        [`${SH_STOPPED} · ${SH}`],
        offered.join(' | '),
      );
      assert.ok(
        offered.every((d) => !d.startsWith(WEB)),
        'a running instance is not offered to Start',
      );

      // Nothing is stopped now: no empty picker, a message that says where it looked and why.
      const none = await callsDuring(() => run('alibabaCloud.ecs.startInstance'));
      assert.ok(!none.calls.includes('StartInstance'));
      const said = prompt.notifications.at(-1)!;
      assert.match(said, /No ECS instance to choose in .*cn-shanghai.*: none is stopped\./);
      assert.match(said, /cn-hangzhou/);

      prompt.enqueue('Stop, Keep Charging');
      assert.equal(
        await run<string>('alibabaCloud.ecs.stopInstance', { regionId: SH, instanceId: SH_STOPPED }),
        'Stopped',
      );
    },
  },
  {
    name: 'instances: Reboot confirms, then follows the instance back to Running',
    async run() {
      const a = await api();
      const prompt = a.useScriptedPrompter();
      prompt.enqueue('Reboot');
      const r = await callsDuring(() =>
        run<string>('alibabaCloud.ecs.rebootInstance', { regionId: HZ, instanceId: WEB }),
      );
      assert.equal(r.result, 'Running');
      assert.ok(r.calls.includes('RebootInstance'));
    },
  },
  {
    name: 'instances: Copy Public/Private IP copy the addresses; Copy Elastic IP says there is none',
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const web = await cloud.ecs.getInstance(HZ, WEB);
      assert.equal(await run('alibabaCloud.ecs.copyPublicIp', { regionId: HZ, instanceId: WEB }), web.publicIps[0]);
      assert.equal(await vscode.env.clipboard.readText(), web.publicIps[0]);
      assert.equal(await run('alibabaCloud.ecs.copyPrivateIp', { regionId: HZ, instanceId: WEB }), '172.16.1.10');
      assert.equal(await vscode.env.clipboard.readText(), '172.16.1.10');
      assert.equal(await run('alibabaCloud.ecs.copyEip', { regionId: HZ, instanceId: WEB }), undefined);
      assert.equal(await vscode.env.clipboard.readText(), '172.16.1.10');
      await run('notifications.clearAll');
    },
  },
  {
    name: 'instances: Instance Properties is a read-only document with every field, the role, metadata options and inbound rules',
    async run() {
      const a = await api();
      const r = await run<{ uri: string; text: string }>('alibabaCloud.ecs.instanceProperties', {
        regionId: HZ,
        instanceId: 'i-bp1sandboxvpc000002',
      });
      assert.ok(r.uri.startsWith('alibabacloud-properties:'));
      for (const want of [
        'DemoEcsOssReader',
        'HttpTokens: optional',
        'sg-bp1sandbox00000001 (demo-default)',
        '| Accept | TCP | 22/22 | 0.0.0.0/0 |',
        '> ⚠️ SSH (port 22) is open to 0.0.0.0/0, the whole internet',
        '"InstanceId": "i-bp1sandboxvpc000002"',
        '"VpcAttributes"',
      ]) {
        assert.ok(r.text.includes(want), `missing ${want}`);
      }
      // Shown rendered (the Markdown preview), not as markdown source.
      await waitFor('the rendered properties', () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .some((t) => t.input instanceof vscode.TabInputWebview && t.label.includes('i-bp1sandboxvpc000002')),
      );
      // A content-provider document cannot be saved back: no file system serves its scheme.
      assert.equal(vscode.workspace.fs.isWritableFileSystem('alibabacloud-properties'), undefined);
      await run('workbench.action.closeAllEditors');
      void a;
    },
  },
  {
    name: 'instances: Stop Charging names the public IP that may change; Release says what is lost, needs the exact name, and releases',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const name = `e2e-release-${stamp}`;
      const id = await newInstance(a, name);
      const { cloud } = await a.services.cloud();
      const ip = (await cloud.ecs.getInstance(HZ, id)).publicIps[0];
      const prompt = a.useScriptedPrompter();
      prompt.enqueue('Stop and Stop Charging');
      assert.equal(await run('alibabaCloud.ecs.stopInstance', { regionId: HZ, instanceId: id }), 'Stopped');
      assert.ok(prompt.details.at(-1)!.includes(ip), 'the warning names the public IP');
      assert.deepEqual((await cloud.ecs.getInstance(HZ, id)).publicIps, []);

      prompt.enqueue('Release…', 'not-the-name');
      const wrong = await failing(a, 'alibabaCloud.ecs.releaseInstance', { regionId: HZ, instanceId: id });
      assert.match(wrong, /invalid input/);
      assert.match(prompt.details.at(-1)!, /cannot be undone/);
      assert.equal(prompt.inputPlaceholders.at(-1), '', 'the name to type is not shown greyed in the box');
      assert.equal((await cloud.ecs.getInstance(HZ, id)).status, 'Stopped', 'still there');

      prompt.enqueue('Release…', name);
      const released = await callsDuring(() =>
        run('alibabaCloud.ecs.releaseInstance', { regionId: HZ, instanceId: id }),
      );
      assert.equal(released.result, true);
      assert.ok(released.calls.includes('DeleteInstance'));
      await assert.rejects(cloud.ecs.getInstance(HZ, id), /not found/i);
    },
  },
  {
    name: 'instances: releasing a running one offers Stop first or Force; Force Release releases it running',
    timeoutMs: 60_000,
    async run() {
      const a = await api();
      const name = `e2e-force-${stamp}`;
      const id = await newInstance(a, name);
      const prompt = a.useScriptedPrompter();
      prompt.enqueue('Force Release…', name);
      const r = await callsDuring(() => run('alibabaCloud.ecs.releaseInstance', { regionId: HZ, instanceId: id }));
      assert.equal(r.result, true);
      assert.ok(!r.calls.includes('StopInstance'));
      assert.match(prompt.details.at(-1)!, /pulling the plug/);
      const { cloud } = await a.services.cloud();
      await assert.rejects(cloud.ecs.getInstance(HZ, id), /not found/i);
    },
  },
  {
    name: 'buckets: Create Bucket asks name, region and storage class, creates it private; explains a taken name and one the account owns',
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const prompt = a.useScriptedPrompter();
      const name = `e2e-b-${stamp}`;
      prompt.enqueue(name, HZ, 'IA');
      const r = await callsDuring(() =>
        run<{ name: string; region: string; storageClass: string }>('alibabaCloud.oss.createBucket'),
      );
      assert.deepEqual(r.result, { name, region: HZ, storageClass: 'IA' });
      assert.deepEqual(prompt.titles.slice(-3), ['Create Bucket (1/3)', 'Create Bucket (2/3)', 'Create Bucket (3/3)']);
      assert.ok(r.calls.includes('PutBucket'));
      assert.equal(await cloud.oss.getBucketRegion(name, SH), HZ);
      const info = (await cloud.oss.listBuckets(undefined, 1000)).items.find((b) => b.name === name);
      assert.equal(info?.storageClass, 'IA');

      const taken = await failing(a, 'alibabaCloud.oss.createBucket', {
        name: 'examplebucket',
        region: HZ,
        storageClass: 'Standard',
      });
      assert.match(taken, /another account owns this one/);
      const owned = await callsDuring(() =>
        failing(a, 'alibabaCloud.oss.createBucket', { name: 'demo-data', region: HZ, storageClass: 'Standard' }),
      );
      assert.match(owned.result, /already own bucket demo-data/);
      assert.ok(!owned.calls.includes('PutBucket'), 'no PutBucket that would change its settings');
    },
  },
  {
    name: 'objects: Move to… (folder and object, confirmed) and Copy to… another bucket; Rename; sources go only after their copy',
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const b = `e2e-b-${stamp}`;
      for (const k of ['src/a.txt', 'src/sub/b.txt', 'loose.txt']) {
        await cloud.oss.putObject(b, HZ, k, Buffer.from(k), 'text/plain');
      }
      const prompt = a.useScriptedPrompter();
      prompt.enqueue(undefined);
      const dismissed = await callsDuring(() =>
        run('alibabaCloud.oss.move', { uris: [`oss://${b}/src/`], to: `oss://${b}/dst/` }),
      );
      assert.equal(dismissed.result, undefined);
      assert.ok(!dismissed.calls.some((c) => /Copy|Delete/.test(c)));
      assert.equal((await cloud.oss.getObject(b, HZ, 'src/a.txt')).toString(), 'src/a.txt', 'dismissed: nothing moved');

      prompt.enqueue('Move');
      const moved = await run<Array<{ toKey: string; sourceDeleted: boolean }>>('alibabaCloud.oss.move', {
        uris: [`oss://${b}/src/`, `oss://${b}/loose.txt`],
        to: `oss://${b}/dst/`,
      });
      assert.deepEqual(moved.map((m) => [m.toKey, m.sourceDeleted]).sort(), [
        ['dst/loose.txt', true],
        ['dst/src/a.txt', true],
        ['dst/src/sub/b.txt', true],
      ]);
      assert.equal((await cloud.oss.listObjects(b, HZ, { prefix: 'src/', delimiter: '' })).items.length, 0);

      const copied = await callsDuring(() =>
        run<Array<{ copied: boolean }>>('alibabaCloud.oss.copyTo', {
          uri: `oss://${b}/dst/loose.txt`,
          to: 'oss://demo-data/e2e-copies/',
        }),
      );
      assert.deepEqual(
        copied.result.map((c) => c.copied),
        [true],
      );
      assert.ok(copied.calls.includes('CopyObject') && !copied.calls.includes('DeleteObject'));
      assert.equal((await cloud.oss.getObject('demo-data', HZ, 'e2e-copies/loose.txt')).toString(), 'loose.txt');
      await cloud.oss.deleteObject('demo-data', HZ, 'e2e-copies/loose.txt');

      // The destination exists: asked; Skip keeps both.
      await cloud.oss.putObject(b, HZ, 'again.txt', Buffer.from('new'));
      await cloud.oss.putObject(b, HZ, 'dst/again.txt', Buffer.from('old'));
      prompt.enqueue('Move', 'Skip');
      assert.deepEqual(await run('alibabaCloud.oss.move', { uri: `oss://${b}/again.txt`, to: `oss://${b}/dst/` }), []);
      assert.equal((await cloud.oss.getObject(b, HZ, 'dst/again.txt')).toString(), 'old');
      assert.equal((await cloud.oss.getObject(b, HZ, 'again.txt')).toString(), 'new');
      assert.equal(prompt.pending, 0);

      const renamed = await run<Array<{ toKey: string }>>('alibabaCloud.oss.rename', {
        uri: `oss://${b}/dst/loose.txt`,
        name: 'renamed.txt',
      });
      assert.deepEqual(
        renamed.map((r) => r.toKey),
        ['dst/renamed.txt'],
      );
      assert.equal((await cloud.oss.getObject(b, HZ, 'dst/renamed.txt')).toString(), 'loose.txt');
      assert.deepEqual(prompt.doneMessages, ['Renamed loose.txt to renamed.txt.'], 'a rename says it is done');
      await run('notifications.clearAll');
    },
  },
  {
    name: 'objects: Object Properties shows size, ETag, storage class, content type, user metadata and CRC64; Edit Metadata replaces them after confirming',
    async run() {
      const a = await api();
      const b = `e2e-b-${stamp}`;
      const prompt = a.useScriptedPrompter();
      prompt.enqueue('Replace');
      const edited = await run<{ contentType: string; userMeta: Record<string, string> }>(
        'alibabaCloud.oss.editObjectMetadata',
        { uri: `oss://${b}/dst/renamed.txt`, contentType: 'application/json', meta: { owner: 'e2e' } },
      );
      assert.equal(edited.contentType, 'application/json');
      assert.deepEqual(edited.userMeta, { owner: 'e2e' });
      assert.deepEqual(prompt.doneMessages, [`Updated the content type and metadata of oss://${b}/dst/renamed.txt.`]);
      const p = await run<{ uri: string; text: string }>('alibabaCloud.oss.objectProperties', {
        uri: `oss://${b}/dst/renamed.txt`,
      });
      for (const want of [
        '| Storage class | Standard |',
        '| Content type | application/json |',
        '- owner: e2e',
        'CRC64',
        'ETag',
      ]) {
        assert.ok(p.text.includes(want), `missing ${want}`);
      }
      await run('workbench.action.closeActiveEditor');
    },
  },
  {
    name: 'buckets: Delete Bucket on a non-empty bucket offers to empty it (objects and incomplete uploads), needs the exact name, then deletes',
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const b = `e2e-b-${stamp}`;
      const client = await cloud.session.ossClient(HZ, b);
      await client.initMultipartUpload('pending/upload.bin');
      const prompt = a.useScriptedPrompter();
      prompt.enqueue('Empty and Delete…', 'not-it');
      const wrong = await failing(a, 'alibabaCloud.oss.deleteBucket', { bucket: b });
      assert.match(wrong, /invalid input/);
      assert.match(prompt.details.at(-1)!, /1 incomplete multipart upload/);
      assert.equal(await cloud.oss.getBucketRegion(b, HZ), HZ, 'still there');

      prompt.enqueue('Empty and Delete…', b);
      const r = await callsDuring(() =>
        run<{ deleted: boolean; objectsDeleted: number; uploadsAborted: number }>('alibabaCloud.oss.deleteBucket', {
          bucket: b,
        }),
      );
      assert.equal(r.result.deleted, true);
      assert.equal(r.result.uploadsAborted, 1);
      assert.ok(r.result.objectsDeleted >= 3);
      assert.deepEqual(
        r.calls.filter((c) => /Delete(Bucket|MultipleObjects)|AbortMultipart/.test(c)),
        ['DeleteMultipleObjects', 'AbortMultipartUpload', 'DeleteBucket'],
      );
      await assert.rejects(cloud.oss.getBucketRegion(b, HZ), /NoSuchBucket|does not exist/);
      await run('notifications.clearAll');
    },
  },
  {
    name: 'buckets: Delete Bucket on a versioned bucket counts versions and delete markers, says they go for good, and deletes all of them, then the bucket',
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const b = `e2e-v-${stamp}`;
      await cloud.oss.createBucket(b, HZ);
      await cloud.oss.putBucketVersioning(b, HZ, 'Enabled');
      for (const body of ['one', 'two', 'three']) {
        await cloud.oss.putObject(b, HZ, 'doc.txt', Buffer.from(body));
      }
      await cloud.oss.deleteObject(b, HZ, 'doc.txt');
      await cloud.oss.putObject(b, HZ, 'kept.txt', Buffer.from('k'));
      const prompt = a.useScriptedPrompter();

      // Dismissed at the offer: nothing is deleted.
      prompt.enqueue(undefined);
      const kept = await callsDuring(() => run('alibabaCloud.oss.deleteBucket', { bucket: b }));
      assert.ok(!kept.result);
      assert.match(
        prompt.details.at(-1)!,
        /Object versions: 4\. Delete markers: 1\. Incomplete multipart uploads: 0\./,
      );
      assert.match(
        prompt.details.at(-1)!,
        /Versioning is Enabled .* permanently deletes all versions of every object and every delete marker/,
      );
      assert.ok(!kept.calls.some((c) => /^Delete|Abort/.test(c)), kept.calls.join());
      assert.equal((await cloud.oss.listObjectVersions(b, HZ)).items.length, 5);

      prompt.enqueue('Empty and Delete…', b);
      const r = await callsDuring(() =>
        run<{ deleted: boolean; versioning: string; versionsDeleted: number; deleteMarkersDeleted: number }>(
          'alibabaCloud.oss.deleteBucket',
          { bucket: b },
        ),
      );
      assert.match(prompt.inputPrompts.at(-1)!, /permanently delete all versions/);
      assert.equal(prompt.inputPlaceholders.at(-1), '', 'the name to type is not shown greyed in the box');
      assert.deepEqual(
        [r.result.deleted, r.result.versioning, r.result.versionsDeleted, r.result.deleteMarkersDeleted],
        [true, 'Enabled', 4, 1],
      );
      assert.deepEqual(
        r.calls.filter((c) => /Delete(Bucket|MultipleObjects)|AbortMultipart|ListObjectVersions/.test(c)),
        ['ListObjectVersions', 'ListObjectVersions', 'DeleteMultipleObjects', 'ListObjectVersions', 'DeleteBucket'],
      );
      await assert.rejects(cloud.oss.getBucketRegion(b, HZ), /NoSuchBucket|does not exist/);
      await run('notifications.clearAll');
    },
  },
  {
    name: 'RAM: Attach to Role from the policy node (confirmed), "Used by" lists the role, Delete Policy Version on a non-default one',
    async run() {
      const a = await api();
      const { cloud } = await a.services.cloud();
      const policyName = `E2eExplorer-${stamp}`;
      const doc = (action: string) =>
        JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
      await cloud.ram.createPolicy(policyName, doc('oss:GetObject'));
      await cloud.ram.createPolicyVersion(policyName, doc('oss:ListObjects'), true);
      try {
        const prompt = a.useScriptedPrompter();
        prompt.enqueue(undefined);
        const dismissed = await callsDuring(() =>
          run('alibabaCloud.ram.attachPolicyToRole', {
            policyName,
            policyType: 'Custom',
            roleName: 'DemoEcsLogShipper',
          }),
        );
        assert.ok(!dismissed.calls.includes('AttachPolicyToRole'), 'args skip no confirmation');
        prompt.enqueue('Attach');
        const r = await run<{ changed: boolean }>('alibabaCloud.ram.attachPolicyToRole', {
          policyName,
          policyType: 'Custom',
          roleName: 'DemoEcsLogShipper',
        });
        assert.equal(r.changed, true);
        assert.ok((await cloud.ram.listPoliciesForRole('DemoEcsLogShipper')).some((p) => p.policyName === policyName));

        const provider = a.explorer.providers.get('ram')!;
        a.explorer.refresh('ram');
        const label = async (n: unknown) => {
          const l = (await provider.getTreeItem(n as never)).label;
          return typeof l === 'string' ? l : (l?.label ?? '');
        };
        const find = async (nodes: unknown[], want: string) => {
          for (const n of nodes) {
            if ((await label(n)) === want) {
              return n;
            }
          }
          return undefined;
        };
        const policies = await find(await provider.getChildren(), 'Policies');
        const custom = await find(await provider.getChildren(policies as never), 'Custom');
        const policy = await waitFor('the policy node', async () =>
          find(await provider.getChildren(custom as never), policyName),
        );
        const children = await provider.getChildren(policy as never);
        assert.deepEqual(await Promise.all(children.map(label)), ['v1', 'v2 (default)', 'Used by']);
        // Policy rows say whose they are to a screen reader; a version row shows only "v2 (default)".
        const spoken = async (n: unknown) => (await provider.getTreeItem(n as never)).accessibilityInformation?.label;
        assert.equal(await spoken(policy), `Custom policy ${policyName}, default version v2`);
        assert.equal(await spoken(children[1]), `Policy ${policyName}, version v2, default`);
        assert.equal(await spoken(children[0]), `Policy ${policyName}, version v1`);
        const usedBy = await provider.getChildren(children[2] as never);
        assert.deepEqual(await Promise.all(usedBy.map(label)), ['DemoEcsLogShipper']);

        // Roll Back from the v1 row: the policy row (from the policy listing) shows the new default
        // as VS Code reads the tree next, with no refresh of the test's own.
        // It shows the diff first (live default ↔ the version), as a deploy does, and closes it after.
        const diffs: string[] = [];
        const watch = vscode.window.tabGroups.onDidChangeTabs((e) =>
          diffs.push(...e.opened.filter((t) => t.input instanceof vscode.TabInputTextDiff).map((t) => t.label)),
        );
        prompt.enqueue('Roll Back');
        try {
          assert.equal(await run('alibabaCloud.ram.rollBackPolicyVersion', children[0]), true);
          await waitFor('the roll-back diff', () => diffs.some((l) => l.includes(`${policyName}: v2 (live) ↔ v1`)));
        } finally {
          watch.dispose();
        }
        await waitFor(
          'the diff closed once answered',
          () => !vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label.includes('(live) ↔ v1')),
        );
        const policiesNow = await find(await provider.getChildren(), 'Policies');
        const customNow = await find(await provider.getChildren(policiesNow as never), 'Custom');
        const policyNow = await find(await provider.getChildren(customNow as never), policyName);
        assert.equal((await provider.getTreeItem(policyNow as never)).description, 'v1');
        prompt.enqueue('Roll Back');
        assert.equal(await run('alibabaCloud.ram.rollBackPolicyVersion', { policyName, versionId: 'v2' }), true);

        const refused = await failing(a, 'alibabaCloud.ram.deletePolicyVersion', { policyName, versionId: 'v2' });
        assert.match(refused, /is the default version/);
        prompt.enqueue('Delete');
        assert.equal(await run('alibabaCloud.ram.deletePolicyVersion', { policyName, versionId: 'v1' }), true);
        assert.deepEqual(
          (await cloud.ram.listPolicyVersions(policyName, 'Custom')).map((v) => v.versionId),
          ['v2'],
        );
      } finally {
        await cloud.ram.detachPolicyFromRole('DemoEcsLogShipper', policyName, 'Custom').catch(() => undefined);
        await cloud.ram.deletePolicy(policyName);
        await run('notifications.clearAll');
      }
    },
  },
  {
    name: 'identity: Copy Account ID copies the account of the active profile',
    async run() {
      await api();
      const id = await run<string>('alibabaCloud.copyAccountId');
      assert.equal(id, sandboxInfo().accountId);
      assert.equal(await vscode.env.clipboard.readText(), id);
    },
  },
];
