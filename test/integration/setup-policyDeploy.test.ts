// Deploying edited policies over real HTTP to the sandbox: RAM never rotates a version out on its
// own, the plan names what is live and who is affected, only the chosen version is deleted, roll
// back is SetDefaultPolicyVersion, and removing ECS from a role names the instances that use it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CloudError } from '../../src/cloud/errors';
import { formatPolicy, serviceTrustPolicy } from '../../src/policy/builders';
import { DEMO } from '../../src/sandbox/seed/demo';
import {
  applyPolicyVersion,
  MAX_POLICY_VERSIONS,
  planPolicyVersion,
  planTrustUpdate,
} from '../../src/setup/policyDeploy';
import { mutations, useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const doc = (action: string) =>
  JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

describe('policy versions', () => {
  test('at the limit of 5, CreatePolicyVersion fails instead of deleting a version nobody chose', async () => {
    const ram = t.cloud().ram;
    await ram.createPolicy('DeployFull', doc('oss:GetObject'));
    for (let i = 2; i <= MAX_POLICY_VERSIONS; i++) {
      await ram.createPolicyVersion('DeployFull', doc(`oss:Get${i}`));
    }
    const before = t.sandbox.requests.length;
    await assert.rejects(
      ram.createPolicyVersion('DeployFull', doc('oss:ListObjects')),
      (e: CloudError) => e.code === 'LimitExceeded.Policy.Version',
    );
    assert.deepEqual(
      (await ram.listPolicyVersions('DeployFull', 'Custom')).map((v) => v.versionId),
      ['v1', 'v2', 'v3', 'v4', 'v5'],
    );
    assert.deepEqual(mutations(t.sandbox, before), ['CreatePolicyVersion']);
  });

  test('the plan names the live default, the deletable versions oldest first, and the attached entities', async () => {
    const ram = t.cloud().ram;
    await ram.attachPolicyToRole(DEMO.seededRole, 'DeployFull', 'Custom');
    const plan = await planPolicyVersion(ram, 'DeployFull');
    assert.equal(plan.current?.versionId, 'v5');
    assert.equal(plan.atLimit, true);
    assert.deepEqual(
      plan.deletable.map((v) => v.versionId),
      ['v1', 'v2', 'v3', 'v4'],
    );
    assert.deepEqual(plan.entities.roles, [DEMO.seededRole]);
    await ram.detachPolicyFromRole(DEMO.seededRole, 'DeployFull', 'Custom');
  });

  test('a policy that does not exist yet plans as new, with nothing attached', async () => {
    const plan = await planPolicyVersion(t.cloud().ram, 'DeployNotThere');
    assert.equal(plan.current, undefined);
    assert.equal(plan.atLimit, false);
    assert.deepEqual(plan.entities, { roles: [], users: [], groups: [] });
  });

  test('apply deletes exactly the chosen version, then creates the new default', async () => {
    const ram = t.cloud().ram;
    const before = t.sandbox.requests.length;
    const v = await applyPolicyVersion(ram, 'DeployFull', doc('oss:ListObjects'), 'v3');
    assert.equal(v.versionId, 'v6');
    assert.deepEqual(mutations(t.sandbox, before), ['DeletePolicyVersion', 'CreatePolicyVersion']);
    const versions = await ram.listPolicyVersions('DeployFull', 'Custom');
    assert.deepEqual(
      versions.map((x) => x.versionId),
      ['v1', 'v2', 'v4', 'v5', 'v6'],
    );
    assert.equal(versions.find((x) => x.isDefault)?.versionId, 'v6');
  });

  test('roll back: SetDefaultPolicyVersion makes an older version the default and keeps the others', async () => {
    const ram = t.cloud().ram;
    await ram.setDefaultPolicyVersion('DeployFull', 'v2');
    const p = await ram.getPolicy('DeployFull', 'Custom');
    assert.equal(p.policy.defaultVersion, 'v2');
    assert.match(p.document, /oss:Get2/);
    assert.equal((await ram.listPolicyVersions('DeployFull', 'Custom')).length, 5);
    await assert.rejects(
      ram.setDefaultPolicyVersion('DeployFull', 'v3'),
      (e: CloudError) => e.code === 'EntityNotExist.Policy.Version',
    );
    await assert.rejects(
      ram.deletePolicyVersion('DeployFull', 'v2'),
      (e: CloudError) => e.code === 'DeleteConflict.Policy.Version.Default',
    );
    await ram.deletePolicy('DeployFull');
  });
});

describe('trust policy updates', () => {
  test('removing ECS from a role that an instance uses names that instance; keeping ECS looks nothing up', async () => {
    const cloud = t.cloud();
    const regions = ['cn-hangzhou', 'cn-shanghai'];
    const removing = await planTrustUpdate(
      cloud,
      DEMO.seededRole,
      formatPolicy(serviceTrustPolicy('fc.aliyuncs.com')),
      regions,
    );
    assert.equal(removing.removesEcs, true);
    assert.ok(removing.instances.length >= 1, 'the seed attaches the role to an instance');
    assert.ok(removing.instances.every((i) => i.ramRoleName?.toLowerCase() === DEMO.seededRole.toLowerCase()));
    const before = t.sandbox.requests.length;
    const keeping = await planTrustUpdate(cloud, DEMO.seededRole, formatPolicy(serviceTrustPolicy()), regions);
    assert.equal(keeping.removesEcs, false);
    assert.deepEqual(keeping.instances, []);
    assert.ok(
      !t.sandbox.requests.slice(before).some((r) => r.service === 'ecs'),
      'no ECS lookups when ECS stays trusted',
    );
  });
});
