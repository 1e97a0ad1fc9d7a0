// The sandbox's Session Manager: the RPC actions through the real ECS SDK, and the /session relay's
// limits over a real WebSocket (URL expiry, the send-rate frame, FlowExceedLimit, connections per
// instance, OpenChannelFailed), plus Forward a Port to a VPC address through the instance.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { SessionManagerApi } from '../../../src/cloud/sessionManager';
import { decodeFrame, encodeFrame, SessionStream, type SessionEnd } from '../../../src/cloud/sessionStream';
import { forwardPort } from '../../../src/setup/portForward';
import { DEMO } from '../../../src/sandbox/seed/demo';
import { useSandbox } from '../../helpers/sandbox';

describe('sandbox Session Manager', () => {
  const t = useSandbox({ realism: { sessions: { perInstance: 2 } } });
  let sm: SessionManagerApi;
  let echo: net.Server;
  let echoPort = 0;
  before(async () => {
    sm = new SessionManagerApi(t.cloud().session);
    echo = net.createServer((c) => c.on('error', () => undefined).pipe(c));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    echoPort = (echo.address() as net.AddressInfo).port;
    t.sandbox.instancePorts.set(`${DEMO.vpcInstanceId}:7`, echoPort);
    t.sandbox.instancePorts.set(`10.0.5.20:6379`, echoPort);
  });
  after(() => echo?.close());

  it('is off in a new account; the settings pair turns it on', async () => {
    assert.equal(await sm.enabled('cn-hangzhou'), false);
    await assert.rejects(sm.start('cn-hangzhou', DEMO.vpcInstanceId, 7), { code: 'SessionManager.Disabled' });
    await sm.setEnabled('cn-hangzhou', true);
    assert.equal(await sm.enabled('cn-hangzhou'), true);
  });

  it('sends the rate first, echoes bytes, and refuses an expired URL', async () => {
    const ticket = await sm.start('cn-hangzhou', DEMO.vpcInstanceId, 7);
    assert.match(ticket.webSocketUrl, /^ws:\/\/127\.0\.0\.1:\d+\/session\?sessionId=s-/);
    const rates: number[] = [];
    const got: Buffer[] = [];
    const ended = new Promise<SessionEnd>((resolve) => {
      const s = new SessionStream(ticket.webSocketUrl, ticket.securityToken, {
        rate: (r) => rates.push(r),
        data: (d) => {
          got.push(d);
          if (Buffer.concat(got).toString() === 'ping') {
            s.end();
          }
        },
        end: resolve,
      });
      // Held back until the agent answers or 3 s pass: the port is open by then.
      s.write(Buffer.from('ping'));
    });
    assert.deepEqual(await ended, { kind: 'done' });
    assert.deepEqual(rates, [200 * 1024]);
    // Ten minutes later the same URL is refused.
    t.sandbox.advanceClock(10 * 60_000 + 1000);
    try {
      const how = await new Promise<SessionEnd>((resolve) => {
        new SessionStream(ticket.webSocketUrl, ticket.securityToken, { data: () => undefined, end: resolve });
      });
      assert.deepEqual(how, { kind: 'refused', httpStatus: 403 });
    } finally {
      t.sandbox.advanceClock(-(10 * 60_000 + 1000));
    }
  });

  it('a wrong token is refused before the upgrade', async () => {
    const ticket = await sm.start('cn-hangzhou', DEMO.vpcInstanceId, 7);
    const url = ticket.webSocketUrl.replace(/&token=[^&]*/, '');
    const how = await new Promise<SessionEnd>((resolve) => {
      new SessionStream(url, 'not-the-token', { data: () => undefined, end: resolve });
    });
    assert.deepEqual(how, { kind: 'refused', httpStatus: 401 });
  });

  it('cuts a client that ignores the send rate with FlowExceedLimit', async () => {
    const ticket = await sm.start('cn-hangzhou', DEMO.vpcInstanceId, 7);
    const ws = new WebSocket(ticket.webSocketUrl, { headers: { 'x-acs-session-token': ticket.securityToken } });
    const reason = await new Promise<string>((resolve) => {
      ws.on('message', (d: Buffer) => {
        const f = decodeFrame(d);
        if (f?.type === 5 && f.payload[0] === 5) {
          resolve(f.payload.subarray(1).toString());
        }
      });
      ws.on('open', () => {
        // 1 MB at once, in 2 KB frames: five seconds' worth of 200 KB/s.
        for (let i = 0; i < 512; i++) {
          ws.send(encodeFrame(0, i, Buffer.alloc(2048)));
        }
      });
    });
    assert.equal(reason, 'FlowExceedLimit');
    const conns = await sm.connections('cn-hangzhou', ticket.sessionId);
    assert.equal(conns[0].closedReason, 'FlowExceedLimit');
  });

  it('refuses more connected sessions per instance than the limit, and reports a closed port', async () => {
    const open = await Promise.all(
      [1, 2].map(async () => {
        const ticket = await sm.start('cn-hangzhou', DEMO.vpcInstanceId, 7);
        const s = new SessionStream(ticket.webSocketUrl, ticket.securityToken, {
          data: () => undefined,
          end: () => undefined,
        });
        for (let i = 0; i < 100; i++) {
          const c = await sm.connections('cn-hangzhou', ticket.sessionId);
          if (c[0]?.status === 'Connected') {
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        return s;
      }),
    );
    try {
      const third = await sm.start('cn-hangzhou', DEMO.vpcInstanceId, 7);
      const how = await new Promise<SessionEnd>((resolve) => {
        new SessionStream(third.webSocketUrl, third.securityToken, { data: () => undefined, end: resolve });
      });
      assert.equal(how.kind, 'connectFailed');
    } finally {
      open.forEach((s) => s.destroy());
    }
    await new Promise((r) => setTimeout(r, 100));
    const closedPort = await sm.start('cn-hangzhou', DEMO.vpcInstanceId, 2222);
    const how = await new Promise<SessionEnd>((resolve) => {
      new SessionStream(closedPort.webSocketUrl, closedPort.securityToken, { data: () => undefined, end: resolve });
    });
    assert.deepEqual(how, { kind: 'closed', reason: 'OpenChannelFailed' });
  });

  it('Forward a Port reaches a VPC address through the instance (TargetServer)', async () => {
    const forward = await forwardPort(t.cloud(), {
      regionId: 'cn-hangzhou',
      instanceId: DEMO.vpcInstanceId,
      port: 6379,
      targetServer: '10.0.5.20',
    });
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const c = net.connect(forward.localPort, '127.0.0.1', () => c.write('PING\r\n'));
        c.on('data', (d) => {
          resolve(d.toString());
          c.end();
        });
        c.on('error', reject);
      });
      assert.equal(reply, 'PING\r\n');
    } finally {
      forward.dispose();
    }
  });
});
