/**
 * The setup engine (planSetup/applySetup) against the sandbox over real HTTP: plan from nothing,
 * apply to "role attached", idempotent re-runs, resume after a failure, and every refusal that
 * must happen before any call (bad names, malformed JSON, classic network, another role).
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCloud, type Cloud } from '../../src/cloud';
import { sandboxEndpoints } from '../../src/cloud/profile';
import { formatPolicy, ossReadOnlyPolicy, passRolePolicy, serviceTrustPolicy } from '../../src/policy/builders';
import { DEMO } from '../../src/sandbox/seed/demo';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import {
  addEcsTrust,
  applySetup,
  createInstance,
  isNothingToDo,
  planSetup,
  SetupError,
  trustsEcs,
  validateRequest,
  type PlanStep,
  type SetupRequest,
} from '../../src/setup/instanceRole';

const REGION = 'cn-hangzhou';
/** The RAM docs' PassRole sample: two statements with no comma between them. */
const DOC_PASSROLE_SAMPLE =
  '{"Statement":[{"Effect":"Allow","Action":"ram:PassRole","Resource":"*"} {"Effect":"Allow","Action":["ecs:AttachInstanceRamRole"],"Resource":"*"}],"Version":"1"}';
const NEW_INSTANCE = {
  regionId: REGION,
  zoneId: 'cn-hangzhou-h',
  imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
  instanceType: 'ecs.g7.large',
  vSwitchId: 'vsw-bp1sandbox000001h',
  securityGroupId: 'sg-bp1sandbox00000001',
  instanceName: 'role-demo-1',
  password: 'Sandbox#2026pw',
};

let sandbox: Sandbox;
let root: Cloud;
const clouds: Cloud[] = [];

function cloudAs(accessKeyId: string, accessKeySecret: string): Cloud {
  const c = createCloud({
    name: 't',
    regionId: REGION,
    credentials: { mode: 'AK', accessKeyId, accessKeySecret },
    endpoints: sandboxEndpoints(sandbox.info.endpoint),
    // Same attempts as the default (3), without the waiting.
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  });
  clouds.push(c);
  return c;
}

beforeEach(async () => {
  sandbox = await startSandbox({ instant: true });
  root = cloudAs(DEMO.accessKeyId, DEMO.accessKeySecret);
});
afterEach(async () => {
  clouds.splice(0).forEach((c) => c.dispose());
  await sandbox.close();
});

const MUTATING = /^(Create|Update|Delete|Attach|Detach|Run|Start|Stop|Allocate|Modify|SetDefault)/;
const mutations = (from = 0) =>
  sandbox.requests
    .slice(from)
    .filter((r) => MUTATING.test(r.action))
    .map((r) => r.action);
const states = (steps: PlanStep[]) => Object.fromEntries(steps.map((s) => [s.id, s.state]));

const request = (over: Partial<SetupRequest> = {}): SetupRequest => ({
  roleName: 'EcsOssReader',
  policy: { kind: 'new', policyName: 'EcsOssReadOnly', document: formatPolicy(ossReadOnlyPolicy()) },
  instance: { kind: 'existing', regionId: REGION, instanceId: DEMO.vpcInstanceId },
  ...over,
});

async function roleOf(instanceId: string): Promise<string | undefined> {
  return (await root.ecs.describeInstanceRoles(REGION, [instanceId])).get(instanceId);
}

