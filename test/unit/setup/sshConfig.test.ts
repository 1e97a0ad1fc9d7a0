// The ssh config edits: only the extension's block changes, Include and other entries stay, CRLF,
// a missing file, atomic writes that keep the mode, user edits kept on update. Temp files only.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  assertKeyPairName,
  BLOCK_BEGIN,
  BLOCK_END,
  configPathValue,
  findOtherDefinitions,
  guessIdentityFile,
  hostAlias,
  isHostName,
  isKeyPairName,
  loginUser,
  upsertEntry,
  writeSshEntry,
} from '../../../src/setup/sshConfig';

const entry = {
  alias: 'demo-web-1.i-bp1x',
  hostName: '47.96.0.10',
  user: 'root',
  identityFile: '~/.ssh/demo-key.pem',
  comment: 'demo-web-1 (i-bp1x) cn-hangzhou',
};

const USER_CONFIG = [
  'Include ~/.orbstack/ssh/config',
  'Include config.d/*',
  '',
  'Host github.com',
  '    User git',
  '    IdentityFile ~/.ssh/id_ed25519',
  '',
  'Match host *.internal',
  '    ProxyJump bastion',
  '',
].join('\n');

describe('ssh config text', () => {
  test('a new entry goes into a new marked block at the end; everything before is byte-identical', () => {
    const r = upsertEntry(USER_CONFIG, entry);
    assert.equal(r.action, 'added');
    assert.ok(r.text.startsWith(USER_CONFIG), "the user's lines, Include first, are untouched");
    const block = r.text.slice(USER_CONFIG.length).split('\n');
    assert.equal(block.shift(), '', "a blank line separates the block from the user's last section");
    assert.deepEqual(block.slice(0, 3), [
      BLOCK_BEGIN,
      'Host demo-web-1.i-bp1x',
      '    # demo-web-1 (i-bp1x) cn-hangzhou',
    ]);
    assert.ok(
      block.includes('    HostName 47.96.0.10') &&
        block.includes('    User root') &&
        block.includes('    IdentityFile ~/.ssh/demo-key.pem'),
    );
    assert.equal(block.filter(Boolean).at(-1), BLOCK_END);
    assert.ok(r.text.endsWith('\n'));
  });

  test('a second host is added inside the same block; a repeat changes nothing', () => {
    const one = upsertEntry(USER_CONFIG, entry).text;
    const two = upsertEntry(one, { ...entry, alias: 'demo-worker-1.i-bp1y', hostName: '47.96.0.11' });
    assert.equal(two.action, 'added');
    assert.equal(two.text.split(BLOCK_BEGIN).length, 2, 'still one block');
    const again = upsertEntry(two.text, entry);
    assert.equal(again.action, 'unchanged');
    assert.equal(again.text, two.text);
  });

  test("an update refreshes HostName only and keeps the user's own User, IdentityFile and extra options", () => {
    const written = upsertEntry(USER_CONFIG, entry)
      .text.replace('    User root', '    User ecs-user')
      .replace('IdentityFile ~/.ssh/demo-key.pem', 'IdentityFile ~/keys/mine.pem\n    ForwardAgent yes');
    const r = upsertEntry(written, { ...entry, hostName: '47.96.0.99' });
    assert.equal(r.action, 'updated');
    assert.match(r.text, /HostName 47\.96\.0\.99/);
    assert.doesNotMatch(r.text, /47\.96\.0\.10/);
    assert.match(r.text, /User ecs-user/);
    assert.match(r.text, /IdentityFile ~\/keys\/mine\.pem\n {4}ForwardAgent yes/);
    assert.ok(r.text.startsWith(USER_CONFIG));
  });

  test("switching an entry to Session Manager points IdentityFile at the connection's temporary key", () => {
    const written = upsertEntry(USER_CONFIG, entry).text;
    const sessionManager = { proxyCommand: 'exec bridge', knownHostsFile: '~/sm_known_hosts' };
    const r = upsertEntry(written, { ...entry, identityFile: '~/storage/keys/i-bp1x-22', sessionManager });
    assert.equal(r.action, 'updated');
    assert.match(r.text, /IdentityFile ~\/storage\/keys\/i-bp1x-22\n {4}IdentitiesOnly yes/);
    assert.doesNotMatch(r.text, /demo-key\.pem/);
    assert.equal(r.text.match(/IdentitiesOnly yes/g)?.length, 1);
  });

  test('a Host of the same name outside the block is never edited', () => {
    const text = `Host demo-web-1.i-bp1x\n    HostName 10.0.0.1\n`;
    const r = upsertEntry(text, entry);
    assert.ok(r.text.startsWith(text));
    assert.match(r.text, /HostName 47\.96\.0\.10/);
  });

  test('CRLF files stay CRLF throughout', () => {
    const crlf = USER_CONFIG.replace(/\n/g, '\r\n');
    const r = upsertEntry(crlf, entry);
    assert.ok(r.text.startsWith(crlf));
    assert.equal(r.text.replace(/\r\n/g, '').includes('\n'), false, 'no bare LF');
    const u = upsertEntry(r.text, { ...entry, hostName: '1.2.3.4' });
    assert.equal(u.text.replace(/\r\n/g, '').includes('\n'), false);
    assert.match(u.text, /HostName 1\.2\.3\.4\r\n/);
  });

  test('an empty file, and a file without a final newline', () => {
    assert.equal(upsertEntry('', entry).text.split('\n')[0], BLOCK_BEGIN);
    const r = upsertEntry('Host a\n    User b', entry);
    assert.ok(r.text.startsWith('Host a\n    User b\n\n' + BLOCK_BEGIN));
  });

  test('alias, user and identity file', () => {
    assert.equal(hostAlias('demo-web-1', 'i-1'), 'demo-web-1.i-1');
    assert.equal(hostAlias('web server #2*', 'i-1'), 'web-server-2.i-1');
    assert.equal(hostAlias('测试', 'i-1'), 'i-1');
    assert.equal(loginUser({ osType: 'linux' }), 'root');
    assert.equal(loginUser({ osType: 'linux', loginAsNonRoot: true }), 'ecs-user');
    assert.equal(loginUser({ osType: 'windows' }), 'Administrator');
    const have = new Set(['/k/demo-key']);
    assert.deepEqual(
      guessIdentityFile('demo-key', '/k', (p) => have.has(p)),
      { path: '/k/demo-key', found: true },
    );
    assert.deepEqual(
      guessIdentityFile('other', '/k', (p) => have.has(p)),
      { path: '/k/other.pem', found: false },
    );
    assert.equal(configPathValue('/home/u/.ssh/k.pem', '/home/u'), '~/.ssh/k.pem');
    assert.equal(configPathValue('/keys/my key.pem', '/home/u'), '"/keys/my key.pem"');
  });
});

