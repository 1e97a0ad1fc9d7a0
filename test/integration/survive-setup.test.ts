/**
 * The product against a realistic sandbox (RAM propagation, instance lifecycle, throttling, strict
 * grammar, large catalogues), over the wire: the three set-up flows succeed by waiting, each
 * waiting behaviour reports progress and can be cancelled, and real refusals still fail at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCloud } from '../../src/cloud';
import type { CloudError } from '../../src/cloud/errors';
import { ImdsClient } from '../../src/cloud/imds';
import { sandboxEndpoints } from '../../src/cloud/profile';
import { waitForPropagation } from '../../src/cloud/waiting';
import { formatPolicy, ossReadOnlyPolicy, passRolePolicy, serviceTrustPolicy } from '../../src/policy/builders';
import { DEMO } from '../../src/sandbox/seed/demo';
import {
  applySetup,
  createInstance,
  planSetup,
  ramShowsEcsRole,
  type SetupRequest,
} from '../../src/setup/instanceRole';
import { analyseOssDenial, grantStatement, suggestedPolicyName } from '../../src/setup/accessDeniedReport';
import { useSandbox } from '../helpers/sandbox';

const REGION = 'cn-hangzhou';
const PROPAGATION_MS = 700;
const NEW_INSTANCE = {
  regionId: REGION,
  zoneId: 'cn-hangzhou-h',
  imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
  instanceType: 'ecs.g7.large',
  vSwitchId: 'vsw-bp1sandbox000001h',
  securityGroupId: 'sg-bp1sandbox00000001',
  password: 'Sandbox#2026pw',
};

/** Realistic in every respect, with delays short enough for a test. */
const t = useSandbox({
  instant: false,
  realism: { propagationMs: PROPAGATION_MS, lifecycle: { pendingMs: 300, startingMs: 500, stoppingMs: 300 } },
});

/** The product's own retry policy (not the helpers' 5 ms one): throttling must be survived as shipped. */
const cloud = (credentials = t.root) => t.cloud(credentials, { retry: undefined });

/** Throttles the first request of each of these actions, and DescribeInstances beyond 3 per second. */
function throttle(...actions: Array<[service: 'ram' | 'ecs', action: string]>): void {
  for (const [service, action] of actions) {
    t.sandbox.faults.add({ service, action, kind: 'throttle', code: 'Throttling.User', count: 1 });
  }
  t.sandbox.faults.add({ service: 'ecs', action: 'DescribeInstances', kind: 'throttle', perSecond: 3 });
}
const throttled = (from: number) =>
  t.sandbox.requests
    .slice(from)
    .filter(
      (r) => r.status === 400 && /^(CreateRole|AttachInstanceRamRole|RunInstances|AttachPolicyToRole)$/.test(r.action),
    ).length;

const request = (roleName: string, over: Partial<SetupRequest> = {}): SetupRequest => ({
  roleName,
  policy: { kind: 'new', policyName: `${roleName}-OssRead`, document: formatPolicy(ossReadOnlyPolicy()) },
  instance: { kind: 'existing', regionId: REGION, instanceId: DEMO.vpcInstanceId },
  ...over,
});

