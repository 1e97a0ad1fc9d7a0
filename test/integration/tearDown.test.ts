// Tear Down over the wire: set a role up with the set-up wizard's operations, tear it down, and
// find nothing left; system and shared policies survive; a second run changes nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCloudError } from '../../src/cloud/errors';
import { formatPolicy, ossReadOnlyBucketPolicy, serviceTrustPolicy } from '../../src/policy/builders';
import { DEMO } from '../../src/sandbox/seed/demo';
import { applySetup, planSetup } from '../../src/setup/instanceRole';
import { applyTearDown, describeTearDown, planTearDown } from '../../src/setup/tearDown';
import { mutations, useSandbox } from '../helpers/sandbox';

const REGIONS = [...DEMO.regions];

describe('Tear Down', () => {
  const t = useSandbox();

  it('reverses a set-up: instance detached, policies detached, unused custom policy deleted, role deleted', async () => {
    const c = t.cloud();
    const role = 'TearDownRole';
    const setup = await planSetup(c, {
      roleName: role,
      policy: {
        kind: 'new',
        policyName: 'TearDownOssRead',
        document: formatPolicy(ossReadOnlyBucketPolicy(DEMO.bucket)),
      },
      instance: { kind: 'existing', regionId: 'cn-hangzhou', instanceId: DEMO.vpcInstanceId },
    });
    await applySetup(c, setup);
    // One more custom policy only this role uses, one shared with another role, one system policy.
    await c.ram.createPolicy('TearDownShared', formatPolicy(ossReadOnlyBucketPolicy('demo-many-keys')));
    await c.ram.attachPolicyToRole(role, 'TearDownShared', 'Custom');
    await c.ram.attachPolicyToRole(DEMO.seededRole, 'TearDownShared', 'Custom');
    await c.ram.attachPolicyToRole(role, 'AliyunECSReadOnlyAccess', 'System');
    assert.equal(
      (await c.ecs.describeInstanceRoles('cn-hangzhou', [DEMO.vpcInstanceId])).get(DEMO.vpcInstanceId),
      role,
    );

    const plan = await planTearDown(c, role, REGIONS);
    assert.deepEqual(
      plan.steps.map((s) => s.kind),
      ['detachInstance', 'detachPolicy', 'detachPolicy', 'detachPolicy', 'deletePolicy', 'deleteRole'],
    );
    assert.deepEqual(
      plan.steps.filter((s) => s.kind === 'deletePolicy').map((s) => s.kind === 'deletePolicy' && s.policyName),
      ['TearDownOssRead'],
    );
    assert.deepEqual(plan.kept.map((k) => [k.policyName, k.reason]).sort(), [
      ['AliyunECSReadOnlyAccess', 'system'],
      ['TearDownShared', 'shared'],
    ]);
    assert.deepEqual(plan.kept.find((k) => k.reason === 'shared')?.usedBy, [`role ${DEMO.seededRole}`]);

    // The confirmation mentions the instance it lists, and only that one.
    const text = describeTearDown(plan);
    assert.match(text, /Programs on the instance listed below/);
    assert.match(text, new RegExp(`Detach ${role} from instance demo-web-1 \\(${DEMO.vpcInstanceId}\\)`));
    assert.match(text, /Kept: TearDownShared is also attached to role/);

    const seen: string[] = [];
    await applyTearDown(c, plan, { onStep: (s) => seen.push(s.kind) });
    assert.equal(seen.length, plan.steps.length);

    // Nothing left of the role; what was kept is still there.
    await assert.rejects(c.ram.getRole(role), (e) => isCloudError(e, 'EntityNotExist.Role'));
    await assert.rejects(c.ram.getPolicy('TearDownOssRead', 'Custom'), (e) => isCloudError(e, 'EntityNotExist.Policy'));
    assert.equal(
      (await c.ecs.describeInstanceRoles('cn-hangzhou', [DEMO.vpcInstanceId])).get(DEMO.vpcInstanceId),
      undefined,
    );
    assert.ok(await c.ram.getPolicy('TearDownShared', 'Custom'));
    assert.ok((await c.ram.listPoliciesForRole(DEMO.seededRole)).some((p) => p.policyName === 'TearDownShared'));
    assert.ok(await c.ram.getPolicy('AliyunECSReadOnlyAccess', 'System'));
    const entities = await c.ram.listEntitiesForPolicy('AliyunECSReadOnlyAccess', 'System');
    assert.ok(!entities.roles.includes(role));

    // Safe to run again: the plan is empty and nothing is called that changes anything.
    const from = t.sandbox.requests.length;
    const again = await planTearDown(c, role, REGIONS);
    assert.equal(again.exists, false);
    assert.deepEqual(again.steps, []);
    await applyTearDown(c, again);
    assert.deepEqual(mutations(t.sandbox, from), []);
  });

  it('a stale plan finishes: steps someone else already did count as done', async () => {
    const c = t.cloud();
    const role = 'TearDownStale';
    await applySetup(
      c,
      await planSetup(c, {
        roleName: role,
        policy: {
          kind: 'new',
          policyName: 'TearDownStalePolicy',
          document: formatPolicy(ossReadOnlyBucketPolicy(DEMO.bucket)),
        },
        instance: { kind: 'existing', regionId: 'cn-hangzhou', instanceId: DEMO.vpcInstanceId },
      }),
    );
    const plan = await planTearDown(c, role, REGIONS);
    // Someone detaches the instance and the policy between the plan and the run.
    await c.ecs.detachRole('cn-hangzhou', DEMO.vpcInstanceId, role);
    await c.ram.detachPolicyFromRole(role, 'TearDownStalePolicy', 'Custom');
    await applyTearDown(c, plan);
    await assert.rejects(c.ram.getRole(role), (e) => isCloudError(e, 'EntityNotExist.Role'));
    await assert.rejects(c.ram.getPolicy('TearDownStalePolicy', 'Custom'), (e) =>
      isCloudError(e, 'EntityNotExist.Policy'),
    );
  });

  it('a role no instance uses: the confirmation does not speak of instances', async () => {
    const c = t.cloud();
    const role = 'TearDownNoInstance';
    await c.ram.createRole(role, formatPolicy(serviceTrustPolicy()));
    const text = describeTearDown(await planTearDown(c, role, REGIONS));
    assert.match(text, /^No instance uses the role\./);
    assert.doesNotMatch(text, /Programs on|these instances/);
    assert.match(text, new RegExp(`1\\. Delete role ${role}`));
  });
});
