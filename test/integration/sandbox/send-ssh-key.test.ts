// The sandbox's ACS-ECS-SendSshPublicKey through the real ECS SDK (InvokeCommand): a key for the
// login user kept 60 s on the sandbox clock; an unknown command, malformed parameters and an
// unknown user are refused as the service does; without the config_ecs_instance_connect plug-in
// (installed through Cloud Assistant first, as the help page says) the command fails on the instance.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudAssistantApi, SEND_SSH_PUBLIC_KEY } from '../../../src/cloud/cloudAssistant';
import { loadEcsSdk } from '../../../src/cloud/sdk';
import { activeTempKeys } from '../../../src/sandbox/rpc/terminalSessions';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { ensureConnectPlugin, generateTempKey, newTempKeyBook, TEMP_KEY_TTL_MS } from '../../../src/setup/tempKey';
import { useSandbox } from '../../helpers/sandbox';

describe('sandbox ACS-ECS-SendSshPublicKey', () => {
  const t = useSandbox({ realism: { commands: { deliveryMs: 0, runMs: 0 } } });
  const invoke = (commandId: string, parameters: Record<string, unknown>) =>
    t.cloud().session.call('ecs', 'InvokeCommand', 'cn-hangzhou', () =>
      t
        .cloud()
        .session.ecsClient('cn-hangzhou')
        .invokeCommand(
          new (loadEcsSdk().InvokeCommandRequest)({
            regionId: 'cn-hangzhou',
            instanceId: [DEMO.vpcInstanceId2],
            commandId,
            parameters,
          }),
        ),
    );

  it('fails on the instance until the config_ecs_instance_connect plug-in is installed', async () => {
    const ca = new CloudAssistantApi(t.cloud().session);
    const key = generateTempKey();
    const sent = await ca.sendSshPublicKey('cn-hangzhou', DEMO.vpcInstanceId2, 'ecs-user', key.publicLine);
    const refused = await ca.result('cn-hangzhou', sent.invokeId, DEMO.vpcInstanceId2);
    assert.equal(refused?.status, 'Failed');
    assert.match(refused?.output ?? '', /config_ecs_instance_connect is not installed/);
    assert.deepEqual(activeTempKeys(t.sandbox.state, DEMO.vpcInstanceId2), []);

    const book = newTempKeyBook();
    const before = t.sandbox.requests.length;
    await ensureConnectPlugin(t.cloud(), book, 'cn-hangzhou', DEMO.vpcInstanceId2, { pollIntervalMs: 10 });
    assert.ok(book.pluginReady.has(`cn-hangzhou/${DEMO.vpcInstanceId2}`));
    assert.deepEqual(
      t.sandbox.requests.slice(before).map((r) => r.action),
      ['RunCommand', 'DescribeInvocationResults'],
    );
    // Once per extension host: the second call asks nothing.
    await ensureConnectPlugin(t.cloud(), book, 'cn-hangzhou', DEMO.vpcInstanceId2);
    assert.equal(t.sandbox.requests.length, before + 2);
  });

  it('keeps the key for the login user 60 seconds, then forgets it', async () => {
    const ca = new CloudAssistantApi(t.cloud().session);
    const key = generateTempKey();
    const { invokeId } = await ca.sendSshPublicKey('cn-hangzhou', DEMO.vpcInstanceId2, 'ecs-user', key.publicLine);
    const r = await ca.result('cn-hangzhou', invokeId, DEMO.vpcInstanceId2);
    assert.equal(r?.status, 'Success');
    assert.deepEqual(activeTempKeys(t.sandbox.state, DEMO.vpcInstanceId2), [
      { username: 'ecs-user', publicKey: key.publicLine },
    ]);
    t.sandbox.advanceClock(TEMP_KEY_TTL_MS - 1000);
    assert.equal(activeTempKeys(t.sandbox.state, DEMO.vpcInstanceId2).length, 1);
    t.sandbox.advanceClock(1000);
    assert.deepEqual(activeTempKeys(t.sandbox.state, DEMO.vpcInstanceId2), []);
  });

  it('fails for a user the instance does not have', async () => {
    const ca = new CloudAssistantApi(t.cloud().session);
    const { invokeId } = await ca.sendSshPublicKey(
      'cn-hangzhou',
      DEMO.vpcInstanceId2,
      'nobody',
      generateTempKey().publicLine,
    );
    const r = await ca.result('cn-hangzhou', invokeId, DEMO.vpcInstanceId2);
    assert.equal(r?.status, 'Failed');
    assert.equal(r?.errorCode, 'ExitCodeNonzero');
    assert.deepEqual(activeTempKeys(t.sandbox.state, DEMO.vpcInstanceId2), []);
  });

  it('refuses an unknown public command and malformed parameters', async () => {
    await assert.rejects(invoke('ACS-ECS-NoSuchCommand', { username: 'root' }), { code: 'InvalidCmdId.NotFound' });
    await assert.rejects(invoke(SEND_SSH_PUBLIC_KEY, { username: 'root', sshPublicKey: 'not a key' }), {
      code: 'InvalidParameter.Parameters',
    });
    await assert.rejects(invoke(SEND_SSH_PUBLIC_KEY, { sshPublicKey: generateTempKey().publicLine }), {
      code: 'InvalidParameter.Parameters',
    });
  });
});