describe('set-up flows with propagation, lifecycle and throttling on', () => {
  it('existing instance: a new role is attached once RAM reaches ECS, and the wait is reported in seconds', async (c) => {
    c.after(() => t.sandbox.faults.clear());
    const root = cloud();
    const from = t.sandbox.requests.length;
    throttle(['ram', 'CreateRole'], ['ecs', 'AttachInstanceRamRole']);
    const waits: string[] = [];
    const result = await applySetup(root, await planSetup(root, request('SurviveExisting')), {
      onWait: (step, m) => waits.push(`${step.id}: ${m}`),
    });
    assert.deepEqual(result.applied, ['createRole', 'createPolicy', 'attachPolicy', 'attachRole']);
    assert.equal(
      (await root.ecs.describeInstanceRoles(REGION, [DEMO.vpcInstanceId])).get(DEMO.vpcInstanceId),
      'SurviveExisting',
    );
    assert.ok(
      waits.some((w) => /^attachRole: waiting for RAM to reach ECS… \d+ s$/.test(w)),
      waits.join('\n'),
    );
    const refused = t.sandbox.requests
      .slice(from)
      .filter((r) => r.action === 'AttachInstanceRamRole' && r.status === 404);
    assert.ok(refused.length >= 1, 'ECS did refuse the role before it propagated');
    assert.equal(throttled(from), 2, 'throttling fired and was survived');
  });

  it('new instance: RunInstances waits for the new role, then for Running, and only then reads the public IP', async (c) => {
    c.after(() => t.sandbox.faults.clear());
    const root = cloud();
    const from = t.sandbox.requests.length;
    throttle(['ram', 'CreateRole'], ['ecs', 'RunInstances']);
    const waits: string[] = [];
    const req = request('SurviveNew', {
      instance: { kind: 'create', spec: { ...NEW_INSTANCE, instanceName: 'survive-new-1' }, allocatePublicIp: true },
    });
    const result = await applySetup(root, await planSetup(root, req), { onWait: (_s, m) => waits.push(m) });
    assert.deepEqual(result.applied, ['createRole', 'createPolicy', 'attachPolicy', 'createInstance']);
    assert.match(result.publicIp ?? '', /^\d+\.\d+\.\d+\.\d+$/, 'the public IP exists once the instance runs');
    const created = await root.ecs.getInstance(REGION, result.instanceId!);
    assert.equal(created.status, 'Running');
    assert.ok(
      waits.some((m) => /waiting for RAM to reach ECS/.test(m)),
      waits.join('\n'),
    );
    assert.ok(
      waits.some((m) => new RegExp(`^${result.instanceId} is (Pending|Starting)… \\d+ s$`).test(m)),
      waits.join('\n'),
    );
    assert.equal(
      t.sandbox.requests.slice(from).filter((r) => r.action === 'AllocatePublicIpAddress').length,
      0,
      'no extra IP: RunInstances gave one',
    );
    assert.ok(throttled(from) >= 1);
  });

  it('sub-account with PassRole: the administrator prepares the role, the RAM user attaches it while RAM propagates', async (c) => {
    c.after(() => t.sandbox.faults.clear());
    const root = cloud();
    await root.ram.createRole('SurvivePassed', formatPolicy(serviceTrustPolicy()));
    await root.ram.createPolicy('SurvivePassed-OssRead', formatPolicy(ossReadOnlyPolicy()));
    await root.ram.attachPolicyToRole('SurvivePassed', 'SurvivePassed-OssRead', 'Custom');
    const arn = (await root.ram.getRole('SurvivePassed')).arn;
    await root.ram.createPolicy('PassRole-SurvivePassed', formatPolicy(passRolePolicy(arn)));
    await root.ram.attachPolicyToUser(DEMO.subUser, 'PassRole-SurvivePassed', 'Custom');
    throttle(['ecs', 'AttachInstanceRamRole']);
    const alice = cloud(t.subAccount);
    const waits: string[] = [];
    const plan = await planSetup(
      alice,
      request('SurvivePassed', {
        instance: { kind: 'existing', regionId: REGION, instanceId: DEMO.vpcInstanceId },
        replaceExistingRole: true,
      }),
    );
    const result = await applySetup(alice, plan, { onWait: (_s, m) => waits.push(m) });
    assert.ok(result.applied.includes('attachRole'));
    assert.ok(waits.length > 0, 'it waited for RAM');
  });
});