describe('ssh config file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sshcfg-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a missing file (and directory) is created 0600 in a 0700 directory', () => {
    const file = path.join(dir, 'ssh', 'config');
    const r = writeSshEntry(file, entry, dir);
    assert.equal(r.action, 'added');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(r.entry.hostname, '47.96.0.10');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['config'], 'no temporary file left');
  });

  test('the file keeps its mode and is replaced atomically; a symlinked config is written through the link', () => {
    const real = path.join(dir, 'dotfiles-config');
    fs.writeFileSync(real, USER_CONFIG, { mode: 0o640 });
    fs.chmodSync(real, 0o640);
    const link = path.join(dir, 'config');
    fs.symlinkSync(real, link);
    const inodeBefore = fs.statSync(real).ino;
    writeSshEntry(link, entry, dir);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link stays a link');
    assert.equal(fs.statSync(real).mode & 0o777, 0o640);
    assert.notEqual(fs.statSync(real).ino, inodeBefore, 'a new file was renamed over the old one');
    assert.ok(fs.readFileSync(real, 'utf8').startsWith(USER_CONFIG));
  });

  test("Include is followed (relative to the config's directory, with wildcards) to find an alias defined elsewhere", () => {
    fs.mkdirSync(path.join(dir, 'config.d'));
    fs.writeFileSync(path.join(dir, 'config.d', 'team.conf'), 'Host demo-web-1.i-bp1x\n    HostName 10.9.9.9\n');
    fs.writeFileSync(path.join(dir, 'config.d', 'other.conf'), 'Host elsewhere\n');
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, 'Include config.d/*.conf\n');
    const r = writeSshEntry(file, entry, dir);
    assert.deepEqual(r.shadowedBy, [path.join(dir, 'config.d', 'team.conf')]);
    assert.equal(
      fs.readFileSync(path.join(dir, 'config.d', 'team.conf'), 'utf8'),
      'Host demo-web-1.i-bp1x\n    HostName 10.9.9.9\n',
      'included files are only read',
    );
    assert.deepEqual(findOtherDefinitions(file, fs.readFileSync(file, 'utf8'), 'nobody', dir), []);
  });
});