describe('planSetup', () => {
  it('plans every step from nothing, and calls nothing that changes state', async () => {
    const plan = await planSetup(root, request());
    assert.equal(plan.blocked, undefined);
    assert.deepEqual(
      plan.steps.map((s) => s.id),
      ['createRole', 'createPolicy', 'attachPolicy', 'attachRole'],
    );
    assert.ok(plan.steps.every((s) => s.state === 'todo'));
    assert.ok(plan.steps.every((s) => s.title && s.detail));
    // In words, not API names, and what the role will be allowed to do.
    const text = plan.steps.map((s) => `${s.title}: ${s.detail}`).join('\n');
    assert.doesNotMatch(text, /\b(AttachInstanceRamRole|AttachPolicyToRole|CreateRole|CreatePolicy)\b/);
    const actions = (
      JSON.parse(formatPolicy(ossReadOnlyPolicy())) as { Statement: Array<{ Action: string[] }> }
    ).Statement.flatMap((st) => st.Action).slice(0, 2);
    assert.ok(actions.length > 0);
    for (const a of actions) {
      assert.ok(plan.steps.find((s) => s.id === 'attachPolicy')!.detail.includes(a), `the plan names ${a}`);
    }
    assert.match(plan.steps.find((s) => s.id === 'attachRole')!.detail, /temporary credentials/);
    assert.equal(plan.instance?.networkType, 'vpc');
    assert.deepEqual(mutations(), []);
    assert.equal(isNothingToDo(plan), false);
  });

  it('sees an existing role, policy and attachment as done', async () => {
    const plan = await planSetup(
      root,
      request({
        roleName: DEMO.seededRole,
        policy: { kind: 'existing', policyName: 'AliyunOSSReadOnlyAccess', policyType: 'System' },
      }),
    );
    assert.deepEqual(states(plan.steps), {
      createRole: 'done',
      createPolicy: 'done',
      attachPolicy: 'done',
      attachRole: 'todo',
    });
  });

  it('refuses an existing policy that does not exist, before any change', async () => {
    const plan = await planSetup(
      root,
      request({ policy: { kind: 'existing', policyName: 'NoSuchPolicy', policyType: 'Custom' } }),
    );
    assert.equal(plan.blocked?.code, 'EntityNotExist.Policy');
    await assert.rejects(applySetup(root, plan));
    assert.deepEqual(mutations(), []);
  });
});

