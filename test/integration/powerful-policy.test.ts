// Attaching a powerful policy to an instance role is recognised over the wire: AdministratorAccess
// and `*`, RAM full access and escalation through RAM; ordinary policies and non-ECS roles are not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatPolicy, serviceTrustPolicy } from '../../src/policy/builders';
import { DEMO } from '../../src/sandbox/seed/demo';
import { instanceRoleRisk, powerfulGrants } from '../../src/setup/powerfulPolicy';
import { useSandbox } from '../helpers/sandbox';

const doc = (Statement: unknown[]) => ({ name: 'p', document: { Version: '1', Statement } as never });

describe('powerful policies on instance roles', () => {
  const t = useSandbox();

  it('classifies documents with the evaluator', () => {
    assert.deepEqual(powerfulGrants(doc([{ Effect: 'Allow', Action: '*', Resource: '*' }])), ['everything', 'ram']);
    assert.deepEqual(powerfulGrants(doc([{ Effect: 'Allow', NotAction: 'oss:PutObject', Resource: '*' }])), [
      'everything',
      'ram',
    ]);
    assert.deepEqual(powerfulGrants(doc([{ Effect: 'Allow', Action: 'ram:*', Resource: '*' }])), ['ram']);
    assert.deepEqual(powerfulGrants(doc([{ Effect: 'Allow', Action: ['ram:Attach*'], Resource: '*' }])), ['ram']);
    assert.deepEqual(powerfulGrants(doc([{ Effect: 'Allow', Action: ['oss:*', 'ecs:*'], Resource: '*' }])), []);
    assert.deepEqual(
      powerfulGrants(
        doc([
          { Effect: 'Allow', Action: 'ram:*', Resource: '*' },
          { Effect: 'Deny', Action: 'ram:*', Resource: '*' },
        ]),
      ),
      [],
    );
    assert.deepEqual(powerfulGrants(doc([{ Effect: 'Allow', Action: 'ram:Get*', Resource: '*' }])), []);
  });

  it('reads the role and the policy: system policies on the ECS role, nothing for other roles', async () => {
    const c = t.cloud();
    assert.deepEqual((await instanceRoleRisk(c, DEMO.seededRole, 'AdministratorAccess', 'System'))?.grants, [
      'everything',
      'ram',
    ]);
    assert.deepEqual((await instanceRoleRisk(c, DEMO.seededRole, 'AliyunRAMFullAccess', 'System'))?.grants, ['ram']);
    assert.equal(await instanceRoleRisk(c, DEMO.seededRole, 'AliyunOSSReadOnlyAccess', 'System'), undefined);
    const trust = JSON.parse(formatPolicy(serviceTrustPolicy())) as {
      Statement: Array<{ Principal: { Service: string[] } }>;
    };
    trust.Statement[0].Principal.Service = ['fc.aliyuncs.com'];
    await c.ram.createRole('PowerNotEcs', JSON.stringify(trust));
    assert.equal(await instanceRoleRisk(c, 'PowerNotEcs', 'AdministratorAccess', 'System'), undefined);
  });
});
