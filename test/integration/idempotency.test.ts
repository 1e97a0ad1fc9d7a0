/**
 * A slow answer must not bill twice. Over real HTTP against the sandbox: RunInstances carries a
 * ClientToken and the sandbox honours it as ECS does, so the product's create-instance operation
 * (with its retries, and with the set-up's Retry) ends with exactly one instance; a mutation with
 * no idempotency token is not repeated after a timeout or a reset connection and ends as
 * OutcomeUnknown; definite refusals (throttling) are still retried.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { createCloud, type Cloud } from '../../src/cloud';
import { CloudError } from '../../src/cloud/errors';
import { sandboxEndpoints, type ProfileConfig } from '../../src/cloud/profile';
import { formatPolicy, ossReadOnlyPolicy, serviceTrustPolicy } from '../../src/policy/builders';
import { DEMO } from '../../src/sandbox/seed/demo';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { applySetup, createInstance, planSetup, SetupError, type SetupRequest } from '../../src/setup/instanceRole';

const REGION = 'cn-hangzhou';
const NEW_INSTANCE = {
  regionId: REGION,
  zoneId: 'cn-hangzhou-h',
  imageId: 'aliyun_3_x64_20G_alibase_20260101.vhd',
  instanceType: 'ecs.g7.large',
  vSwitchId: 'vsw-bp1sandbox000001h',
  securityGroupId: 'sg-bp1sandbox00000001',
  instanceName: 'slow-answer-1',
  password: 'Sandbox#2026pw',
};
/**
 * The client gives up after READ_TIMEOUT; the sandbox answers after SLOW. The connect timeout is
 * set too: httpx's read timer is lost on a keep-alive socket after an error answer (the dry run's
 * DryRunOperation), and then only its socket idle timer, which it sets to the connect timeout, fires.
 */
// 1 s: a prompt answer (the dry run's) can take over 300 ms on a loaded two-core machine.
const READ_TIMEOUT = 1000;
const SLOW = 2500;

let sandbox: Sandbox;
const clouds: Cloud[] = [];

function cloud(extra: Partial<ProfileConfig> = {}): Cloud {
  const c = createCloud({
    name: 't',
    regionId: REGION,
    credentials: { mode: 'AK', accessKeyId: DEMO.accessKeyId, accessKeySecret: DEMO.accessKeySecret },
    endpoints: sandboxEndpoints(sandbox.info.endpoint),
    readTimeoutMs: READ_TIMEOUT,
    connectTimeoutMs: READ_TIMEOUT,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  });
  clouds.push(c);
  return c;
}

beforeEach(async () => {
  sandbox = await startSandbox({ instant: true });
});
afterEach(async () => {
  clouds.splice(0).forEach((c) => c.dispose());
  await sandbox.close();
});

const named = (name: string) => [...sandbox.state.instances.values()].filter((i) => i.instanceName === name);
const logged = (action: string) => sandbox.requests.filter((r) => r.action === action);

