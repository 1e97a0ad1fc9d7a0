// The Session Manager pre-flight's Check Access over the wire: the caller's own RAM policies, read
// from the sandbox and evaluated by Check Access's evaluator, say whether ecs:StartTerminalSession
// is allowed on the instance, and the sandbox's authorization agrees.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import Ram, * as $Ram from '@alicloud/ram20150501';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { Cloud } from '../../src/cloud';
import { SessionManagerApi } from '../../src/cloud/sessionManager';
import { formatPolicy } from '../../src/policy/builders';
import { DEMO } from '../../src/sandbox/seed/demo';
import { preflightSession, startSessionAccess } from '../../src/setup/sessionManager';
import { useSandbox } from '../helpers/sandbox';

const REGION = 'cn-hangzhou';
const WORKER = DEMO.vpcInstanceId2;
const running = { instanceId: WORKER, status: 'Running' };

describe('Session Manager pre-flight: may the caller start a session?', () => {
  const t = useSandbox();
  let ram: Ram;
  let viewer: Cloud;
  let noRamRead: Cloud;

  async function userCloud(userName: string, policies: string[]): Promise<Cloud> {
    await ram.createUser(new $Ram.CreateUserRequest({ userName }));
    for (const policyName of policies) {
      await ram.attachPolicyToUser(new $Ram.AttachPolicyToUserRequest({ userName, policyName, policyType: 'System' }));
    }
    const key = (await ram.createAccessKey(new $Ram.CreateAccessKeyRequest({ userName }))).body!.accessKey!;
    return t.cloud({ mode: 'AK', accessKeyId: key.accessKeyId!, accessKeySecret: key.accessKeySecret! });
  }

  before(async () => {
    ram = new Ram(
      new $OpenApiUtil.Config({
        accessKeyId: t.sandbox.info.accessKeyId,
        accessKeySecret: t.sandbox.info.accessKeySecret,
        endpoint: t.sandbox.info.endpoint,
        protocol: 'http',
        regionId: REGION,
      }),
    );
    await new SessionManagerApi(t.cloud().session).setEnabled(REGION, true);
    viewer = await userCloud('sm-viewer', ['AliyunECSReadOnlyAccess', 'AliyunRAMReadOnlyAccess']);
    noRamRead = await userCloud('sm-no-ram-read', ['AliyunECSReadOnlyAccess']);
  });

  it('names the missing ecs:StartTerminalSession and what Check Access should evaluate; the sandbox refuses it too', async () => {
    const problems = await preflightSession(viewer, REGION, running);
    const denied = problems.find((p) => p.id === 'notAllowed');
    assert.ok(denied, JSON.stringify(problems));
    assert.equal(denied.message, 'RAM user sm-viewer is not allowed ecs:StartTerminalSession on this instance.');
    const { accountId } = await viewer.whoAmI();
    assert.deepEqual(denied.access, {
      identity: { kind: 'user', name: 'sm-viewer' },
      action: 'ecs:StartTerminalSession',
      resource: `acs:ecs:${REGION}:${accountId}:instance/${WORKER}`,
    });
    await assert.rejects(new SessionManagerApi(viewer.session).start(REGION, WORKER, 22), { code: 'Forbidden.RAM' });
  });

  it('finds nothing once a policy allows it, and the sandbox starts the session', async () => {
    const statement = {
      Effect: 'Allow' as const,
      Action: 'ecs:StartTerminalSession',
      Resource: 'acs:ecs:*:*:instance/*',
    };
    await ram.createPolicy(
      new $Ram.CreatePolicyRequest({
        policyName: 'AllowTerminalSessions',
        policyDocument: formatPolicy({ Version: '1', Statement: [statement] }),
      }),
    );
    await ram.attachPolicyToUser(
      new $Ram.AttachPolicyToUserRequest({
        userName: 'sm-viewer',
        policyName: 'AllowTerminalSessions',
        policyType: 'Custom',
      }),
    );
    assert.deepEqual(
      (await preflightSession(viewer, REGION, running)).map((p) => p.id),
      [],
    );
    const ticket = await new SessionManagerApi(viewer.session).start(REGION, WORKER, 22);
    assert.match(ticket.sessionId, /\S/);
  });

  it('does not block when it cannot tell (policies unreadable) or for the root account', async () => {
    assert.equal(await startSessionAccess(noRamRead, REGION, WORKER), undefined);
    assert.ok(!(await preflightSession(noRamRead, REGION, running)).some((p) => p.id === 'notAllowed'));
    assert.equal((await startSessionAccess(t.cloud(), REGION, WORKER))?.allowed, true);
  });
});
