// Verify Role on Instance end to end over the wire (ECS SDK → sandbox Cloud Assistant → the
// instance's IMDS and OSS): one verdict per situation, each with its explanation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEMO } from '../../src/sandbox/seed/demo';
import { verifyRoleOnInstance } from '../../src/setup/verifyRole';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();
const R = 'cn-hangzhou';
const bucket = { name: DEMO.bucket, regionId: R };

describe('verifyRoleOnInstance', () => {
  test('demo-worker-1: role, expiry, listing works; states reported as they come', async () => {
    const states: string[] = [];
    const r = await verifyRoleOnInstance(t.cloud(), R, DEMO.vpcInstanceId2, {
      bucket,
      pollIntervalMs: 20,
      onState: (s) => states.push(s),
    });
    assert.equal(r.verdict, 'roleOk');
    assert.equal(r.report?.role, DEMO.seededRole);
    assert.match(
      r.summary,
      new RegExp(
        `^demo-worker-1 has role ${DEMO.seededRole}; its credentials expire at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\S*; listing demo-data works\\.$`,
      ),
    );
    assert.deepEqual(states.at(-1), 'Success');
    for (const s of t.sandbox.state.stsSessions.values()) {
      assert.ok(
        !JSON.stringify(r).includes(s.accessKeySecret) && !JSON.stringify(r).includes(s.securityToken),
        'no secret in the result',
      );
    }
  });

  test('demo-web-1: no role, said clearly', async () => {
    const r = await verifyRoleOnInstance(t.cloud(), R, DEMO.vpcInstanceId, { bucket, pollIntervalMs: 20 });
    assert.equal(r.verdict, 'noRole');
    assert.equal(r.summary, 'demo-web-1 has no RAM role.');
    assert.match(r.detail ?? '', /404.*Attach a role/);
  });

  test('no agent, agent stopped, instance stopped: nothing is run', async () => {
    const before = t.sandbox.state.invocations?.size ?? 0;
    // A classic instance cannot have a role: said before any bucket is asked or the agent is blamed.
    let asked = 0;
    const classic = await verifyRoleOnInstance(t.cloud(), R, DEMO.classicInstanceId, {
      bucket: async () => {
        asked++;
        return undefined;
      },
    });
    assert.equal(classic.verdict, 'classicNetwork');
    assert.match(classic.summary, /classic network: RAM roles need a VPC instance/);
    assert.equal(asked, 0);
    const web = t.sandbox.state.instances.get(DEMO.vpcInstanceId)!;
    web.cloudAssistant = 'notInstalled';
    try {
      assert.equal(
        (
          await verifyRoleOnInstance(t.cloud(), R, DEMO.vpcInstanceId, {
            bucket: async () => {
              asked++;
              return undefined;
            },
          })
        ).verdict,
        'agentMissing',
      );
      assert.equal(asked, 0);
    } finally {
      web.cloudAssistant = 'running';
    }
    web.cloudAssistant = 'stopped';
    try {
      const r = await verifyRoleOnInstance(t.cloud(), R, DEMO.vpcInstanceId);
      assert.equal(r.verdict, 'agentNotRunning');
      assert.match(r.detail ?? '', /systemctl start aliyun\.service/);
    } finally {
      delete web.cloudAssistant;
    }
    const stopped = await verifyRoleOnInstance(t.cloud(), 'cn-shanghai', DEMO.shanghaiInstanceId);
    assert.deepEqual(
      [stopped.verdict, stopped.summary],
      ['notRunning', 'demo-sh-batch is Stopped: the role can only be checked on a running instance.'],
    );
    assert.equal(t.sandbox.state.invocations?.size ?? 0, before);
  });

  test('a run that times out: the state, what it means, ErrorCode and ErrorInfo', async () => {
    t.sandbox.setRealism({ commands: { deliveryMs: 0, runMs: 120_000 } });
    try {
      const pending = verifyRoleOnInstance(t.cloud(), R, DEMO.vpcInstanceId2, { pollIntervalMs: 20 });
      await new Promise((res) => setTimeout(res, 200));
      t.sandbox.advanceClock(61_000);
      const r = await pending;
      assert.equal(r.verdict, 'invocationFailed');
      assert.equal(r.summary, 'The role check on demo-worker-1 ended with state Timeout.');
      assert.equal(
        r.detail,
        'The script did not finish within its time limit. ExecutionTimeout: the command execution has been timeout',
      );
    } finally {
      t.sandbox.setRealism({ commands: { deliveryMs: 0, runMs: 0 } });
    }
  });

  test('a role that may not list the bucket: refused, with the code', async () => {
    const cloud = t.cloud();
    await cloud.ecs.attachRole(R, DEMO.vpcInstanceId, 'DemoEcsLogShipper');
    try {
      const r = await verifyRoleOnInstance(cloud, R, DEMO.vpcInstanceId, { bucket, pollIntervalMs: 20 });
      assert.equal(r.verdict, 'roleListRefused');
      assert.match(r.summary, /listing demo-data failed: AccessDenied 403\.$/);
      assert.match(r.detail ?? '', /oss:ListObjects/);
    } finally {
      await cloud.ecs.detachRole(R, DEMO.vpcInstanceId, 'DemoEcsLogShipper');
    }
  });
});

describe('the bucket asked for later', () => {
  test('a bucket given as a function (asked once the instance can be checked) is named in the verdict; none given skips the OSS check', async () => {
    const asked = await verifyRoleOnInstance(t.cloud(), R, DEMO.vpcInstanceId2, {
      bucket: async () => ({ name: DEMO.bucket, regionId: R }),
      pollIntervalMs: 20,
    });
    assert.equal(asked.verdict, 'roleOk');
    assert.match(asked.summary, new RegExp(`listing ${DEMO.bucket} works\\.$`));
    const skipped = await verifyRoleOnInstance(t.cloud(), R, DEMO.vpcInstanceId2, {
      bucket: async () => undefined,
      pollIntervalMs: 20,
    });
    assert.equal(skipped.verdict, 'roleOk');
    assert.doesNotMatch(skipped.summary, /listing/);
  });
});