describe('ssh config values from the cloud', () => {
  const refused = (e: unknown) => (e as { code?: string }).code === 'SshConfigValueRefused';

  test('a HostName is an IP literal or a DNS name; a newline carrying ProxyCommand, tokens and spaces are refused', () => {
    for (const ok of ['47.96.0.10', '2408:4000::1', 'ecs-1.example.com', 'localhost']) {
      assert.ok(isHostName(ok), ok);
    }
    for (const bad of [
      '1.2.3.4\n    ProxyCommand sh -c "touch /tmp/pwned"',
      '%h',
      '${HOME}',
      'a b',
      'host"',
      '-oProxyCommand=x',
      'a..b',
      '',
      'x'.repeat(64),
    ]) {
      assert.ok(!isHostName(bad), JSON.stringify(bad));
      assert.throws(() => upsertEntry('', { ...entry, hostName: bad }), refused, JSON.stringify(bad));
    }
  });

  test('IdentityFile: no control characters, %, $ or quotes; a path with spaces stays quoted once', () => {
    for (const bad of [
      '~/.ssh/k.pem\nProxyCommand touch /tmp/pwned',
      '~/.ssh/%d.pem',
      '~/.ssh/${EVIL}.pem',
      '~/.ssh/k".pem',
      "~/.ssh/k'.pem",
      '"~/.ssh/a "b".pem"',
      '~/.ssh/\u0007.pem',
    ]) {
      assert.throws(() => upsertEntry('', { ...entry, identityFile: bad }), refused, JSON.stringify(bad));
    }
    const spaced = configPathValue('/home/u/my keys/k.pem', '/home/u');
    assert.equal(spaced, '"~/my keys/k.pem"');
    assert.ok(upsertEntry('', { ...entry, identityFile: spaced }).text.includes(`    IdentityFile ${spaced}\n`));
  });

  test('the comment line cannot start a directive', () => {
    const text = upsertEntry('', { ...entry, comment: 'web\rProxyCommand x\u2028y' }).text;
    assert.ok(text.split('\n').every((l) => !/^\s*ProxyCommand/i.test(l)));
  });

  test('key pair names only in the shape ECS documents', () => {
    for (const ok of ['demo-key', 'kp:prod_1', 'a.b', 'k'.repeat(128)]) {
      assert.ok(isKeyPairName(ok), ok);
    }
    for (const bad of [
      'k',
      '1key',
      '../../.bashrc',
      'key\nProxyCommand x',
      'key%d',
      'key$x',
      'key name',
      'k'.repeat(129),
      '-key',
    ]) {
      assert.ok(!isKeyPairName(bad), JSON.stringify(bad));
      assert.throws(
        () => assertKeyPairName(bad),
        (e) => refused(e) && !(e as Error).message.includes('\n'),
        JSON.stringify(bad),
      );
    }
  });
});
