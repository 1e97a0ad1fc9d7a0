// The AccessKey scanner over a fixture workspace built at runtime: every planted id and secret is
// found in each file type (source, .env, yaml, json, properties, ini, Dockerfile, shell,
// Terraform), nothing in the decoys (hashes, UUIDs, base64 blobs, short ids), nothing under the
// ignore marker, in .gitignored files, binaries or large files. Findings show only the last 4.
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { IGNORE_MARKER, mask, scanText } from '../../../src/setup/accessKeyScan';
import { GitignoreMatcher, scanFiles, walkDirectory } from '../../../src/setup/accessKeyWorkspace';
import { fakeAccessKeyId, fakeAccessKeySecret, randomAlnum } from '../../helpers/fakeKeys';

interface Planted {
  file: string;
  kind: 'accessKeyId' | 'accessKeySecret';
  value: string;
}

/** Each file type with an id and its secret, in the way that file type writes them. */
function plantedFiles(): { files: Record<string, string>; planted: Planted[] } {
  const planted: Planted[] = [];
  const files: Record<string, string> = {};
  const plant = (file: string, make: (id: string, secret: string) => string) => {
    const id = fakeAccessKeyId(12 + (planted.length % 19));
    const secret = fakeAccessKeySecret();
    planted.push({ file, kind: 'accessKeyId', value: id }, { file, kind: 'accessKeySecret', value: secret });
    files[file] = make(id, secret);
  };
  plant(
    'src/app.py',
    (id, s) =>
      `import oss2\n\nauth = oss2.Auth('${id}', '${s}')\nbucket = oss2.Bucket(auth, 'https://oss-cn-hangzhou.aliyuncs.com', 'b')\n`,
  );
  plant(
    'src/client.py',
    (id, s) => `config = open_api_models.Config(\n    access_key_id="${id}",\n    access_key_secret="${s}",\n)\n`,
  );
  plant(
    'src/index.js',
    (id, s) =>
      `const client = new OSS({\n  region: 'oss-cn-hangzhou',\n  accessKeyId: '${id}',\n  accessKeySecret: '${s}',\n});\n`,
  );
  plant(
    'src/Main.java',
    (id, s) => `Config config = new Config()\n    .setAccessKeyId("${id}")\n    .setAccessKeySecret("${s}");\n`,
  );
  plant(
    'src/main.go',
    (id, s) =>
      `config := &openapi.Config{\n\tAccessKeyId:     tea.String("${id}"),\n\tAccessKeySecret: tea.String("${s}"),\n}\n`,
  );
  plant('.env', (id, s) => `ALIBABA_CLOUD_ACCESS_KEY_ID=${id}\nALIBABA_CLOUD_ACCESS_KEY_SECRET=${s}\n`);
  plant('deploy/values.yaml', (id, s) => `aliyun:\n  access_key_id: ${id}\n  access_key_secret: "${s}"\n`);
  plant('config/settings.json', (id, s) =>
    JSON.stringify({ aliyun: { AccessKeyId: id, AccessKeySecret: s } }, null, 2),
  );
  plant('config/app.properties', (id, s) => `aliyun.oss.accessKeyId=${id}\naliyun.oss.accessKeySecret=${s}\n`);
  plant('config/credentials.ini', (id, s) => `[default]\naccess_key_id = ${id}\naccess_key_secret = ${s}\n`);
  plant(
    'Dockerfile',
    (id, s) => `FROM python:3.12\nENV ALIBABA_CLOUD_ACCESS_KEY_ID=${id}\nENV ALIBABA_CLOUD_ACCESS_KEY_SECRET ${s}\n`,
  );
  plant(
    'scripts/deploy.sh',
    (id, s) => `#!/bin/sh\nexport ALIBABA_CLOUD_ACCESS_KEY_ID="${id}"\nexport ALIBABA_CLOUD_ACCESS_KEY_SECRET='${s}'\n`,
  );
  plant(
    'infra/main.tf',
    (id, s) =>
      `provider "alicloud" {\n  access_key = "${id}"\n  secret_key = "${s}"\n  region     = "cn-hangzhou"\n}\n`,
  );
  return { files, planted };
}

/** Strings that look a bit like keys and are not. */
function decoys(): string {
  const blob = randomBytes(300).toString('base64');
  const withPrefix = `${blob.slice(0, 100)}${fakeAccessKeyId(16)}${blob.slice(100)}`;
  return [
    `sha1 = "${createHash('sha1').update('x').digest('hex')}"`,
    `sha256: ${createHash('sha256').update('y').digest('hex')}`,
    `id = "${randomUUID()}"`,
    `"integrity": "sha512-${randomBytes(64).toString('base64')}"`,
    `blob = "${withPrefix}"`,
    `image: data:image/png;base64,${randomBytes(120).toString('base64')}`,
    `short = "${fakeAccessKeyId(8)}"`,
    `too_long = "${fakeAccessKeyId(40)}"`,
    `secret_key = "${createHash('sha1').update('z').digest('hex').slice(0, 30)}"`,
    `access_key_secret = os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]`,
    `secretName = "${randomAlnum(29)}"`,
    `commit ${createHash('sha1').update('c').digest('hex')}`,
  ].join('\n');
}