/** Waits until the sandbox has answered `n` requests for `action` (delayed ones finish after the client gave up). */
async function answered(action: string, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (logged(action).length < n) {
    if (Date.now() > deadline) {
      throw new Error(`the sandbox answered ${logged(action).length} ${action}, not ${n}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('RunInstances slower than the client read timeout', () => {
  it('createInstance retries with the same ClientToken and ends with exactly one instance', async () => {
    const c = cloud();
    // The dry run passes; the first attempt of the real call is answered too late.
    sandbox.faults.add({ service: 'ecs', action: 'RunInstances', kind: 'delay', delayMs: SLOW, after: 1, count: 1 });
    const result = await createInstance(c, { ...NEW_INSTANCE, ramRoleName: DEMO.seededRole }, false);
    // Dry run, the first attempt (timed out, still running on the server), the retry.
    await answered('RunInstances', 3);
    const made = named(NEW_INSTANCE.instanceName);
    assert.equal(made.length, 1, `exactly one instance, got ${made.map((i) => i.instanceId).join(', ')}`);
    assert.equal(result.instanceId, made[0].instanceId);
    assert.deepEqual(
      logged('RunInstances').map((r) => r.status),
      [400, 200, 200],
      'the timed-out attempt was answered too, with the same instance',
    );
  });

  it("the set-up's Retry after every attempt timed out re-sends the same token: still one instance, and it is the one reported", async () => {
    const c = cloud();
    const req: SetupRequest = {
      roleName: 'SlowRole',
      policy: { kind: 'new', policyName: 'SlowPolicy', document: formatPolicy(ossReadOnlyPolicy()) },
      instance: { kind: 'create', spec: NEW_INSTANCE },
    };
    const plan = await planSetup(c, req);
    // The dry run passes; every attempt of the real call is answered too late.
    sandbox.faults.add({ service: 'ecs', action: 'RunInstances', kind: 'delay', delayMs: SLOW, after: 1, count: 3 });
    await assert.rejects(
      applySetup(c, plan),
      (e: unknown) => e instanceof SetupError && e.step.id === 'createInstance' && e.error.code === 'Timeout',
    );
    await answered('RunInstances', 4);
    assert.equal(named(NEW_INSTANCE.instanceName).length, 1, 'three timed-out attempts made one instance');

    // What the Retry button does: re-plan from the plan's request, apply again.
    const again = await applySetup(c, await planSetup(c, plan.request));
    const made = named(NEW_INSTANCE.instanceName);
    assert.equal(made.length, 1);
    assert.equal(again.instanceId, made[0].instanceId);
  });
});

describe('the sandbox honours ClientToken as ECS does', () => {
  const sdk = () =>
    new Ecs(
      new $OpenApiUtil.Config({
        accessKeyId: DEMO.accessKeyId,
        accessKeySecret: DEMO.accessKeySecret,
        endpoint: sandbox.info.endpoint,
        protocol: 'http',
        regionId: REGION,
      }),
    );
  const run = (ecs: Ecs, extra: Partial<$Ecs.RunInstancesRequest>) =>
    ecs.runInstances(
      new $Ecs.RunInstancesRequest({
        regionId: REGION,
        imageId: NEW_INSTANCE.imageId,
        instanceType: NEW_INSTANCE.instanceType,
        vSwitchId: NEW_INSTANCE.vSwitchId,
        securityGroupId: NEW_INSTANCE.securityGroupId,
        instanceName: 'token-1',
        ...extra,
      }),
    );

  it('same token and parameters: same instance ids, a new RequestId, nothing created', async () => {
    const ecs = sdk();
    const first = await run(ecs, { clientToken: 'c0ffee00-0000-4000-8000-000000000001' });
    const second = await run(ecs, { clientToken: 'c0ffee00-0000-4000-8000-000000000001' });
    assert.deepEqual(second.body!.instanceIdSets!.instanceIdSet, first.body!.instanceIdSets!.instanceIdSet);
    assert.notEqual(second.body!.requestId, first.body!.requestId);
    assert.equal(named('token-1').length, 1);
    await run(ecs, { clientToken: 'c0ffee00-0000-4000-8000-000000000002' });
    assert.equal(named('token-1').length, 2, 'another token is another instance');
  });

  it('same token, other parameters: IdempotentParameterMismatch, nothing created', async () => {
    const ecs = sdk();
    await run(ecs, { clientToken: 'c0ffee00-0000-4000-8000-000000000003' });
    await assert.rejects(run(ecs, { clientToken: 'c0ffee00-0000-4000-8000-000000000003', instanceName: 'token-2' }), {
      code: 'IdempotentParameterMismatch',
    });
    assert.equal(named('token-2').length, 0);
  });

  it('a dry run does not claim the token of the run that follows it', async () => {
    const ecs = sdk();
    await assert.rejects(run(ecs, { clientToken: 'c0ffee00-0000-4000-8000-000000000004', dryRun: true }), {
      code: 'DryRunOperation',
    });
    await run(ecs, { clientToken: 'c0ffee00-0000-4000-8000-000000000004' });
    assert.equal(named('token-1').length, 1);
  });
});

describe('a mutation without an idempotency token', () => {
  const trust = formatPolicy(serviceTrustPolicy());

  it('is not repeated after a timeout: one CreateRole, OutcomeUnknown, and it did happen', async () => {
    sandbox.faults.add({ service: 'ram', action: 'CreateRole', kind: 'delay', delayMs: SLOW, count: 1 });
    const c = cloud();
    const e = await c.ram.createRole('SlowAnswerRole', trust).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(e instanceof CloudError, String(e));
    assert.equal(e.code, 'OutcomeUnknown');
    assert.equal(e.retryable, false);
    assert.equal(e.action, 'CreateRole');
    assert.match(e.explanation ?? '', /may or may not/);
    assert.match(e.fix ?? '', /[Cc]heck/);
    await answered('CreateRole', 1);
    assert.equal(logged('CreateRole').length, 1, 'sent once');
    assert.ok(
      sandbox.state.roles.has('SlowAnswerRole'),
      'the unanswered request took effect: why repeating it would be wrong',
    );
  });

  it('is not repeated after a reset connection', async () => {
    sandbox.faults.add({ service: 'ram', action: 'CreatePolicy', kind: 'down', count: 1 });
    const c = cloud();
    await assert.rejects(c.ram.createPolicy('ResetPolicy', formatPolicy(ossReadOnlyPolicy())), {
      code: 'OutcomeUnknown',
    });
    assert.equal(logged('CreatePolicy').length, 1);
  });

  it('is still retried after a throttling answer: the service refused, nothing happened', async () => {
    sandbox.faults.add({ service: 'ram', action: 'CreateRole', kind: 'throttle', count: 2 });
    await cloud().ram.createRole('ThrottledRole', trust);
    assert.deepEqual(
      logged('CreateRole').map((r) => r.status),
      [400, 400, 200],
    );
  });

  it('a read is still retried after a timeout', async () => {
    sandbox.faults.add({ service: 'ram', action: 'ListRoles', kind: 'delay', delayMs: SLOW, count: 1 });
    const page = await cloud().ram.listRoles();
    assert.ok(page.items.length > 0);
  });
});
