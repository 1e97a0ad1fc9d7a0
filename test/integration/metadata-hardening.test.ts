// Require Hardened Metadata Mode over the wire (real ECS SDK → sandbox): ModifyInstanceMetadataOptions
// and its refusals; a "normal-mode app" and a "token-mode app" running on demo-worker-1 as real
// processes; the probe (the sandbox agent, and the real script run with sh) naming the normal-mode
// one; the canary; the switch, the post-check and the one-call rollback.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { isCloudError } from '../../src/cloud/errors';
import { RequestLimiter } from '../../src/cloud/inventory';
import { loadHardeningReport } from '../../src/setup/hardeningReport';
import { createInstance } from '../../src/setup/instanceRole';
import { metadataCallers } from '../../src/sandbox/rpc/imds';
import { DEMO } from '../../src/sandbox/seed/demo';
import {
  metadataModeOf,
  ownMetadataMode,
  postCheck,
  probeMetadataCallers,
  runMetadataCanary,
  setMetadataTokens,
  switchGate,
} from '../../src/setup/metadataHardening';
import { parseProbeOutput, shellMetadataProbe } from '../../src/setup/metadataProbeScript';
import { formatPolicy } from '../../src/policy/builders';
import { metadataGuardrailPolicy } from '../../src/policy/metadataGuardrail';
import { sandboxEndpoints } from '../../src/cloud/profile';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const R = 'cn-hangzhou';
const linux = existsSync('/proc/net/tcp');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fast = { pollIntervalMs: 100 };

/** Waits until the sandbox's metadata service has seen a read from each of `pids` (a loaded machine starts them late). */
async function readsFrom(instanceId: string, pids: number[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const seen = metadataCallers(t.sandbox, instanceId, 0, Number.MAX_SAFE_INTEGER).map((c) => c.process?.pid);
    if (pids.every((p) => seen.includes(p))) {
      return;
    }
    assert.ok(Date.now() < deadline, `no metadata read from ${pids.join(', ')} yet`);
    await sleep(100);
  }
}

async function rejects(p: Promise<unknown>, code: string, status: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isCloudError(e), String(e));
    assert.deepEqual([e.code, e.status], [code, status]);
    return true;
  });
}

