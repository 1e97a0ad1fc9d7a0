// Session Manager pieces without a cloud: the ssh config block (ProxyCommand refreshed, the user's
// edits kept), the ProxyCommand line and what it refuses, host keys from instance output, agent versions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseHostKeys, replaceKnownHosts } from '../../../src/setup/hostKeys';
import { agentSupportsSessions, proxyCommandLine } from '../../../src/setup/sessionManager';
import { SESSION_KEEPALIVE_SECONDS, upsertEntry } from '../../../src/setup/sshConfig';

const KEY = `ssh-ed25519 ${'A'.repeat(68)}`;
const line = (channel: string) =>
  proxyCommandLine({
    runtime: '/opt/VS Code/code',
    bridge: '/ext/dist/sessionBridge.js',
    channel,
    regionId: 'cn-hangzhou',
    instanceId: 'i-bp1abc',
    port: 22,
    platform: 'linux',
  });

describe('Session Manager ssh config', () => {
  const entry = (channel: string) => ({
    alias: 'web.i-bp1abc',
    hostName: 'i-bp1abc',
    user: 'root',
    sessionManager: { proxyCommand: line(channel), knownHostsFile: '/home/u/.kh' },
  });

  test('the block runs the bridge under the editor runtime, pins the host key and keeps the session alive', () => {
    const { text } = upsertEntry('', entry('/tmp/a.sock'));
    assert.match(
      text,
      /ProxyCommand env ELECTRON_RUN_AS_NODE=1 "\/opt\/VS Code\/code" "\/ext\/dist\/sessionBridge\.js" --channel "\/tmp\/a\.sock" --region cn-hangzhou --instance i-bp1abc --port 22\n/,
    );
    assert.match(text, /HostKeyAlias web\.i-bp1abc\n/);
    assert.match(text, /UserKnownHostsFile \/home\/u\/\.kh\n\s+StrictHostKeyChecking yes\n/);
    assert.match(text, new RegExp(`ServerAliveInterval ${SESSION_KEEPALIVE_SECONDS}\\n`));
    assert.ok(SESSION_KEEPALIVE_SECONDS < 180, 'inside the 3-minute idle close');
  });

  test('a new channel refreshes ProxyCommand; the user’s own lines stay', () => {
    const first = upsertEntry('', entry('/tmp/a.sock')).text.replace(
      '    User root',
      '    User ecs-user\n    Port 2200',
    );
    const next = upsertEntry(first, entry('/tmp/b.sock'));
    assert.equal(next.action, 'updated');
    assert.match(next.text, /--channel "\/tmp\/b\.sock"/);
    assert.doesNotMatch(next.text, /a\.sock/);
    assert.match(next.text, /User ecs-user\n\s+Port 2200/);
    assert.equal(upsertEntry(next.text, entry('/tmp/b.sock')).action, 'unchanged');
  });

  test('paths ssh or a shell would expand are refused; Windows goes through cmd', () => {
    for (const bad of ['/tmp/%h.sock', '/tmp/"x.sock', '/tmp/$HOME.sock', '/tmp/`id`.sock', '/tmp/a\nb']) {
      assert.throws(() => line(bad), { code: 'SshConfigValueRefused' }, bad);
    }
    const win = proxyCommandLine({
      runtime: 'C:\\Code\\Code.exe',
      bridge: 'C:\\ext\\sessionBridge.js',
      channel: '\\\\.\\pipe\\alibabacloud-sm-1',
      regionId: 'cn-hangzhou',
      instanceId: 'i-1',
      port: 22,
      platform: 'win32',
    });
    assert.match(win, /^cmd\.exe \/d \/s \/c "set ELECTRON_RUN_AS_NODE=1&& "C:\\Code\\Code\.exe" /);
  });
});

test('host keys: only well-formed key lines are kept, comments dropped; known_hosts lines replaced per alias', () => {
  const out = `${KEY} root@host\nHello from motd\nssh-rsa short\n${KEY}\n`;
  assert.deepEqual(parseHostKeys(out), [KEY]);
  const kh = replaceKnownHosts(`other ${KEY}\nweb ssh-rsa OLD\n`, 'web', [KEY]);
  assert.equal(kh, `other ${KEY}\nweb ${KEY}\n`);
});

test('agent versions: Session Manager needs more than 2.2.3.256 on Linux and 2.1.3.256 on Windows', () => {
  assert.equal(agentSupportsSessions('2.2.3.857'), true);
  assert.equal(agentSupportsSessions('2.2.3.256'), false);
  assert.equal(agentSupportsSessions('2.1.9.1'), false);
  assert.equal(agentSupportsSessions('2.1.3.300', 'Windows'), true);
  assert.equal(agentSupportsSessions(''), false);
});