describe('applySetup', () => {
  it('takes a VPC instance from nothing to "role attached"', async () => {
    const plan = await planSetup(root, request());
    const seen: string[] = [];
    const result = await applySetup(root, plan, { onStep: (s, phase) => seen.push(`${s.id}:${phase}`) });
    assert.deepEqual(result.applied, ['createRole', 'createPolicy', 'attachPolicy', 'attachRole']);
    assert.deepEqual(result.skipped, []);
    assert.equal(result.instanceId, DEMO.vpcInstanceId);
    assert.deepEqual(seen, [
      'createRole:start',
      'createRole:done',
      'createPolicy:start',
      'createPolicy:done',
      'attachPolicy:start',
      'attachPolicy:done',
      'attachRole:start',
      'attachRole:done',
    ]);
    assert.deepEqual(mutations(), ['CreateRole', 'CreatePolicy', 'AttachPolicyToRole', 'AttachInstanceRamRole']);

    const role = await root.ram.getRole('EcsOssReader');
    assert.ok(trustsEcs(role.trustPolicy));
    assert.deepEqual(
      (await root.ram.listPoliciesForRole('EcsOssReader')).map((p) => [p.policyName, p.policyType]),
      [['EcsOssReadOnly', 'Custom']],
    );
    assert.equal(await roleOf(DEMO.vpcInstanceId), 'EcsOssReader');
  });

  it('a second run plans everything done and changes nothing', async () => {
    await applySetup(root, await planSetup(root, request()));
    const before = sandbox.requests.length;
    const again = await planSetup(root, request());
    assert.ok(
      again.steps.every((s) => s.state === 'done'),
      JSON.stringify(states(again.steps)),
    );
    assert.ok(isNothingToDo(again));
    assert.deepEqual(mutations(before), [], 'planning must only read');
    const afterPlan = sandbox.requests.length;
    const result = await applySetup(root, again);
    assert.deepEqual(result.applied, []);
    assert.deepEqual(result.skipped, ['createRole', 'createPolicy', 'attachPolicy', 'attachRole']);
    assert.equal(sandbox.requests.length, afterPlan, 'applying a done plan makes no call at all');
  });

  it('stops at a failing step (5xx beyond the retries) and a re-plan resumes where it stopped', async () => {
    // 5 faults: the first attempt's 3 tries fail; the resume's retries absorb the last 2.
    sandbox.faults.add({ service: 'ram', action: 'AttachPolicyToRole', kind: 'error5xx', count: 5 });
    const plan = await planSetup(root, request());
    const err = await applySetup(root, plan).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof SetupError, String(err));
    assert.equal(err.step.id, 'attachPolicy');
    assert.equal(err.error.status, 500);
    assert.match(err.message, /Attach EcsOssReadOnly to EcsOssReader/);
    assert.equal(sandbox.requests.filter((r) => r.action === 'AttachPolicyToRole').length, 3);
    assert.equal(mutations().includes('AttachInstanceRamRole'), false, 'nothing after the failed step runs');
    assert.equal(await roleOf(DEMO.vpcInstanceId), undefined);

    const resumed = await planSetup(root, request());
    assert.deepEqual(states(resumed.steps), {
      createRole: 'done',
      createPolicy: 'done',
      attachPolicy: 'todo',
      attachRole: 'todo',
    });
    const result = await applySetup(root, resumed);
    assert.deepEqual(result.applied, ['attachPolicy', 'attachRole']);
    assert.deepEqual(result.skipped, ['createRole', 'createPolicy']);
    assert.equal(await roleOf(DEMO.vpcInstanceId), 'EcsOssReader');
    assert.equal(
      mutations().filter((a) => a === 'CreateRole' || a === 'CreatePolicy').length,
      2,
      'done steps are not repeated',
    );
  });

  it('a RAM user without ram:PassRole fails at "attach role", and resumes once it has the PassRole policy', async () => {
    // The administrator prepares the role and its policy.
    await root.ram.createRole('EcsOssReader', formatPolicy(serviceTrustPolicy()));
    await root.ram.createPolicy('EcsOssReadOnly', formatPolicy(ossReadOnlyPolicy()));
    await root.ram.attachPolicyToRole('EcsOssReader', 'EcsOssReadOnly', 'Custom');
    const alice = cloudAs(DEMO.subAccessKeyId, DEMO.subAccessKeySecret);

    const plan = await planSetup(alice, request());
    assert.deepEqual(states(plan.steps), {
      createRole: 'done',
      createPolicy: 'done',
      attachPolicy: 'done',
      attachRole: 'todo',
    });
    const err = await applySetup(alice, plan).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof SetupError, String(err));
    assert.equal(err.step.id, 'attachRole');
    assert.equal(err.error.code, 'InvalidUser.PassRoleForbidden');
    assert.ok(err.error.explanation && err.error.fix, 'the code has an explanation and a fix');

    const arn = (await root.ram.getRole('EcsOssReader')).arn;
    await root.ram.createPolicy('PassRole-EcsOssReader', formatPolicy(passRolePolicy(arn)));
    await root.ram.attachPolicyToUser(DEMO.subUser, 'PassRole-EcsOssReader', 'Custom');

    const result = await applySetup(alice, await planSetup(alice, request()));
    assert.deepEqual(result.applied, ['attachRole']);
    assert.equal(await roleOf(DEMO.vpcInstanceId), 'EcsOssReader');
  });

  it('stops cleanly when cancelled between steps', async () => {
    const plan = await planSetup(root, request());
    let calls = 0;
    await assert.rejects(applySetup(root, plan, { isCancelled: () => ++calls > 1 }), { code: 'Cancelled' });
    assert.deepEqual(mutations(), ['CreateRole']);
  });

  it('adds ECS to the trust policy of an existing role, keeping who else it trusts', async () => {
    const req = request({ roleName: DEMO.notEcsRole });
    const plan = await planSetup(root, req);
    assert.deepEqual(states(plan.steps), {
      createRole: 'done',
      trustEcs: 'todo',
      createPolicy: 'todo',
      attachPolicy: 'todo',
      attachRole: 'todo',
    });
    await applySetup(root, plan);
    const trust = JSON.parse((await root.ram.getRole(DEMO.notEcsRole)).trustPolicy!) as {
      Statement: Array<{ Principal: { Service: string[] } }>;
    };
    const services = trust.Statement.flatMap((s) => s.Principal.Service);
    assert.deepEqual(services.sort(), ['ecs.aliyuncs.com', 'fc.aliyuncs.com']);
    assert.equal(await roleOf(DEMO.vpcInstanceId), DEMO.notEcsRole);
  });

  it('creates a new instance with the role: dry run first, then RunInstances, with a public IP', async () => {
    const req = request({ instance: { kind: 'create', spec: NEW_INSTANCE, allocatePublicIp: true } });
    const plan = await planSetup(root, req);
    assert.deepEqual(
      plan.steps.map((s) => s.id),
      ['createRole', 'createPolicy', 'attachPolicy', 'createInstance'],
    );
    assert.match(plan.steps[3].detail, /billable/);
    const result = await applySetup(root, plan);
    assert.deepEqual(result.applied, ['createRole', 'createPolicy', 'attachPolicy', 'createInstance']);
    assert.match(result.instanceId ?? '', /^i-/);
    assert.ok(result.publicIp, 'a public IP');
    const runs = sandbox.requests.filter((r) => r.action === 'RunInstances');
    assert.deepEqual(
      runs.map((r) => r.status),
      [400, 200],
      'a DryRunOperation answer, then the real call',
    );
    const created = await root.ecs.getInstance(REGION, result.instanceId!);
    assert.equal(created.instanceName, NEW_INSTANCE.instanceName);
    assert.equal(created.status, 'Running');
    assert.equal(await roleOf(result.instanceId!), 'EcsOssReader');
  });
});