describe('AccessKey scanner', () => {
  let root: string;
  let planted: Planted[];

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'akscan-'));
    const p = plantedFiles();
    planted = p.planted;
    const write = (rel: string, content: string | Buffer) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), content);
    };
    for (const [rel, content] of Object.entries(p.files)) {
      write(rel, content);
    }
    write('src/decoys.py', decoys());
    write('config/decoys.yaml', decoys());
    write(
      'src/ignored.py',
      `# ${IGNORE_MARKER}\nKEY = '${fakeAccessKeyId()}'\nOTHER = '${fakeAccessKeyId()}'  # ${IGNORE_MARKER}\n`,
    );
    write('.gitignore', '# local files\nsecrets/\n*.local.env\n!keep.local.env\n');
    write('secrets/prod.env', `ALIBABA_CLOUD_ACCESS_KEY_ID=${fakeAccessKeyId()}\n`);
    write('dev.local.env', `ALIBABA_CLOUD_ACCESS_KEY_ID=${fakeAccessKeyId()}\n`);
    write('keep.local.env', '# nothing here\n');
    write(
      'assets/blob.json',
      Buffer.concat([Buffer.from(`{"k":"${fakeAccessKeyId()}"`), Buffer.alloc(4), Buffer.from('}')]),
    );
    write('dist/bundle.js', `var k="${fakeAccessKeyId()}";\n${'x'.repeat(1024 * 1024 + 10)}`);
    write('images/logo.png', randomBytes(64));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test('finds every planted id and secret and nothing else, masked to the last 4', async () => {
    const files = await walkDirectory(root);
    assert.ok(!files.some((f) => f.startsWith('secrets/') || f === 'dev.local.env'), 'gitignored files are not listed');
    assert.ok(files.includes('keep.local.env'), 'a negated rule brings a file back');
    const { results, stats } = await scanFiles(files, {
      read: (f) => fs.promises.readFile(path.join(root, f)),
      size: async (f) => (await fs.promises.stat(path.join(root, f))).size,
    });
    const got = results.flatMap((r) => r.findings.map((f) => `${r.file} ${f.kind} ${f.masked}`)).sort();
    const want = planted.map((p) => `${p.file} ${p.kind} ${mask(p.value)}`).sort();
    assert.deepEqual(got, want);
    assert.equal(stats.skippedLarge, 1);
    assert.equal(stats.skippedBinary, 1);
    const everything = JSON.stringify(results);
    for (const p of planted) {
      assert.ok(!everything.includes(p.value), 'no finding carries the value');
      assert.ok(everything.includes(p.value.slice(-4)));
    }
  });

  test('offsets point at the value; lines are 0-based', () => {
    const id = fakeAccessKeyId();
    const secret = fakeAccessKeySecret();
    const text = `a = 1\nclient = Client('${id}', '${secret}')\n`;
    const [f1, f2] = scanText(text);
    assert.equal(text.slice(f1.offset, f1.offset + f1.length), id);
    assert.equal(text.slice(f2.offset, f2.offset + f2.length), secret);
    assert.equal(f1.line, 1);
    assert.match(f2.masked, new RegExp(`^•+${secret.slice(-4)}$`));
    assert.equal(f2.masked.length, 30);
  });

  test('decoys alone find nothing', () => {
    assert.deepEqual(scanText(decoys()), []);
  });

  test('.gitignore: anchored, dir-only, globstar and negation', () => {
    const m = new GitignoreMatcher();
    m.add('', '/build\nlogs/\n**/tmp/*.txt\n*.secret\n!public.secret\n');
    m.add('pkg', 'local.json\n');
    const cases: Array<[string, boolean]> = [
      ['build/a.js', true],
      ['src/build/a.js', false],
      ['logs/x.log', true],
      ['a/logs/x.log', true],
      ['logs', false],
      ['a/b/tmp/n.txt', true],
      ['tmp/n.txt', true],
      ['x.secret', true],
      ['public.secret', false],
      ['pkg/local.json', true],
      ['local.json', false],
      ['src/app.py', false],
    ];
    for (const [p, want] of cases) {
      assert.equal(m.ignores(p), want, p);
    }
  });
});

describe('secret check: the repository', () => {
  test('holds no AccessKey id literal in any tracked file', async () => {
    const { execFileSync } = await import('node:child_process');
    const repo = path.resolve(__dirname, '../../..');
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: repo, encoding: 'utf8' }).split('\0').filter(Boolean);
    const { results } = await scanFiles(
      files.filter((f) => fs.existsSync(path.join(repo, f))),
      { read: (f) => fs.promises.readFile(path.join(repo, f)) },
    );
    const ids = results.flatMap((r) =>
      r.findings.filter((f) => f.kind === 'accessKeyId').map((f) => `${r.file}:${f.line + 1} ${f.masked}`),
    );
    assert.deepEqual(ids, [], 'build fake ids at runtime (test/helpers/fakeKeys.ts)');
  });
});
