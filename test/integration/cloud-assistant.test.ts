// Cloud Assistant over the wire (real ECS SDK → sandbox): agent status, RunCommand and the
// invocation states with their ErrorInfo; the role-check script run for real with sh against the
// sandbox's IMDS and OSS, compared with what the sandbox's agent prints; the output parser.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CloudAssistantApi, FINAL_STATES, type InvocationResult } from '../../src/cloud/cloudAssistant';
import { DEMO } from '../../src/sandbox/seed/demo';
import { parseRoleCheckOutput, powerShellRoleCheck, shellRoleCheck } from '../../src/setup/roleCheckScript';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const R = 'cn-hangzhou';

async function runToEnd(
  api: CloudAssistantApi,
  instanceId: string,
  content: string,
  type: 'RunShellScript' | 'RunPowerShellScript' = 'RunShellScript',
  region = R,
): Promise<{ seen: string[]; result: InvocationResult }> {
  const { invokeId } = await api.run(region, instanceId, { type, content, name: 'test' });
  const seen: string[] = [];
  for (;;) {
    const r = await api.result(region, invokeId, instanceId);
    assert.ok(r, 'the invocation is listed');
    if (seen.at(-1) !== r.status) {
      seen.push(r.status);
    }
    if (FINAL_STATES.has(r.status)) {
      return { seen, result: r };
    }
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe('Cloud Assistant in the sandbox', () => {
  test('DescribeCloudAssistantStatus: running agent, agent never installed, stopped instance', async () => {
    const api = new CloudAssistantApi(t.cloud().session);
    const worker = await api.status(R, DEMO.vpcInstanceId2);
    assert.equal(worker.running, true);
    assert.match(worker.version, /^\d+\./);
    assert.equal(worker.osType, 'Linux');
    const classic = await api.status(R, DEMO.classicInstanceId);
    assert.deepEqual([classic.running, classic.version], [false, '']);
    const stopped = await api.status('cn-shanghai', DEMO.shanghaiInstanceId);
    assert.equal(stopped.running, false);
  });

  test('the role check on demo-worker-1: role, expiry, and listing demo-data works; demo-web-1 has no role', async () => {
    const api = new CloudAssistantApi(t.cloud().session);
    const script = shellRoleCheck({ bucket: DEMO.bucket, bucketRegion: R });
    const { result } = await runToEnd(api, DEMO.vpcInstanceId2, script);
    assert.equal(result.status, 'Success');
    assert.equal(result.exitCode, 0);
    const report = parseRoleCheckOutput(result.output);
    assert.equal(report.complete, true);
    assert.equal(report.imds, 'hardened');
    assert.equal(report.role, DEMO.seededRole);
    assert.ok(report.expiration && Date.parse(report.expiration) > Date.now());
    assert.equal(report.list, 'ok');

    const web = parseRoleCheckOutput((await runToEnd(api, DEMO.vpcInstanceId, script)).result.output);
    assert.deepEqual([web.noRole, web.role, web.roleStatus, web.list], [true, undefined, '404', undefined]);
  });

  test('a role whose policy does not allow listing: the refusal and its code come back', async () => {
    const cloud = t.cloud();
    await cloud.ecs.attachRole(R, DEMO.vpcInstanceId, 'DemoEcsLogShipper');
    try {
      const api = new CloudAssistantApi(cloud.session);
      const out = parseRoleCheckOutput(
        (await runToEnd(api, DEMO.vpcInstanceId, shellRoleCheck({ bucket: DEMO.bucket, bucketRegion: R }))).result
          .output,
      );
      assert.deepEqual(
        [out.role, out.list, out.listStatus, out.listCode],
        ['DemoEcsLogShipper', 'refused', '403', 'AccessDenied'],
      );
    } finally {
      await cloud.ecs.detachRole(R, DEMO.vpcInstanceId, 'DemoEcsLogShipper');
    }
  });

  test("the real script, run with sh against the sandbox's IMDS and OSS, prints what the sandbox agent prints, and no secret", async () => {
    const api = new CloudAssistantApi(t.cloud().session);
    const opts = { bucket: DEMO.bucket, bucketRegion: R };
    const agent = (await runToEnd(api, DEMO.vpcInstanceId2, shellRoleCheck(opts))).result.output;
    const local = shellRoleCheck({
      ...opts,
      metadataBase: `${t.sandbox.info.url}/imds/${DEMO.vpcInstanceId2}`,
      ossUrl: t.sandbox.info.url,
    });
    const { stdout } = await promisify(execFile)('sh', ['-c', local], { timeout: 20_000 });
    assert.equal(stdout, agent);
    for (const s of t.sandbox.state.stsSessions.values()) {
      assert.ok(
        !stdout.includes(s.accessKeySecret) && !stdout.includes(s.securityToken),
        'no secret or token in the output',
      );
    }
    // The same for an instance without a role.
    const none = shellRoleCheck({
      ...opts,
      metadataBase: `${t.sandbox.info.url}/imds/${DEMO.vpcInstanceId}`,
      ossUrl: t.sandbox.info.url,
    });
    assert.equal(
      (await promisify(execFile)('sh', ['-c', none])).stdout,
      (await runToEnd(api, DEMO.vpcInstanceId, shellRoleCheck(opts))).result.output,
    );
  });

  test('failures each come back with their state, ErrorCode and ErrorInfo', async () => {
    const api = new CloudAssistantApi(t.cloud().session);
    const script = shellRoleCheck();
    const web = t.sandbox.state.instances.get(DEMO.vpcInstanceId)!;

    web.cloudAssistant = 'stopped';
    try {
      const { result } = await runToEnd(api, DEMO.vpcInstanceId, script);
      assert.deepEqual(
        [result.status, result.errorCode, result.errorInfo],
        ['Aborted', 'ClientNotRunning', 'the aliyun service is not running on the instance'],
      );
    } finally {
      delete web.cloudAssistant;
    }

    const ps = await runToEnd(api, DEMO.vpcInstanceId, powerShellRoleCheck(), 'RunPowerShellScript');
    assert.deepEqual([ps.result.status, ps.result.errorCode], ['Invalid', 'CommandNotApplicable']);

    const other = await runToEnd(api, DEMO.vpcInstanceId, 'echo hello');
    assert.deepEqual(
      [other.result.status, other.result.exitCode, other.result.errorCode],
      ['Failed', 127, 'ExitCodeNonzero'],
    );

    const { result: stopped } = await runToEnd(api, DEMO.shanghaiInstanceId, script, 'RunShellScript', 'cn-shanghai');
    assert.deepEqual(
      [stopped.status, stopped.errorCode, stopped.errorInfo],
      ['Aborted', 'InstanceNotRunning', 'the instance is not running when create task'],
    );
  });

  test('realistic timing: Pending → Running → Success; a run longer than Timeout ends in Timeout', async () => {
    const api = new CloudAssistantApi(t.cloud().session);
    t.sandbox.setRealism({ commands: { deliveryMs: 150, runMs: 300 } });
    try {
      const { seen, result } = await runToEnd(api, DEMO.vpcInstanceId2, shellRoleCheck());
      assert.deepEqual(seen, ['Pending', 'Running', 'Success']);
      assert.ok(result.startTime && result.finishedTime);

      t.sandbox.setRealism({ commands: { deliveryMs: 0, runMs: 60_000 } });
      const { invokeId } = await api.run(R, DEMO.vpcInstanceId2, {
        type: 'RunShellScript',
        content: shellRoleCheck(),
        name: 'slow',
        timeoutSeconds: 10,
      });
      assert.equal((await api.result(R, invokeId, DEMO.vpcInstanceId2))?.status, 'Running');
      t.sandbox.advanceClock(11_000);
      const late = await api.result(R, invokeId, DEMO.vpcInstanceId2);
      assert.deepEqual(
        [late?.status, late?.errorCode, late?.errorInfo],
        ['Timeout', 'ExecutionTimeout', 'the command execution has been timeout'],
      );
    } finally {
      t.sandbox.setRealism({ commands: { deliveryMs: 0, runMs: 0 } });
    }
  });

  test('a Windows instance runs the PowerShell variant', async () => {
    const s = t.sandbox.state;
    const winImage = {
      imageId: 'win2022dc_x64_dtc_en-us_40G_alibase_20260301.vhd',
      imageName: 'Windows Server 2022',
      osName: 'Windows Server 2022 Datacenter 64bit English',
      osType: 'windows' as const,
      architecture: 'x86_64',
      size: 40,
      ownerAlias: 'system' as const,
    };
    s.images.push(winImage);
    const base = s.instances.get(DEMO.vpcInstanceId2)!;
    const win = {
      ...base,
      instanceId: 'i-bp1sandboxwin000001',
      instanceName: 'demo-win-1',
      imageId: winImage.imageId,
      osName: winImage.osName,
      transitions: undefined,
    };
    s.instances.set(win.instanceId, win);
    try {
      const api = new CloudAssistantApi(t.cloud().session);
      assert.equal((await api.status(R, win.instanceId)).osType, 'Windows');
      const sh = await runToEnd(api, win.instanceId, shellRoleCheck());
      assert.deepEqual([sh.result.status, sh.result.errorCode], ['Invalid', 'CommandNotApplicable']);
      const ps = await runToEnd(
        api,
        win.instanceId,
        powerShellRoleCheck({ bucket: DEMO.bucket, bucketRegion: R }),
        'RunPowerShellScript',
      );
      const out = parseRoleCheckOutput(ps.result.output);
      assert.deepEqual([ps.result.status, out.role, out.list], ['Success', DEMO.seededRole, 'ok']);
    } finally {
      s.instances.delete(win.instanceId);
      s.images.pop();
    }
  });

  test('RunCommand with the same ClientToken runs once', async () => {
    const api = new CloudAssistantApi(t.cloud().session);
    const before = t.sandbox.state.invocations?.size ?? 0;
    await api.run(R, DEMO.vpcInstanceId2, { type: 'RunShellScript', content: shellRoleCheck(), name: 'once' });
    assert.equal((t.sandbox.state.invocations?.size ?? 0) - before, 1);
  });
});

describe('the role-check script and its output', () => {
  test('neither variant ever prints the secret or the token', () => {
    const sh = shellRoleCheck({ bucket: 'demo-data', bucketRegion: 'cn-hangzhou' });
    for (const [, args] of sh.matchAll(/\becho\s+([^;\n]*)/g)) {
      assert.doesNotMatch(args, /\$(SK|ST|TOKEN|H)\b|\$\(field (AccessKeySecret|SecurityToken)\)/, args);
    }
    const ps = powerShellRoleCheck({ bucket: 'demo-data', bucketRegion: 'cn-hangzhou' });
    // In PowerShell a bare string expression is output: no such string may name the secret or token.
    for (const line of ps.split('\n')) {
      for (const literal of line.match(/(?:^|[;{]\s*)"[^"]*"/g) ?? []) {
        assert.doesNotMatch(literal, /AccessKeySecret|SecurityToken|\$Token|\$Sig/, line);
      }
    }
  });

  test('bucket and region are checked before they go into a script', () => {
    assert.throws(() => shellRoleCheck({ bucket: "x'; rm -rf / #" }));
    assert.throws(() => powerShellRoleCheck({ bucketRegion: 'cn$(whoami)' }));
  });

  test('parsing: noise ignored, unknown keys ignored, a cut-off run is incomplete, bad values dropped', () => {
    const r = parseRoleCheckOutput(
      'Welcome to Alibaba Cloud Elastic Compute Service !\nimds=hardened\r\nrole=DemoEcsOssReader\nsecret=abc\nexpiration=2026-01-01T00:00:00Z\ncode=Success\nbucket=demo-data\nlist=ok\ndone=1\n',
    );
    assert.deepEqual(
      { ...r },
      {
        complete: true,
        imds: 'hardened',
        role: 'DemoEcsOssReader',
        noRole: false,
        roleStatus: undefined,
        credentialsStatus: undefined,
        expiration: '2026-01-01T00:00:00Z',
        code: 'Success',
        bucket: 'demo-data',
        list: 'ok',
        listStatus: undefined,
        listCode: undefined,
        unreadable: [],
      },
    );
    assert.ok(!JSON.stringify(r).includes('abc'));
    const cut = parseRoleCheckOutput('imds=hardened\nrole=Some Role; rm\nexpiration=tomorrow');
    assert.deepEqual([cut.complete, cut.role, cut.expiration], [false, undefined, undefined]);
    assert.deepEqual(parseRoleCheckOutput('imds=unreachable\ndone=1').imds, 'unreachable');
  });

  test('parsing: instance output is taken only in its shape; anything else is unreadable, never shown', () => {
    const link = '[run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)';
    const r = parseRoleCheckOutput(
      [
        'imds=hardened',
        'role=DemoEcsOssReader',
        `credentialsStatus=403 ${link}`,
        `code=${link}`,
        'roleStatus=4040',
        `listStatus=${link}`,
        `listCode=${link}`,
        `bucket=${link}`,
        'done=1',
      ].join('\n'),
    );
    assert.deepEqual(
      [r.credentialsStatus, r.code, r.roleStatus, r.listStatus, r.listCode, r.bucket],
      [undefined, undefined, undefined, undefined, undefined, undefined],
    );
    assert.deepEqual(r.unreadable, ['credentialsStatus', 'code', 'roleStatus', 'listStatus', 'listCode', 'bucket']);
    assert.ok(!JSON.stringify(r).includes('command:'));
    const ok = parseRoleCheckOutput('role=none\nroleStatus=404\ncode=Success\nlistCode=AccessDenied\ndone=1');
    assert.deepEqual(
      [ok.noRole, ok.roleStatus, ok.code, ok.listCode, ok.unreadable],
      [true, '404', 'Success', 'AccessDenied', []],
    );
    assert.deepEqual(parseRoleCheckOutput(`code=${'A'.repeat(65)}`).unreadable, ['code']);
  });
});
