// Pre-staging the VS Code server through Cloud Assistant over the wire: the extension's script goes
// out with RunCommand for this build and login user, and its answer comes back through
// DescribeInvocationResults. The sandbox's instance downloads only with a way out (a public IP).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO } from '../../src/sandbox/seed/demo';
import { sessionBook } from '../../src/sandbox/rpc/terminalSessions';
import { stageVsCodeServer } from '../../src/setup/vscodeServer';
import { useSandbox } from '../helpers/sandbox';

const BUILD = { commit: 'fedcba9876543210fedcba9876543210fedcba98', quality: 'stable' };

describe('VS Code server pre-staging through Cloud Assistant', () => {
  const t = useSandbox({ realism: { commands: { deliveryMs: 50, runMs: 100 } } });

  it('downloads on an instance with a public IP, then finds it there', async () => {
    const from = t.sandbox.requests.length;
    const r = await stageVsCodeServer(t.cloud(), 'cn-hangzhou', DEMO.vpcInstanceId, BUILD, 'root', {
      pollIntervalMs: 20,
    });
    assert.deepEqual(r, { state: 'installed' });
    const actions = t.sandbox.requests.slice(from).map((x) => x.action);
    assert.equal(actions[0], 'RunCommand');
    assert.ok(actions.filter((a) => a === 'DescribeInvocationResults').length >= 2, 'polled until final');
    assert.ok(sessionBook(t.sandbox.state).stagedServers.has(`${DEMO.vpcInstanceId}/root/${BUILD.commit}`));
    const again = await stageVsCodeServer(t.cloud(), 'cn-hangzhou', DEMO.vpcInstanceId, BUILD, 'root', {
      pollIntervalMs: 20,
    });
    assert.deepEqual(again, { state: 'present' });
  });

  it('reports the failed download of an instance without a way out to the internet', async () => {
    const r = await stageVsCodeServer(t.cloud(), 'cn-hangzhou', DEMO.vpcInstanceId2, BUILD, 'ecs-user', {
      pollIntervalMs: 20,
    });
    assert.deepEqual(r, { state: 'downloadFailed', what: 'server' });
  });

  it('says so when the script failed on the instance (a user it lacks)', async () => {
    await assert.rejects(
      stageVsCodeServer(t.cloud(), 'cn-hangzhou', DEMO.vpcInstanceId, BUILD, 'nobody', { pollIntervalMs: 20 }),
      { code: 'ServerNotStaged', message: /failed \(Failed\)/ },
    );
  });
});
