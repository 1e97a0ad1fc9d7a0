// Session Manager end to end over the wire: real OpenSSH `ssh` runs our bridge as its ProxyCommand;
// the bridge gets its session from the channel (as the extension serves it), speaks the frame
// protocol to the sandbox relay, which forwards to an ssh2 server behind the instance's port 22.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SessionManagerApi } from '../../src/cloud/sessionManager';
import { closeSessions } from '../../src/sandbox/rpc/sessionRelay';
import { activeTempKeys } from '../../src/sandbox/rpc/terminalSessions';
import { TEMP_KEY_TTL_MS } from '../../src/setup/tempKey';
import { DEMO } from '../../src/sandbox/seed/demo';
import { utils } from 'ssh2';
import { useSandbox } from '../helpers/sandbox';
import { sha256, startBridgeRig, type BridgeRig } from '../helpers/sessionBridge';
import { sourceBytes } from '../helpers/sshTestServer';

// 1 MB/s: 20 MB in 20 s, and a ratio that holds on a loaded two-core machine (the default is 200 KB/s).
const RATE = Number(process.env.SM_TEST_RATE ?? 1024 * 1024);
const hasSsh = (() => {
  try {
    execFileSync('ssh', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('Session Manager through real OpenSSH', { skip: hasSsh ? false : 'no ssh on this machine' }, () => {
  const t = useSandbox({ realism: { sessions: { bytesPerSecond: RATE } } });
  let rig: BridgeRig;
  before(async () => {
    rig = await startBridgeRig(t.sandbox, t.cloud(), DEMO.vpcInstanceId);
  });
  after(() => rig?.close());

  it('runs a command on an instance without a public IP and returns its output', async () => {
    const r = await rig.run('echo hello from the instance');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.toString(), 'hello from the instance\n');
    const conns = await rig.sm.connections('cn-hangzhou', rig.tickets.at(-1)!.sessionId);
    assert.equal(conns.length, 1);
    assert.equal(conns[0].status, 'Terminated');
  });

  it('carries 20 MB byte-exact at ≥ 90 % of the rate the relay allows', async () => {
    const data = sourceBytes(20 * 1024 * 1024);
    const up = await rig.run('sink', { input: data });
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stdout.toString().trim(), `${data.length} ${sha256(data)}`);
    const { bytes, firstAt, lastAt } = rig.ssh.sinks.at(-1)!;
    const ratio = bytes / ((lastAt - firstAt) / 1000) / RATE;
    assert.ok(ratio >= 0.9, `throughput ${ratio.toFixed(3)} of the allowed rate`);
    assert.ok(ratio <= 1.1, `the bridge sent faster than allowed (${ratio.toFixed(3)})`);
  });

  it('carries 2 MB back byte-exact, paced by the relay', async () => {
    const down = await rig.run(`source ${2 * 1024 * 1024}`);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(sha256(down.stdout), sha256(sourceBytes(2 * 1024 * 1024)));
  });

  it('reports a relay close reason in plain words within a second', async () => {
    const child = rig.spawnSsh('sleep 30');
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    // Wait until the session is connected, then the service cuts it.
    for (let i = 0; i < 100 && !(await connected(rig)); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const before = rig.ends.length;
    // The relay cuts it in this process (the control route does the same), so the clock starts
    // when the close frame leaves, not when an HTTP request about it was sent.
    const cutAt = Date.now();
    assert.equal(closeSessions(t.sandbox.state, 'FlowExceedLimit', { instanceId: DEMO.vpcInstanceId }), 1);
    const code = await exited;
    for (let i = 0; i < 20 && rig.ends.length === before; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const end = rig.ends.at(-1)!;
    assert.deepEqual(end.how, { kind: 'closed', reason: 'FlowExceedLimit' });
    assert.ok(end.at - cutAt <= 1000, `reported after ${end.at - cutAt} ms`);
    assert.notEqual(code, 0);
    assert.match(stderr, /more data was sent than the session allows/);
  });

  it('checks the host key pinned from the instance: another key is refused', async () => {
    const pinned = fs.readFileSync(rig.knownHosts, 'utf8');
    assert.match(pinned, new RegExp(`^${rig.alias.replace(/\./g, '\\.')} ssh-ed25519 `));
    fs.writeFileSync(rig.knownHosts, `${rig.alias} ${utils.generateKeyPairSync('ed25519').public}\n`);
    try {
      const r = await rig.run('echo hi', { extraOptions: ['LogLevel=ERROR'] });
      assert.equal(r.code, 255);
      assert.match(r.stderr, /host key|HOST IDENTIFICATION|verification failed/i);
    } finally {
      fs.writeFileSync(rig.knownHosts, pinned);
    }
  });

  it('keeps no token in argv or in the ssh config', async () => {
    const child = rig.spawnSsh('sleep 2');
    for (let i = 0; i < 100 && !(await connected(rig)); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const ticket = rig.tickets.at(-1)!;
    const argvs = fs
      .readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
        } catch {
          return '';
        }
      });
    assert.ok(
      argvs.some((a) => a.includes('--channel')),
      'the bridge process is visible',
    );
    for (const secret of [ticket.securityToken, ticket.webSocketUrl, ticket.sessionId]) {
      assert.ok(!argvs.some((a) => a.includes(secret)), 'a session secret is in some argv');
      assert.ok(!fs.readFileSync(rig.configFile, 'utf8').includes(secret));
    }
    await new Promise((r) => child.on('close', r));
  });

  it('refuses without Session Manager enabled, and says why a connection failed', async () => {
    const sm = new SessionManagerApi(t.cloud().session);
    await sm.setEnabled('cn-hangzhou', false);
    try {
      await assert.rejects(sm.start('cn-hangzhou', DEMO.vpcInstanceId, 22), { code: 'SessionManager.Disabled' });
    } finally {
      await sm.setEnabled('cn-hangzhou', true);
    }
    // An instance that is not running: the relay closes with InstanceNotRunning, the bridge says so.
    const stopped = [...t.sandbox.state.instances.values()].find((i) => i.status === 'Stopped');
    assert.ok(stopped, 'the demo account has a stopped instance');
    const ticket = await sm.start(stopped.regionId, stopped.instanceId, 22);
    const { SessionStream } = await import('../../src/cloud/sessionStream');
    const how = await new Promise(
      (resolve) =>
        new SessionStream(ticket.webSocketUrl, ticket.securityToken, { data: () => undefined, end: resolve }),
    );
    assert.deepEqual(how, { kind: 'closed', reason: 'InstanceNotRunning' });
    const conns = await sm.connections(stopped.regionId, ticket.sessionId);
    assert.equal(conns[0].status, 'Failed');
    assert.equal(conns[0].closedReason, 'InstanceNotRunning');
  });
});

describe('Session Manager idle close and keepalive', { skip: hasSsh ? false : 'no ssh on this machine' }, () => {
  const t = useSandbox({ realism: { sessions: { idleMs: 2500 } } });
  let rig: BridgeRig;
  before(async () => {
    rig = await startBridgeRig(t.sandbox, t.cloud(), DEMO.vpcInstanceId);
  });
  after(() => rig?.close());

  it('an idle session is closed by the relay; ServerAliveInterval keeps it open', async () => {
    const idle = await rig.run('sleep 5', { extraOptions: ['ServerAliveInterval=0'] });
    assert.notEqual(idle.code, 0);
    assert.match(idle.stderr, /Session Manager closed the session/);
    // The config block's keepalive (30 s against 3 min in production) at test scale: 1 s against 2.5 s.
    const kept = await rig.run('sleep 5', { extraOptions: ['ServerAliveInterval=1'] });
    assert.equal(kept.code, 0, kept.stderr);
    assert.equal(kept.stdout.toString(), 'slept\n');
  });
});

async function connected(rig: BridgeRig): Promise<boolean> {
  const last = rig.tickets.at(-1);
  if (!last) {
    return false;
  }
  const c = await rig.sm.connections('cn-hangzhou', last.sessionId);
  return c.some((x) => x.status === 'Connected');
}

describe(
  'Session Manager with a 60-second key per connection',
  { skip: hasSsh ? false : 'no ssh on this machine' },
  () => {
    const t = useSandbox();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-tempkey-'));
    const authorizedKeysFile = path.join(dir, 'authorized_keys');
    const keyDir = path.join(dir, 'storage');
    let expireBeforeLogin = false;
    let rig: BridgeRig;
    before(async () => {
      // The instance's own authorized_keys: someone else's key, which must stay exactly as it is.
      fs.writeFileSync(authorizedKeysFile, `${utils.generateKeyPairSync('ed25519').public} someone@else\n`);
      rig = await startBridgeRig(t.sandbox, t.cloud(), DEMO.vpcInstanceId2, {
        tempKeys: {
          authorizedKeysFile,
          keyDir,
          afterKey: () => expireBeforeLogin && t.sandbox.advanceClock(TEMP_KEY_TTL_MS + 1000),
        },
      });
    });
    after(async () => {
      await rig?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const keysOnDisk = () => fs.readdirSync(path.join(keyDir, 'session-manager-keys'));
    async function noKeyLeft(): Promise<string[]> {
      for (let i = 0; i < 60 && keysOnDisk().length; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      return keysOnDisk();
    }

    it('logs in with a fresh key each time; authorized_keys is byte-identical; no private key stays', async () => {
      const before = fs.readFileSync(authorizedKeysFile);
      const first = await rig.run('echo first');
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout.toString(), 'first\n');
      // Gone once the session is over; the next connection gets a key of its own.
      assert.deepEqual(await noKeyLeft(), []);
      const second = await rig.run('echo second');
      assert.equal(second.code, 0, second.stderr);
      const sent = activeTempKeys(t.sandbox.state, DEMO.vpcInstanceId2);
      assert.equal(sent.length, 2, 'one key per connection');
      assert.notEqual(sent[0].publicKey, sent[1].publicKey);
      // LoginAsNonRoot image: the key is for ecs-user.
      assert.deepEqual(
        sent.map((k) => k.username),
        ['ecs-user', 'ecs-user'],
      );
      assert.ok(fs.readFileSync(authorizedKeysFile).equals(before), 'authorized_keys changed');
      assert.deepEqual(await noKeyLeft(), []);
    });

    it('refuses the key once its 60 seconds are over (sandbox clock)', async () => {
      expireBeforeLogin = true;
      try {
        const r = await rig.run('echo late');
        assert.equal(r.code, 255);
        assert.match(r.stderr, /Permission denied/);
        assert.equal(r.stdout.toString(), '');
      } finally {
        expireBeforeLogin = false;
      }
      assert.deepEqual(await noKeyLeft(), []);
      // A fresh key works again.
      const again = await rig.run('echo again');
      assert.equal(again.code, 0, again.stderr);
    });
  },
);
