// Pre-flight for Connect with Remote-SSH, over the wire (DescribeInstances,
// DescribeSecurityGroupAttribute): each problem with its explanation and fix.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { ConnectivityApi, type SecurityGroupRule } from '../../src/cloud/connectivity';
import { DEMO } from '../../src/sandbox/seed/demo';
import type { SecurityGroupPermission } from '../../src/sandbox/core/state';
import { preflightConnect, sshAccess } from '../../src/setup/connectPreflight';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const sshDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-'));
after(() => fs.rmSync(sshDir, { recursive: true, force: true }));
const ids = (p: { problems: Array<{ id: string }> }) => p.problems.map((x) => x.id);

describe('Connect pre-flight', () => {
  test("DescribeSecurityGroupAttribute returns the group's rules in the API's shape", async () => {
    const rules = await new ConnectivityApi(t.cloud().session).ingressRules('cn-hangzhou', 'sg-bp1sandbox00000001');
    const ssh = rules.find((r) => r.portRange === '22/22');
    assert.deepEqual(
      ssh && { p: ssh.ipProtocol, s: ssh.sourceCidrIp, a: ssh.policy, n: ssh.priority, d: ssh.direction },
      { p: 'TCP', s: '0.0.0.0/0', a: 'Accept', n: 100, d: 'ingress' },
    );
    assert.ok(
      rules.every((r) => r.direction === 'ingress'),
      'Direction=ingress filters',
    );
  });

  test('demo-web-1: public IP, SSH open, root; only the key is missing until it is there', async () => {
    const plan = await preflightConnect(t.cloud(), 'cn-hangzhou', DEMO.vpcInstanceId, { sshDir, home: sshDir });
    assert.deepEqual(ids(plan), ['keyNotFound']);
    const key = plan.problems[0];
    assert.equal(key.blocking, false);
    assert.match(key.message, /demo-key/);
    assert.ok(key.fix.includes(path.join(sshDir, 'demo-key.pem')));
    assert.deepEqual(
      [plan.host, plan.user, plan.alias, plan.identityFile],
      ['47.96.0.10', 'root', `demo-web-1.${DEMO.vpcInstanceId}`, '~/demo-key.pem'],
    );

    fs.writeFileSync(path.join(sshDir, 'demo-key.pem'), 'not a real key', { mode: 0o600 });
    assert.deepEqual(
      ids(await preflightConnect(t.cloud(), 'cn-hangzhou', DEMO.vpcInstanceId, { sshDir, home: sshDir })),
      [],
    );
  });

  test('demo-worker-1 has no public IP (with the three ways out), and logs in as ecs-user', async () => {
    const plan = await preflightConnect(t.cloud(), 'cn-hangzhou', DEMO.vpcInstanceId2, { sshDir, home: sshDir });
    assert.deepEqual(ids(plan), ['noPublicIp']);
    const p = plan.problems[0];
    assert.equal(p.blocking, true);
    assert.match(p.explanation, /172\.16\.2\.20/);
    assert.match(p.fix, /public IP/);
    assert.match(p.fix, /Elastic IP/);
    assert.match(p.fix, /bastion/);
    assert.equal(plan.user, 'ecs-user');
  });

  test('a stopped instance without a public IP: not Running first, with how to start it', async () => {
    const plan = await preflightConnect(t.cloud(), 'cn-shanghai', DEMO.shanghaiInstanceId, { sshDir, home: sshDir });
    assert.deepEqual(ids(plan), ['notRunning', 'noPublicIp']);
    assert.match(plan.problems[0].message, /Stopped/);
    assert.match(plan.problems[0].fix, /Start/);
  });

  test('security groups: no rule, a Drop rule first, or SSH from a narrow range only', async () => {
    const group = t.sandbox.state.securityGroups.find((g) => g.securityGroupId === 'sg-bp1sandbox00000001')!;
    const saved = group.permissions;
    const run = (rules: SecurityGroupPermission[]) => {
      group.permissions = rules;
      return preflightConnect(t.cloud(), 'cn-hangzhou', DEMO.vpcInstanceId, { sshDir, home: sshDir });
    };
    try {
      const none = await run([]);
      assert.deepEqual(ids(none), ['noSshRule']);
      assert.match(none.problems[0].explanation, /sg-bp1sandbox00000001/);
      assert.match(none.problems[0].fix, /22\/22/);

      const dropped = await run([
        {
          direction: 'ingress',
          ipProtocol: 'TCP',
          portRange: '22/22',
          sourceCidrIp: '0.0.0.0/0',
          policy: 'Accept',
          priority: 100,
        },
        {
          direction: 'ingress',
          ipProtocol: 'ALL',
          portRange: '-1/-1',
          sourceCidrIp: '0.0.0.0/0',
          policy: 'Drop',
          priority: 1,
        },
      ]);
      assert.deepEqual(ids(dropped), ['noSshRule']);
      assert.match(dropped.problems[0].explanation, /Drop rule \(priority 1\)/);

      const narrow = await run([
        {
          direction: 'ingress',
          ipProtocol: 'TCP',
          portRange: '20/30',
          sourceCidrIp: '203.0.113.0/24',
          policy: 'Accept',
          priority: 1,
        },
      ]);
      assert.deepEqual(ids(narrow), ['sshRestricted']);
      assert.equal(narrow.problems[0].blocking, false);
      assert.match(narrow.problems[0].message, /203\.0\.113\.0\/24/);
    } finally {
      group.permissions = saved;
    }
  });

  test('sshAccess: priority order, Drop wins a tie, ALL covers 22, other ports do not', () => {
    const r = (x: Partial<SecurityGroupRule>): SecurityGroupRule => ({
      securityGroupId: 'sg',
      direction: 'ingress',
      ipProtocol: 'TCP',
      portRange: '22/22',
      sourceCidrIp: '0.0.0.0/0',
      policy: 'Accept',
      priority: 1,
      ...x,
    });
    assert.equal(sshAccess([r({ ipProtocol: 'ALL', portRange: '-1/-1' })]).open, true);
    assert.equal(sshAccess([r({ portRange: '80/80' })]).open, false);
    assert.equal(sshAccess([r({}), r({ policy: 'Drop' })]).open, false);
    assert.equal(sshAccess([r({ priority: 2, policy: 'Drop' }), r({})]).open, true);
    assert.equal(sshAccess([r({ ipProtocol: 'UDP' })]).open, false);
  });
});
