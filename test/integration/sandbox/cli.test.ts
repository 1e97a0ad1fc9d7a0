/**
 * The sandbox's command line (src/sandbox/cli.ts, main.ts): help and version print and start
 * nothing, every mistake exits 2 naming the flag before anything starts, and docs/SANDBOX.md's flag
 * table is the one the flag definitions make.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliError, FLAGS, flagTableMarkdown, parseCli, usage } from '../../../src/sandbox/cli';
import { version } from '../../../package.json';

const ROOT = path.join(__dirname, '../../..');
const MAIN = path.join(ROOT, 'src', 'sandbox', 'main.ts');

/** The CLI as a user runs it; a run that would start a sandbox is cut off after 20 s. */
function run(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const refused = (argv: string[], pattern: RegExp) =>
  assert.throws(
    () => parseCli(argv),
    (e: Error) => e instanceof CliError && pattern.test(e.message),
    argv.join(' '),
  );

describe('sandbox command line', () => {
  it('parses every flag into the sandbox options', () => {
    const c = parseCli([
      '--port',
      '18080',
      '--state',
      's.json',
      '--empty',
      '--seed',
      'large',
      '--instant',
      '--propagation-ms',
      '300',
      '--lifecycle-ms',
      '50',
      '--clock-skew-ms=-2000',
      '--latency-ms',
      '7',
    ]);
    assert.deepEqual(c, {
      kind: 'run',
      options: {
        port: 18080,
        statePath: 's.json',
        empty: true,
        seed: 'large',
        instant: true,
        clockSkewMs: -2000,
        latencyMs: 7,
        realism: { propagationMs: 300, lifecycle: { pendingMs: 50, startingMs: 50, stoppingMs: 50 } },
      },
    });
    assert.deepEqual(parseCli([]), { kind: 'run', options: {} });
    assert.deepEqual(parseCli(['-h']), { kind: 'help' });
    assert.deepEqual(parseCli(['--version']), { kind: 'version', version });
  });

  it('refuses unknown flags (with a near miss named), missing and malformed values, stray arguments', () => {
    refused(['--prot', '1234'], /unknown flag --prot \(did you mean --port\?\)/);
    refused(['--instnt'], /did you mean --instant\?/);
    refused(['--frobnicate'], /^unknown flag --frobnicate; see --help$/);
    refused(['--port'], /--port/);
    refused(['--port', 'abc'], /--port takes a whole number/);
    refused(['--port', '70000'], /--port/);
    refused(['--seed', 'huge'], /--seed takes demo, large or activity/);
    refused(['--latency-ms', '-5'], /--latency-ms/);
    refused(['--propagation-ms', '1.5'], /--propagation-ms/);
    refused(['--instant=yes'], /--instant/);
    refused(['start'], /start/);
  });

  it('usage names every flag, its meaning and default, the realism switches, seeds, control routes and the token', () => {
    const text = usage();
    for (const f of FLAGS) {
      assert.ok(text.includes(`--${f.name}`), f.name);
    }
    for (const words of [
      'Default: 0 (a free port)',
      'Seeds: demo',
      '--instant',
      '/__sandbox/realism',
      'x-sandbox-token',
      'controlToken',
    ]) {
      assert.ok(text.includes(words), words);
    }
  });

  it('docs/SANDBOX.md carries the flag table the definitions make', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'SANDBOX.md'), 'utf8');
    const table = /<!-- flags:begin[^\n]*-->\n([\s\S]*?)\n<!-- flags:end -->/.exec(doc)?.[1];
    assert.equal(
      table,
      flagTableMarkdown(),
      'regenerate the table in docs/SANDBOX.md from src/sandbox/cli.ts flagTableMarkdown()',
    );
    assert.match(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), /docs\/SANDBOX\.md/);
  });

  it('--help and --version print and exit 0; a mistake exits 2 and starts nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-cli-'));
    try {
      const state = path.join(dir, 'state.json');
      const help = run('--help', '--state', state);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^usage: /);
      const v = run('--version');
      assert.deepEqual([v.code, v.stdout], [0, `${version}\n`]);
      const typo = run('--prot', '1234', '--state', state);
      assert.equal(typo.code, 2);
      assert.match(typo.stderr, /unknown flag --prot \(did you mean --port\?\)/);
      // Nothing started: no JSON line with endpoints and secrets, no state file written.
      assert.equal(typo.stdout, '');
      assert.equal(fs.existsSync(state), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