describe('waiting for RAM: progress, cancel, timeout, and real refusals', () => {
  it('a refusal RAM confirms (the role does not trust ECS) fails at once instead of waiting', async () => {
    const root = cloud();
    await root.ram.createRole('SurviveNotEcs', formatPolicy(serviceTrustPolicy('fc.aliyuncs.com')));
    const started = Date.now();
    await assert.rejects(
      waitForPropagation('ecs', () => root.ecs.attachRole(REGION, DEMO.vpcInstanceId, 'SurviveNotEcs'), {
        roleName: 'SurviveNotEcs',
        changes: root.session.roleChanges,
        retryIf: ramShowsEcsRole(root, 'SurviveNotEcs'),
      }),
      (e: CloudError) => /^InvalidRamRole\./.test(e.code),
    );
    assert.ok(Date.now() - started < PROPAGATION_MS + 500, 'no minute-long wait for a real refusal');
  });

  it('is cancelled by its AbortSignal while waiting', async () => {
    const root = cloud();
    t.sandbox.setRealism({ propagationMs: 10_000 });
    try {
      await root.ram.createRole('SurviveCancel', formatPolicy(serviceTrustPolicy()));
      const controller = new AbortController();
      const started = Date.now();
      await assert.rejects(
        waitForPropagation('ecs', () => root.ecs.attachRole(REGION, DEMO.vpcInstanceId, 'SurviveCancel'), {
          roleName: 'SurviveCancel',
          changes: root.session.roleChanges,
          signal: controller.signal,
          onProgress: () => controller.abort(),
        }),
        { code: 'Cancelled' },
      );
      assert.ok(Date.now() - started < 2000);
    } finally {
      t.sandbox.setRealism({ propagationMs: PROPAGATION_MS });
    }
  });

  it("gives up after its bound with an explanation that keeps ECS's answer", async () => {
    const root = cloud();
    t.sandbox.setRealism({ propagationMs: 10_000 });
    try {
      await root.ram.createRole('SurviveTimeout', formatPolicy(serviceTrustPolicy()));
      const err = await waitForPropagation(
        'ecs',
        () => root.ecs.attachRole(REGION, DEMO.vpcInstanceId, 'SurviveTimeout'),
        { roleName: 'SurviveTimeout', changes: root.session.roleChanges, timeoutMs: 1500 },
      ).then(
        () => undefined,
        (e: CloudError) => e,
      );
      assert.equal(err?.code, 'PropagationTimeout');
      assert.match(err!.message, /did not reach ECS within 2 s; it still answers InvalidRamRole\.NotFound/);
      assert.ok(err!.explanation && err!.fix);
    } finally {
      t.sandbox.setRealism({ propagationMs: PROPAGATION_MS });
    }
  });

  it('a new instance whose wait for Running is cancelled stops waiting (the instance stays, visible as Starting)', async () => {
    const root = cloud();
    t.sandbox.setRealism({ lifecycle: { pendingMs: 5000, startingMs: 5000 } });
    try {
      const controller = new AbortController();
      const phases: string[] = [];
      await assert.rejects(
        createInstance(root, { ...NEW_INSTANCE, instanceName: 'survive-cancel' }, false, {
          signal: controller.signal,
          onPhase: (p) => phases.push(p),
          onWait: () => controller.abort(),
        }),
        { code: 'Cancelled' },
      );
      assert.deepEqual(phases, ['dryRun', 'create', 'starting']);
    } finally {
      t.sandbox.setRealism({ lifecycle: { pendingMs: 300, startingMs: 500 } });
    }
  });

  it('RamRoleArn: AssumeRole right after the role is created waits for STS instead of failing', async () => {
    const root = cloud();
    const trust = {
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${DEMO.accountId}:root`] } },
      ],
    };
    const role = await root.ram.createRole('SurviveAssumable', JSON.stringify(trust));
    // A root account cannot assume roles: a RAM user allowed sts:AssumeRole does.
    await root.ram.attachPolicyToUser(DEMO.subUser, 'AliyunSTSAssumeRoleAccess', 'System');
    const asRole = cloud({
      mode: 'RamRoleArn',
      accessKeyId: DEMO.subAccessKeyId,
      accessKeySecret: DEMO.subAccessKeySecret,
      roleArn: role.arn,
      sessionName: 'survive',
    });
    const me = await asRole.whoAmI();
    assert.equal(me.identityType, 'AssumedRoleUser');
    assert.match(me.arn, /SurviveAssumable/i);
  });

  it('the first metadata read waits while the instance lists a role whose credentials are not served yet', async () => {
    const root = cloud();
    await root.ram.createRole('SurviveImds', formatPolicy(serviceTrustPolicy()));
    // ECS accepted the attach (made here directly, as a console or another tool would) before
    // RAM reached the instance's metadata service.
    t.sandbox.state.instances.get(DEMO.vpcInstanceId)!.ramRoleName = 'SurviveImds';
    const imds = new ImdsClient({ baseUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId) });
    const waits: string[] = [];
    const creds = await imds.getCredentials(undefined, { onProgress: (p) => waits.push(p.message) });
    assert.equal(creds.roleName, 'SurviveImds');
    assert.ok(
      waits.some((m) => /waiting for RAM to reach the instance… \d+ s/.test(m)),
      waits.join('\n'),
    );
    await assert.rejects(
      new ImdsClient({ baseUrl: t.sandbox.info.imdsUrl(DEMO.vpcInstanceId) }).getCredentials('NoSuchRole'),
      { code: 'ImdsNoRole' },
    );
  });

  it('"Add to Role": the refused request succeeds on its next try while the grant reaches OSS; others are still refused at once', async () => {
    const admin = cloud();
    const onInstance = createCloud(
      {
        name: 'instance',
        regionId: REGION,
        credentials: { mode: 'EcsRamRole' },
        endpoints: sandboxEndpoints(t.sandbox.info.endpoint, DEMO.vpcInstanceId2),
      },
      undefined,
      undefined,
      t.roleChanges,
    );
    try {
      const refused = await onInstance.oss.putObject(DEMO.bucket, REGION, 'survive/new.txt', Buffer.from('hi')).then(
        () => undefined,
        (e: CloudError) => e,
      );
      assert.equal(refused?.code, 'AccessDenied');
      const report = await analyseOssDenial(refused!, {
        cloud: onInstance,
        profileName: 'Instance role',
        policyReader: admin,
      });
      assert.ok(report.statement);
      await grantStatement(
        admin,
        { kind: 'role', name: DEMO.seededRole },
        suggestedPolicyName(report.request),
        report.statement,
        'test',
      );
      const started = Date.now();
      await onInstance.oss.putObject(DEMO.bucket, REGION, 'survive/new.txt', Buffer.from('hi'));
      assert.ok(Date.now() - started >= PROPAGATION_MS / 2, 'it did wait for the grant');
      const elsewhere = Date.now();
      await assert.rejects(onInstance.oss.putObject(DEMO.bucket, REGION, 'other.txt', Buffer.from('x')), {
        code: 'AccessDenied',
      });
      assert.ok(Date.now() - elsewhere < 1000, 'a refusal the grant does not cover is reported at once');
    } finally {
      onInstance.dispose();
    }
  });
});