describe('refusals', () => {
  it('a classic instance is blocked with the reason, and ECS is never asked to change anything', async () => {
    const plan = await planSetup(
      root,
      request({ instance: { kind: 'existing', regionId: REGION, instanceId: DEMO.classicInstanceId } }),
    );
    assert.equal(plan.blocked?.code, 'InvalidNetworkType.MismatchRamRole');
    assert.match(plan.blocked!.reason, /classic/);
    await assert.rejects(applySetup(root, plan), { code: 'InvalidNetworkType.MismatchRamRole' });
    assert.deepEqual(mutations(), []);
    assert.equal(
      sandbox.requests.some((r) => r.service === 'ecs' && r.action === 'DescribeInstanceRamRole'),
      false,
      'ECS refuses that call for classic instances; we do not make it',
    );
  });

  it('an instance with another role is blocked unless replaceExistingRole, which detaches then attaches', async () => {
    const other = { kind: 'existing' as const, regionId: REGION, instanceId: DEMO.vpcInstanceId2 };
    const blocked = await planSetup(root, request({ instance: other }));
    assert.equal(blocked.blocked?.code, 'InstanceHasRole');
    assert.equal(blocked.blocked?.currentRole, DEMO.seededRole);
    await assert.rejects(applySetup(root, blocked));
    assert.deepEqual(mutations(), []);

    const plan = await planSetup(root, request({ instance: other, replaceExistingRole: true }));
    assert.equal(plan.blocked, undefined);
    assert.deepEqual(
      plan.steps.slice(-2).map((s) => [s.id, s.state]),
      [
        ['detachOldRole', 'todo'],
        ['attachRole', 'todo'],
      ],
    );
    await applySetup(root, plan);
    assert.deepEqual(mutations().slice(-2), ['DetachInstanceRamRole', 'AttachInstanceRamRole']);
    assert.equal(await roleOf(DEMO.vpcInstanceId2), 'EcsOssReader');
  });

  it('the instance already having this very role counts as done, even when asked to replace', async () => {
    const plan = await planSetup(
      root,
      request({
        roleName: DEMO.seededRole,
        policy: { kind: 'existing', policyName: 'AliyunOSSReadOnlyAccess', policyType: 'System' },
        instance: { kind: 'existing', regionId: REGION, instanceId: DEMO.vpcInstanceId2 },
        replaceExistingRole: true,
      }),
    );
    assert.ok(isNothingToDo(plan), JSON.stringify(states(plan.steps)));
  });

  const noCall: Array<[string, Partial<SetupRequest>, RegExp]> = [
    ['an invalid role name', { roleName: 'bad role!' }, /role name/i],
    ['a role name over 64 characters', { roleName: 'R'.repeat(65) }, /64/],
    [
      'an invalid policy name',
      { policy: { kind: 'new', policyName: 'Oss_ReadOnly', document: formatPolicy(ossReadOnlyPolicy()) } },
      /policy name/i,
    ],
    [
      "the documentation's malformed PassRole JSON",
      { policy: { kind: 'new', policyName: 'PassRoleSample', document: DOC_PASSROLE_SAMPLE } },
      /policy document/i,
    ],
    [
      'a document without Resource',
      {
        policy: {
          kind: 'new',
          policyName: 'NoResource',
          document: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject"}]}',
        },
      },
      /Resource/,
    ],
    [
      'a weak instance password',
      { instance: { kind: 'create', spec: { ...NEW_INSTANCE, password: 'password' } } },
      /password/i,
    ],
    [
      'an invalid instance name',
      { instance: { kind: 'create', spec: { ...NEW_INSTANCE, instanceName: '1-starts-with-digit' } } },
      /instance name/i,
    ],
  ];
  for (const [what, over, message] of noCall) {
    it(`${what} is refused before any API call`, async () => {
      const req = request(over);
      assert.match(validateRequest(req) ?? '', message);
      const plan = await planSetup(root, req);
      assert.equal(plan.blocked?.code, 'InvalidInput');
      assert.match(plan.blocked!.reason, message);
      assert.deepEqual(plan.steps, []);
      await assert.rejects(applySetup(root, plan), { code: 'InvalidInput' });
      assert.deepEqual(sandbox.requests, [], 'not one request reached the sandbox');
    });
  }
});