describe('hardened metadata mode', () => {
  test('ModifyInstanceMetadataOptions: required shows in DescribeInstances and refuses token-less reads; its refusals', async () => {
    const cloud = t.cloud();
    const id = DEMO.vpcInstanceId2;
    assert.equal(metadataModeOf(await cloud.ecs.getInstance(R, id)), 'normalAllowed');
    const url = `${t.sandbox.info.imdsUrl(id)}/latest/meta-data/instance-id`;
    assert.equal((await fetch(url)).status, 200);
    await setMetadataTokens(cloud, R, id, 'required');
    try {
      assert.equal(metadataModeOf(await cloud.ecs.getInstance(R, id)), 'hardenedOnly');
      assert.equal((await fetch(url)).status, 403);
      // A token is never handed to a request that came through a proxy.
      const proxied = await fetch(`${t.sandbox.info.imdsUrl(id)}/latest/api/token`, {
        method: 'PUT',
        headers: { 'X-aliyun-ecs-metadata-token-ttl-seconds': '60', 'X-Forwarded-For': '203.0.113.9' },
      });
      assert.equal(proxied.status, 403);
    } finally {
      await setMetadataTokens(cloud, R, id, 'optional');
    }
    await rejects(
      cloud.ecs.modifyMetadataOptions(R, id, { httpTokens: 'always' as 'required', httpEndpoint: 'enabled' }),
      'InvalidHttpTokens.NotSupported',
      400,
    );
    await rejects(
      cloud.ecs.modifyMetadataOptions(R, id, { httpTokens: 'required', httpEndpoint: 'off' as 'enabled' }),
      'InvalidHttpEndpoint.NotSupported',
      400,
    );
    await rejects(setMetadataTokens(cloud, R, 'i-bp1doesnotexist0001', 'required'), 'InvalidInstanceId.NotFound', 404);
    // An image too old for hardened-only mode.
    const old = { ...t.sandbox.state.images[0], imageId: 'centos_7_09_x64_20G_alibase_20200101.vhd' };
    t.sandbox.state.images.push({ ...old, hardenedMetadata: false });
    const web = t.sandbox.state.instances.get(DEMO.vpcInstanceId)!;
    const image = web.imageId;
    web.imageId = old.imageId;
    try {
      await rejects(setMetadataTokens(cloud, R, DEMO.vpcInstanceId, 'required'), 'InvalidHttpTokens.NotSupported', 400);
      await setMetadataTokens(cloud, R, DEMO.vpcInstanceId, 'optional'); // the way back always works
    } finally {
      web.imageId = image;
      web.httpTokens = 'required';
    }
  });

  test(
    'probe names the normal-mode app and blocks the switch; after the canary it is clean; switch, post-check, rollback',
    { skip: !linux && 'needs /proc' },
    async () => {
      const cloud = t.cloud();
      const id = DEMO.vpcInstanceId2;
      const ordersPid = t.sandbox.runMetadataApp(id, 'orders.service', 'normal');
      const billingPid = t.sandbox.runMetadataApp(id, 'billing.service', 'token');
      await readsFrom(id, [ordersPid, billingPid]);

      const first = await probeMetadataCallers(cloud, R, id, 2, fast);
      assert.equal(first.ok, true, first.problem);
      const byUnit = new Map(first.report!.callers.map((c) => [c.unit, c]));
      assert.deepEqual(
        [byUnit.get('orders.service')?.pid, byUnit.get('orders.service')?.mode],
        [ordersPid, 'tokenless'],
      );
      assert.match(byUnit.get('orders.service')!.command, /metadata-reader\.mjs normal$/);
      assert.deepEqual(
        [byUnit.get('billing.service')?.pid, byUnit.get('billing.service')?.mode],
        [billingPid, 'token'],
      );
      assert.deepEqual(
        first.blockers.map((b) => b.unit),
        ['orders.service'],
      );
      const gate = switchGate([first]);
      assert.equal(gate.allowed, false);
      assert.deepEqual(
        gate.blockers.map((b) => b.name),
        ['orders.service'],
      );
      assert.equal(switchGate([first], ['orders.service']).allowed, true, 'overridden by naming it');

      // The canary: orders.service restarted with ALIBABA_CLOUD_IMDSV1_DISABLED=true.
      const canary = await runMetadataCanary(cloud, R, id, 'orders.service', fast);
      assert.equal(canary.problem, undefined);
      assert.ok(canary.report?.pid && canary.report.pid !== ordersPid);
      assert.match((await runMetadataCanary(cloud, R, id, 'nothere.service', fast)).problem ?? '', /nothere\.service/);
      await readsFrom(id, [canary.report!.pid!]);
      const second = await probeMetadataCallers(cloud, R, id, 2, fast);
      assert.equal(second.ok, true, second.problem);
      assert.deepEqual(second.blockers, []);
      assert.ok(second.report!.callers.some((c) => c.unit === 'orders.service' && c.mode === 'token'));
      assert.equal(switchGate([second]).allowed, true);

      // The real probe script, run with sh on this machine against the sandbox's port, sees the same
      // processes; without tcpdump it knows the mode only from the environment.
      const script = shellMetadataProbe({ seconds: 2, target: `127.0.0.1:${t.sandbox.info.port}` });
      const { stdout } = await promisify(execFile)('sh', ['-c', script], { timeout: 30_000 });
      const local = parseProbeOutput(stdout);
      assert.deepEqual([local.complete, local.sampler, local.unreadable], [true, 'proc', []]);
      const localBilling = local.callers.find((c) => c.pid === billingPid);
      assert.ok(localBilling, `the sh probe sees billing.service (pid ${billingPid}): ${stdout}`);
      assert.equal(localBilling.mode, 'unknown', 'no capture, no IMDSv1-disabled environment: unknown');
      const localOrders = local.callers.find((c) => c.pid === canary.report!.pid);
      assert.ok(localOrders, 'the sh probe sees the restarted orders.service');
      assert.equal(localOrders.mode, 'token', 'its environment disables normal mode');

      const from = t.sandbox.requests.length;
      await setMetadataTokens(cloud, R, id, 'required');
      const check = await postCheck(cloud, R, id, { ...fast, pauseMs: 200 });
      assert.equal(check.ok, true, check.summary);
      assert.equal(check.second?.report?.imds, 'hardened');

      // Rollback: one API call, and normal mode is allowed again.
      const before = t.sandbox.requests.length;
      await setMetadataTokens(cloud, R, id, 'optional');
      assert.deepEqual(
        t.sandbox.requests
          .slice(before)
          .filter((r) => r.service !== 'imds')
          .map((r) => r.action),
        ['ModifyInstanceMetadataOptions'],
      );
      assert.equal(metadataModeOf(await cloud.ecs.getInstance(R, id)), 'normalAllowed');
      assert.ok(t.sandbox.requests.slice(from).some((r) => r.action === 'ModifyInstanceMetadataOptions'));
    },
  );

  test(
    'control route instance-app: starts only the sandbox metadata reader, with the run token; DELETE stops it',
    { skip: !linux && 'needs /proc' },
    async () => {
      const id = DEMO.vpcInstanceId2;
      const post = (body: unknown, token = t.sandbox.info.controlToken, method = 'POST') =>
        fetch(`${t.sandbox.info.url}/__sandbox/instance-app`, {
          method,
          headers: { 'content-type': 'application/json', 'x-sandbox-token': token },
          body: method === 'POST' ? JSON.stringify(body) : undefined,
        });
      assert.equal((await post({ instanceId: id, unit: 'a.service', mode: 'normal' }, 'wrong')).status, 401);
      assert.equal((await post({ instanceId: 'i-nothere', unit: 'a.service', mode: 'normal' })).status, 404);
      assert.equal((await post({ instanceId: id, unit: 'a; rm -rf /', mode: 'normal' })).status, 400);
      assert.equal((await post({ instanceId: id, unit: 'a.service', mode: '/bin/sh' })).status, 400);
      const res = await post({ instanceId: id, unit: 'legacy.service', mode: 'normal', argv: ['/bin/false'] });
      assert.equal(res.status, 200);
      const { pid } = (await res.json()) as { pid: number };
      await readsFrom(id, [pid]);
      const seen = metadataCallers(t.sandbox, id, 0, Number.MAX_SAFE_INTEGER).find((c) => c.process?.pid === pid);
      assert.equal(seen?.token, false, 'a normal-mode read');
      assert.match(seen?.process?.command ?? '', /metadata-reader\.mjs normal$/, 'the request named no program');
      assert.equal((await post({}, undefined, 'DELETE')).status, 200);
      await sleep(300);
      assert.throws(() => process.kill(pid, 0), 'stopped');
    },
  );

  test("this instance's own mode comes from ECS as the active profile, never from a token-less read; unknown says why", async () => {
    const id = DEMO.vpcInstanceId2;
    const calls = () => t.sandbox.requests.filter((r) => r.service === 'imds').length;
    const root = t.cloud();
    const before = calls();
    assert.deepEqual(await ownMetadataMode(root, R, id, 'Sandbox'), { mode: 'normalAllowed' });
    await setMetadataTokens(root, R, id, 'required');
    try {
      assert.deepEqual(await ownMetadataMode(root, R, id, 'Sandbox'), { mode: 'hardenedOnly' });
    } finally {
      await setMetadataTokens(root, R, id, 'optional');
    }
    assert.equal(calls(), before, 'the metadata service was not asked at all');
    // The instance role itself (DemoEcsOssReader: OSS read-only) may not describe instances.
    const role = t.cloud({ mode: 'EcsRamRole' }, { endpoints: sandboxEndpoints(t.sandbox.info.endpoint, id) });
    const denied = await ownMetadataMode(role, R, id, 'Instance role');
    assert.equal(denied.mode, 'unknown');
    assert.equal(denied.reason, 'profile Instance role may not call ecs:DescribeInstances');
    const elsewhere = await ownMetadataMode(root, R, 'i-bp1notinthisaccount', 'Other');
    assert.deepEqual(elsewhere, {
      mode: 'unknown',
      reason: 'profile Other does not see i-bp1notinthisaccount (another account?)',
    });
  });

  test('new instances are hardened only; an image that refuses it fails the dry run, and the way back is normal mode', async () => {
    const cloud = t.cloud();
    const spec = {
      regionId: R,
      zoneId: 'cn-hangzhou-h',
      imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
      instanceType: 'ecs.g7.large',
      vSwitchId: 'vsw-bp1sandbox000001h',
      securityGroupId: 'sg-bp1sandbox00000001',
      instanceName: 'hardened-new',
      password: 'Aa1!aaaaaa',
    };
    const made = await createInstance(cloud, spec, false);
    assert.equal(metadataModeOf(await cloud.ecs.getInstance(R, made.instanceId)), 'hardenedOnly');

    const imageId = 'centos_7_09_x64_20G_alibase_20200102.vhd';
    t.sandbox.state.images.push({ ...t.sandbox.state.images[0], imageId, hardenedMetadata: false });
    const old = { ...spec, imageId, instanceName: 'legacy-image' };
    const before = t.sandbox.requests.length;
    await rejects(createInstance(cloud, old, false), 'InvalidHttpTokens.NotSupported', 400);
    assert.ok(
      !t.sandbox.requests.slice(before).some((r) => r.action === 'RunInstances' && r.status === 200),
      'nothing created',
    );
    const asked: string[] = [];
    const legacy = await createInstance(cloud, old, false, {
      allowNormalMetadata: async (id) => (asked.push(id), true),
    });
    assert.deepEqual(asked, [imageId]);
    assert.equal(metadataModeOf(await cloud.ecs.getInstance(R, legacy.instanceId)), 'normalAllowed');
  });

  test('the exported guardrail, attached to a user, denies normal-mode instances and the way back to normal mode; hardened only passes', async () => {
    const root = t.cloud();
    const sub = t.sandbox.info.subAccount!;
    const alice = t.cloud({ mode: 'AK', accessKeyId: sub.accessKeyId, accessKeySecret: sub.accessKeySecret });
    const spec = {
      regionId: R,
      zoneId: 'cn-hangzhou-h',
      imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
      instanceType: 'ecs.g7.large',
      vSwitchId: 'vsw-bp1sandbox000001h',
      securityGroupId: 'sg-bp1sandbox00000001',
      instanceName: 'guarded',
      password: 'Aa1!aaaaaa',
    };
    const imageId = 'centos_7_09_x64_20G_alibase_20200103.vhd';
    t.sandbox.state.images.push({ ...t.sandbox.state.images[0], imageId, hardenedMetadata: false });
    const legacy = { ...spec, imageId, instanceName: 'legacy-guarded' };
    const normalOk = { allowNormalMetadata: async () => true };
    await root.ram.createPolicy('MetadataGuardrail', formatPolicy(metadataGuardrailPolicy()));
    await root.ram.attachPolicyToUser(sub.userName, 'MetadataGuardrail', 'Custom');
    let hardened: string;
    try {
      hardened = (await createInstance(alice, spec, false)).instanceId;
      assert.equal(metadataModeOf(await root.ecs.getInstance(R, hardened)), 'hardenedOnly');
      await rejects(setMetadataTokens(alice, R, hardened, 'optional'), 'Forbidden.RAM', 403);
      // An image that refuses hardened only: its "create in normal mode" is denied too.
      await rejects(createInstance(alice, legacy, false, normalOk), 'Forbidden.RAM', 403);
    } finally {
      await root.ram.detachPolicyFromUser(sub.userName, 'MetadataGuardrail', 'Custom');
    }
    // Detached: both work again.
    await setMetadataTokens(alice, R, hardened, 'optional');
    const made = await createInstance(alice, legacy, false, normalOk);
    assert.equal(metadataModeOf(await root.ecs.getInstance(R, made.instanceId)), 'normalAllowed');
  });

  test('fleet report: every region through the inventory, normal-mode instances with their roles first', async () => {
    const report = await loadHardeningReport(t.cloud(), { limiter: new RequestLimiter({ maxInFlight: 4 }) });
    assert.equal(report.normalMode[0].instanceId, DEMO.vpcInstanceId2);
    assert.equal(report.normalMode[0].ramRoleName, DEMO.seededRole);
    assert.ok(!report.normalMode.some((i) => i.instanceId === DEMO.vpcInstanceId), 'demo-web-1 is hardened only');
    assert.ok(
      report.normalMode.some((i) => i.instanceId === DEMO.shanghaiInstanceId),
      'other regions are listed',
    );
    assert.equal(report.total, report.normalMode.length + report.hardenedOnly + report.off);
  });

  test('the probe output parser takes only its own shapes', () => {
    const b64 = Buffer.from('node\0app.js').toString('base64');
    const ok = parseProbeOutput(
      [
        'banner text',
        'probe=1',
        'seconds=60',
        'sampler=proc',
        'capture=none',
        `caller=42 unknown web.service ${b64}`,
        'done=1',
      ].join('\n'),
    );
    assert.deepEqual(ok.callers, [{ pid: 42, mode: 'unknown', unit: 'web.service', command: 'node app.js' }]);
    assert.equal(ok.complete, true);
    const bad = parseProbeOutput(
      ['probe=1', 'caller=42 tokenless $(rm -rf) x', 'sampler=everything', 'done=1'].join('\n'),
    );
    assert.deepEqual(bad.callers, []);
    assert.deepEqual(bad.unreadable.sort(), ['caller', 'sampler']);
    // Control characters in a command line never reach the UI.
    const esc = Buffer.from('evil\u001b[31m\u202e').toString('base64');
    assert.equal(parseProbeOutput(`caller=7 token - ${esc}\n`).callers[0].command, 'evil[31m');
  });
});
