// "Insert Code That Uses the Instance Role": the Node.js sample runs against the sandbox as if on
// the instance (metadata service in hardened mode, internal OSS endpoint) and lists 10 objects;
// Python, Java and Go are pinned by snapshots, and the Python one compiles.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { scanText } from '../../src/setup/accessKeyScan';
import { roleSnippet, type SnippetLanguage } from '../../src/setup/roleSnippets';
import { DEMO } from '../../src/sandbox/seed/demo';
import { useSandbox } from '../helpers/sandbox';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '../..');
const TARGET = {
  bucket: DEMO.bucket,
  region: 'cn-hangzhou',
  endpoint: 'https://oss-cn-hangzhou-internal.aliyuncs.com',
  roleName: DEMO.seededRole,
};

describe('instance role snippets', () => {
  // The instance the sample "runs on" has the seeded read-only role.
  const t = useSandbox({ defaultImdsInstance: DEMO.vpcInstanceId2 });

  test('Node.js: lists 10 objects with credentials from the instance role', async () => {
    // http: the sandbox speaks plain HTTP; everything else is what the user gets.
    const { code, packages } = roleSnippet('javascript', {
      ...TARGET,
      endpoint: 'http://oss-cn-hangzhou-internal.aliyuncs.com',
    });
    assert.equal(packages, '@alicloud/credentials, ali-oss');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snippet-'));
    const file = path.join(dir, 'list.js');
    fs.writeFileSync(file, code);
    const before = t.sandbox.requests.length;
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        path.join(repo, 'test/loopbackGuard.mjs'),
        '--import',
        path.join(repo, 'test/integration/fixtures/onInstance.mjs'),
        file,
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          NODE_PATH: path.join(repo, 'node_modules'),
          ON_INSTANCE_SANDBOX_PORT: String(new URL(t.sandbox.info.url).port),
        },
        timeout: 30_000,
      },
    );
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 10, stdout);
    assert.equal(lines[0].split(' ')[0], 'README.md');
    const seen = t.sandbox.requests.slice(before).map((r) => `${r.service}:${r.action}`);
    assert.ok(seen.includes('imds:GetToken'), `hardened mode first: ${seen.join(', ')}`);
    assert.ok(seen.includes('imds:GetCredentials'));
    assert.ok(
      seen.some((s) => /^oss:ListObjects/.test(s)),
      seen.join(', '),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const lang of ['python', 'java', 'go', 'typescript'] as SnippetLanguage[]) {
    test(`${lang}: pinned by its snapshot, no AccessKey in it`, () => {
      const { code } = roleSnippet(lang, TARGET);
      assert.deepEqual(scanText(code), []);
      const snap = path.join(__dirname, '__snapshots__', `role-snippet.${lang}.txt`);
      if (process.env.UPDATE_SNAPSHOTS || !fs.existsSync(snap)) {
        fs.writeFileSync(snap, code);
      }
      assert.equal(code, fs.readFileSync(snap, 'utf8'));
    });
  }

  test('Python compiles (python3 -m py_compile)', async (ctx) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snippet-py-'));
    const file = path.join(dir, 'list_objects.py');
    fs.writeFileSync(file, roleSnippet('python', TARGET).code);
    try {
      await run('python3', ['--version']);
    } catch {
      ctx.skip('python3 not installed');
      return;
    }
    await run('python3', ['-m', 'py_compile', file]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('without a role name the library finds it; endpoint, region and bucket are the chosen ones', () => {
    const { code } = roleSnippet('go', {
      bucket: 'b1',
      region: 'cn-shanghai',
      endpoint: 'https://oss-cn-shanghai-internal.aliyuncs.com',
    });
    assert.ok(!code.includes('SetRoleName'));
    assert.match(code, /oss\.New\("https:\/\/oss-cn-shanghai-internal\.aliyuncs\.com"/);
    assert.match(code, /oss\.Region\("cn-shanghai"\)/);
    assert.match(code, /client\.Bucket\("b1"\)/);
  });
});