describe('createInstance', () => {
  it('a dry run that fails (role not trusted by ECS) stops before anything is created', async () => {
    const phases: string[] = [];
    await assert.rejects(
      createInstance(root, { ...NEW_INSTANCE, ramRoleName: DEMO.notEcsRole }, true, { onPhase: (p) => phases.push(p) }),
      { code: 'InvalidRamRole.NotEcsRole' },
    );
    assert.deepEqual(phases, ['dryRun']);
    assert.deepEqual(sandbox.requests.filter((r) => r.action === 'RunInstances').length, 1);
  });

  it('without a public IP: no bandwidth, no IP, no AllocatePublicIpAddress', async () => {
    const { instanceId, publicIp } = await createInstance(
      root,
      { ...NEW_INSTANCE, ramRoleName: DEMO.seededRole },
      false,
    );
    assert.equal(publicIp, undefined);
    assert.deepEqual((await root.ecs.getInstance(REGION, instanceId)).publicIps, []);
    assert.deepEqual(mutations(), ['RunInstances', 'RunInstances']);
    assert.equal(await roleOf(instanceId), DEMO.seededRole);
  });

  it('checks name and password before any call', async () => {
    await assert.rejects(createInstance(root, { ...NEW_INSTANCE, password: 'short' }, false), { code: 'InvalidInput' });
    await assert.rejects(createInstance(root, { ...NEW_INSTANCE, instanceName: 'x' }, false), { code: 'InvalidInput' });
    assert.deepEqual(sandbox.requests, []);
  });
});

describe('addEcsTrust', () => {
  it('appends ECS to a trust policy and keeps the rest', () => {
    const merged = JSON.parse(addEcsTrust(formatPolicy(serviceTrustPolicy('fc.aliyuncs.com'))));
    assert.equal(merged.Statement.length, 2);
    assert.ok(trustsEcs(JSON.stringify(merged)));
  });
  it('replaces an unreadable document with the ECS trust policy', () => {
    assert.deepEqual(JSON.parse(addEcsTrust('{not json')), serviceTrustPolicy());
    assert.deepEqual(JSON.parse(addEcsTrust(undefined)), serviceTrustPolicy());
  });
});
