// The workspace AccessKey scan is someone else's text run on the extension host's behalf: it runs in
// a worker thread (the bundle esbuild.mjs builds, built here the same way), and hostile input ends
// within a bound. Each case runs with a timeout in the worker, so a regression fails instead of
// hanging the suite: the old regex .gitignore matcher took minutes on the rule below, the old
// scanner tens of seconds on a 1 MB line of ids.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import { lineStarts, MAX_FINDINGS_PER_FILE, scanText } from '../../../src/setup/accessKeyScan';
import { GitignoreMatcher, scanInWorker, type ScanJobResult } from '../../../src/setup/accessKeyWorkspace';
import { fakeAccessKeyId, fakeAccessKeySecret } from '../../helpers/fakeKeys';

const root = path.join(__dirname, '../../..');
/** Generous for a shared machine: the fixed code needs well under a second for each case. */
const BOUND_MS = 15_000;
const HOSTILE_RULE = '*a*a*a*a*a*a*a*a*a*a*a*a*b';

describe('AccessKey scan in a worker thread', () => {
  let dir: string;
  let worker: string;
  const write = (rel: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akworker-'));
    worker = path.join(dir, 'accessKeyScanWorker.js');
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: ['src/setup/accessKeyScanWorker.ts'],
      outfile: worker,
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'cjs',
      logLevel: 'error',
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const scan = (folder: string, files?: string[]): Promise<ScanJobResult> =>
    scanInWorker(worker, { roots: [{ root: path.join(dir, folder), files }] }, { timeoutMs: BOUND_MS });

  test('a hostile .gitignore rule against a 40-character name ends within the bound; a bad rule is skipped, the others still apply', async () => {
    const name = `${'a'.repeat(36)}.env`;
    write('hostile/.gitignore', `${HOSTILE_RULE}\n[z-a]\nsecrets/\n`);
    write(`hostile/${name}`, `ALIBABA_CLOUD_ACCESS_KEY_ID=${fakeAccessKeyId()}\n`);
    write('hostile/secrets/prod.env', `ALIBABA_CLOUD_ACCESS_KEY_ID=${fakeAccessKeyId()}\n`);
    for (const files of [undefined, ['.gitignore', name, 'secrets/prod.env']]) {
      // walked, and listed by the host
      const r = await scan('hostile', files);
      assert.deepEqual(
        r.results.map((f) => f.file),
        [name],
        'the hostile rule does not match; secrets/ is still ignored',
      );
      assert.equal(r.skippedRules.length, 1);
      assert.match(r.skippedRules[0], /\.gitignore: \[z-a\] \(reversed range z-a\)$/);
    }
  });

  test('a 1 MB line of ids ends within the bound, capped per file', async () => {
    let line = '';
    while (line.length < 1024 * 1024 - 64) {
      line += `"${fakeAccessKeyId(16)}", `;
    }
    write('big/ids.json', `[${line}]\n`);
    const r = await scan('big');
    assert.equal(r.results.length, 1);
    assert.equal(r.results[0].findings.length, MAX_FINDINGS_PER_FILE);
    assert.equal(r.results[0].truncated, true);
    assert.equal(r.results[0].findings[5].column, 2 + 5 * 24, 'columns on one long line: ["id", "id", …');
  });

  test('progress is reported and the stats add up over several roots', async () => {
    write('two/a/x.py', `KEY = '${fakeAccessKeyId()}'\n`);
    write('two/b/y.py', 'print(1)\n');
    const seen: number[] = [];
    const r = await scanInWorker(
      worker,
      { roots: [{ root: path.join(dir, 'two/a') }, { root: path.join(dir, 'two/b') }] },
      {
        timeoutMs: BOUND_MS,
        onProgress: (done, total) => {
          seen.push(done);
          assert.equal(total, 2);
        },
      },
    );
    assert.deepEqual(
      r.results.map((f) => [f.root, f.file]),
      [[0, 'x.py']],
    );
    assert.equal(r.stats.scanned, 2);
    assert.ok(seen.length >= 1 && seen[seen.length - 1] === 2);
  });

  test('aborting ends the worker at once', async () => {
    const abort = new AbortController();
    const running = scanInWorker(
      worker,
      { roots: [{ root: path.join(dir, 'big') }] },
      { signal: abort.signal, timeoutMs: BOUND_MS },
    );
    abort.abort();
    await assert.rejects(running, /was cancelled/);
  });
});

describe('positions and the glob matcher', () => {
  test('line and column come from line starts: CRLF, tabs, the line after a long one', () => {
    const id = fakeAccessKeyId();
    const secret = fakeAccessKeySecret();
    const text = `# ${'x'.repeat(5000)}\r\n\tclient = Client('${id}',\r\n\t\t'${secret}')\r\n`;
    const starts = lineStarts(text);
    const [f1, f2] = scanText(text);
    assert.deepEqual([f1.line, f1.column], [1, "\tclient = Client('".length]);
    assert.deepEqual([f2.line, f2.column], [2, 3]);
    for (const f of [f1, f2]) {
      assert.equal(starts[f.line] + f.column, f.offset);
    }
  });

  test('the hostile rule, in-thread: no match, and quickly enough to count in microseconds', () => {
    const m = new GitignoreMatcher();
    m.add('', `${HOSTILE_RULE}\n`);
    const t = process.hrtime.bigint();
    assert.equal(m.ignores('a'.repeat(40)), false);
    assert.equal(m.ignores(`${'a'.repeat(12)}b`), true);
    assert.ok(Number(process.hrtime.bigint() - t) / 1e6 < 1000, 'far under a second (the regex took minutes)');
  });

  test('classes, escapes, ? and ** in the glob matcher', () => {
    const m = new GitignoreMatcher();
    m.add('', '[z-a]\n[a-c]x\n[!a]y\n\\#lit\nlogs/**\n**/cache/?.tmp\na/**/b.txt\n[]]q\n');
    const cases: Array<[string, boolean]> = [
      ['bx', true],
      ['dx', false],
      ['by', true],
      ['ay', false],
      ['#lit', true],
      ['logs', false],
      ['logs/a/b', true],
      ['x/y/cache/1.tmp', true],
      ['cache/1.tmp', true],
      ['cache/12.tmp', false],
      ['a/b.txt', true],
      ['a/x/y/b.txt', true],
      [']q', true],
    ];
    for (const [p, want] of cases) {
      assert.equal(m.ignores(p), want, p);
    }
    assert.deepEqual(m.skipped, ['.gitignore: [z-a] (reversed range z-a)']);
  });
});
