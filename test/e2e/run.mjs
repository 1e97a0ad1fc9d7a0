#!/usr/bin/env node
// `npm run test:e2e`: the extension in a real VS Code (server, Node 24 extension host) driven by
// headless Chromium. Installs its tools once (lib/install.mjs), builds and packages the extension,
// starts the sandbox, runs
//   1. the in-host suites (test/e2e/suite, run() inside the extension host, extension loaded from source),
//   2. the UI tests (test/e2e/ui, VSIX installed into a plain server, screenshots into test-results/),
//      first in Chinese (ui-zh: `--locale zh-cn` with a stub language pack, ui/zh.ui.mjs), then in English,
// scans every log and the workbench's visible text for the sandbox's secrets, tears everything down.
//
// usage: node test/e2e/run.mjs [--only host|ui|ui-zh] [--skip-build] [--timeout <s per suite, default 900>] [--verbose]
//   [--grep <text>: only the UI tests whose name contains it]
//        node test/e2e/run.mjs --self-test      # proves the harness turns failures, crashes, hangs and leaks red
// Exit: 0 pass | 1 a test failed | N the extension host exited with code N | 124 timeout | 4 secret leaked | 2 harness error
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildAndPackage, compileSuite } from './lib/build.mjs';
import { EXIT, runHostTests } from './lib/hostRun.mjs';
import { ensureTools } from './lib/install.mjs';
import { fail, log, timed } from './lib/log.mjs';
import { E2E_DIR, REPO, RESULTS_DIR, VSIX } from './lib/paths.mjs';
import { installTeardownHandlers, removeOnExit } from './lib/procs.mjs';
import { fetchStsSecrets, sandboxEnv, sandboxSecrets, startSandbox } from './lib/sandbox.mjs';
import { SecretScanner } from './lib/secrets.mjs';
import { runUiTests } from './lib/uiRun.mjs';
import { uiSettings, uiTests } from './ui/index.mjs';
import { ZH, zhUiTests } from './ui/zh.ui.mjs';

function parseArgs(argv) {
  // A backstop for a harness hang: each UI test has its own limit, and the UI suite takes 5–8 min
  // on a loaded 2-core machine (300 s cut a green run short in CI).
  const o = { timeoutS: 900, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--self-test') o.selfTest = true;
    else if (a === '--skip-build') o.skipBuild = true;
    else if (a === '--only') o.only = argv[++i];
    else if (a === '--timeout') o.timeoutS = Number(argv[++i]);
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--grep') o.grep = argv[++i];
    else throw new Error(`unknown argument ${a} (see the header of test/e2e/run.mjs)`);
  }
  if (o.only && !['host', 'ui', 'ui-zh'].includes(o.only)) throw new Error('--only takes host, ui or ui-zh');
  return o;
}

/** The run's exit code: the first failing suite's code, else 4 when a secret leaked. */
function overallCode(results, leaks) {
  const bad = results.find((r) => r.code !== EXIT.PASS);
  if (bad) return bad.code;
  return leaks.length ? EXIT.LEAK : EXIT.PASS;
}

function printLeaks(scanner) {
  for (const line of scanner.report()) fail(line);
  log(
    `leak scan: ${scanner.scanned} texts scanned for ${scanner.secrets.size} secrets (${scanner.kinds.join(', ')}): ${scanner.hits.length ? `${scanner.hits.length} leak(s)` : 'clean'}`,
  );
}

async function main(o) {
  fs.rmSync(RESULTS_DIR, { recursive: true, force: true });
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const t0 = Date.now();
  const timings = {};
  const tools = await timed('tools', ensureTools, timings);
  if (!o.skipBuild) await buildAndPackage({ logDir: path.join(RESULTS_DIR, 'build'), timings });
  else if (!fs.existsSync(VSIX)) throw new Error(`--skip-build but ${VSIX} is missing`);
  const suite = await compileSuite({ timings });

  const scanner = new SecretScanner();
  const privateDir = removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-private-'))); // the sandbox info file: secrets, no artifact
  const sandbox = await timed(
    'start sandbox',
    // The demo account plus AppServerRole and its 90 days of ActionTrail history (ui/rightsize.ui.mjs).
    () => startSandbox({ logFile: path.join(RESULTS_DIR, 'sandbox.log'), args: ['--seed', 'activity'] }),
    timings,
  );
  const results = [];
  try {
    const addSts = async () => {
      const sts = await fetchStsSecrets(sandbox.info);
      scanner.add(sts.secrets);
      return sts.notes;
    };
    scanner.add(sandboxSecrets(sandbox.info));
    log(`sandbox at ${sandbox.info.url}; IMDS: ${(await addSts()).join('; ') || 'no instances'}`);
    const env = sandboxEnv(sandbox.info, path.join(privateDir, 'sandbox.json'));
    const echo = o.verbose ? 'all' : 'filtered';

    if (!o.only || o.only === 'host') {
      const resultFile = path.join(RESULTS_DIR, 'host', 'result.json');
      const r = await timed(
        'in-host suites',
        () =>
          runHostTests({
            tools,
            name: 'host',
            extensionDevelopmentPath: REPO,
            // A stand-in for Remote-SSH (fixtures/remote-ssh-stub: its ID only), so Connect opens the
            // vscode-remote window as in desktop VS Code; the UI run keeps the browser build's answer.
            stubExtensions: [path.join(E2E_DIR, 'fixtures', 'remote-ssh-stub')],
            extensionTestsPath: suite,
            env: { ...env, E2E_HOST_KIND: 'remote', VSCODE_HARNESS_RESULT_FILE: resultFile },
            timeoutMs: o.timeoutS * 1000,
            artifactsDir: RESULTS_DIR,
            echo,
          }),
        timings,
      );
      try {
        Object.assign(r, JSON.parse(fs.readFileSync(resultFile, 'utf8')));
      } catch {
        /* run() never got to write it */
      }
      results.push({ suite: 'host', ...r });
    }
    // Before the English run: it changes nothing in the sandbox, which the English flows then change.
    if (!o.only || o.only === 'ui-zh') {
      const r = await timed(
        'UI tests zh-cn',
        () =>
          runUiTests({
            tools,
            vsix: VSIX,
            env,
            tests: zhUiTests,
            settings: uiSettings(sandbox.info),
            artifactsDir: RESULTS_DIR,
            scanner,
            sandbox: sandbox.info,
            name: 'ui-zh',
            locale: ZH,
            timeoutMs: o.timeoutS * 1000,
            echo: o.verbose ? 'all' : 'none',
          }),
        timings,
      );
      results.push({ suite: 'ui-zh', ...r });
    }
    if (!o.only || o.only === 'ui') {
      const r = await timed(
        'UI tests',
        () =>
          runUiTests({
            tools,
            vsix: VSIX,
            // A CLI config of the run's own (absent until a test writes it), never the user's ~/.aliyun.
            env: { ...env, ALIBABA_CLOUD_CLI_CONFIG: path.join(privateDir, 'aliyun-config.json') },
            tests: o.grep ? uiTests.filter((t) => t.name.includes(o.grep)) : uiTests,
            settings: uiSettings(sandbox.info),
            artifactsDir: RESULTS_DIR,
            scanner,
            sandbox: sandbox.info,
            timeoutMs: o.timeoutS * 1000,
            echo: o.verbose ? 'all' : 'none',
          }),
        timings,
      );
      results.push({ suite: 'ui', ...r });
    }
    await addSts(); // credentials rotate: scan for the current ones too
  } finally {
    await sandbox.stop();
    fs.rmSync(privateDir, { recursive: true, force: true });
  }

  scanner.scanTree(RESULTS_DIR);
  printLeaks(scanner);
  const code = overallCode(results, scanner.hits);
  const passed = results.reduce((n, r) => n + (r.passed ?? 0), 0);
  const failed = results.reduce((n, r) => n + (r.failed ?? 0), 0);
  log(
    `timings: ${Object.entries(timings)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`)
      .join(' | ')} | total ${((Date.now() - t0) / 1000).toFixed(1)}s`,
  );
  for (const r of results)
    log(`${r.suite}: exit ${r.code} (${r.reason}; ${r.passed ?? '?'} passed, ${r.failed ?? '?'} failed)`);
  log(`artifacts (screenshots, logs, DOM text): ${path.relative(process.cwd(), RESULTS_DIR) || '.'}`);
  log(`exit code ${code}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return code;
}

/**
 * Runs fixture test modules against the real server and checks that each ends with the right code:
 * a pass stays green; a failing test, a crashing extension host, a hang and a leaked secret turn red.
 */
async function selfTest() {
  fs.rmSync(path.join(RESULTS_DIR, 'selftest'), { recursive: true, force: true });
  const t0 = Date.now();
  const tools = await timed('tools', ensureTools);
  const fixtures = path.join(E2E_DIR, 'fixtures', 'selftest');
  // With the characters URL encoding changes: the leak fixture prints only the encoded form.
  const secret = `selftest+${Math.random().toString(36).slice(2)}/${Date.now().toString(36)}=`;
  const cases = [
    { name: 'pass', expect: EXIT.PASS },
    { name: 'fail', expect: EXIT.FAIL },
    { name: 'crash', expect: 3 },
    { name: 'hang', expect: EXIT.TIMEOUT, timeoutMs: 20_000 },
    { name: 'leak', expect: EXIT.LEAK },
  ];
  const runCase = async (c) => {
    const r = await runHostTests({
      tools,
      name: c.name,
      extensionDevelopmentPath: path.join(fixtures, 'extension'),
      extensionTestsPath: path.join(fixtures, `${c.name}.js`),
      env: { E2E_SELFTEST_SECRET: secret },
      timeoutMs: c.timeoutMs ?? 120_000,
      artifactsDir: path.join(RESULTS_DIR, 'selftest'),
      echo: 'none',
      details: false,
    });
    const scanner = new SecretScanner().add({ kind: 'self-test secret', value: secret });
    scanner.scanTree(r.artifacts);
    for (const line of scanner.report()) log(`  ${c.name}: ${line}`);
    return { ...c, got: overallCode([r], scanner.hits), reason: r.reason, ms: r.timings.tests };
  };
  // One at a time (each case has its own server and browser; CI machines may have 2 cores).
  const done = [];
  for (const c of cases) done.push(await runCase(c));
  let bad = 0;
  for (const c of done) {
    const ok = c.got === c.expect;
    if (!ok) bad++;
    (ok ? log : fail)(
      `self-test ${c.name.padEnd(5)}: expected exit ${String(c.expect).padStart(3)}, got ${String(c.got).padStart(3)} ${ok ? 'ok' : 'WRONG'} (${c.reason})`,
    );
  }
  log(`self-test finished in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  console.log(`self-test: ${done.length - bad} passed, ${bad} failed`);
  return bad ? EXIT.FAIL : EXIT.PASS;
}

installTeardownHandlers();
let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  fail(e.message);
  process.exit(EXIT.HARNESS);
}
(opts.selfTest ? selfTest() : main(opts)).then(
  (code) => process.exit(code),
  (e) => {
    fail(`harness error: ${e.stack ?? e}`);
    process.exit(EXIT.HARNESS);
  },
);
