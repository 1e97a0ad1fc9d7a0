// Runs an extensionTestsPath module (CommonJS, exports run(): Promise<void>) inside the remote Node
// extension host of a real VS Code server, with the extension loaded from source
// (extensionDevelopmentPath), and returns how it ended:
//   0 pass | 1 run() rejected | N the extension host exited with code N (1 for a signal) | 124 timeout | 2 harness error
import fs from 'node:fs';
import path from 'node:path';
import { NOISE, launchBrowser, openWorkbenchPage } from './browser.mjs';
import { fail, log, printBlock, sleep, tailFile } from './log.mjs';
import { EXTENSION_ID } from './paths.mjs';
import {
  allLogFiles,
  assertConnectionTokenRequired,
  extensionLogFiles,
  makeDataDir,
  startServer,
  workbenchUrl,
} from './server.mjs';
import { installStubExtension } from './stubExtension.mjs';

export const EXIT = { PASS: 0, FAIL: 1, HARNESS: 2, LEAK: 4, TIMEOUT: 124 };

/**
 * opts: tools, name (artifact subfolder), extensionDevelopmentPath, extensionTestsPath, workspace,
 * env (extensionEnvironment), timeoutMs (from page load to the end), artifactsDir, echo,
 * details (default true: print log tails on failure), stubExtensions (fixture dirs of manifest-only
 * extensions to install first).
 * Returns { code, reason, server (stopped), artifacts, timings }.
 */
export async function runHostTests(opts) {
  const { tools, name, extensionDevelopmentPath, extensionTestsPath, env = {}, timeoutMs = 300_000 } = opts;
  const artifacts = path.join(opts.artifactsDir, name);
  fs.mkdirSync(artifacts, { recursive: true });
  const dataDir = makeDataDir(`e2e-${name}-`);
  const workspace = opts.workspace ?? fs.mkdtempSync(path.join(dataDir, 'ws-'));
  const timings = {};
  let t = Date.now();
  const lap = (k) => {
    timings[k] = Date.now() - t;
    t = Date.now();
  };

  let settle;
  const ended = new Promise((r) => {
    settle = r;
  });
  let server;
  let browser;
  let page;
  let result;
  try {
    // Manifest-only stand-ins (opts.stubExtensions: fixture dirs), installed as users install extensions.
    for (const dir of opts.stubExtensions ?? [])
      await installStubExtension(tools, dir, path.join(dataDir, 'extensions'));
    server = await startServer(tools, { dataDir, settings: opts.settings });
    await assertConnectionTokenRequired(server);
    lap('server');
    // process.stdout/stderr of the extension host arrive in the server's output, tagged with its pid.
    server.onLine((line) => {
      const m = /\[ExtensionHostConnection\] <\d+> (.*)$/.exec(line);
      if (
        m &&
        m[1].trim() &&
        !/Launched Extension Host|reconnection-grace-time|Extension Host Process exited/.test(m[1]) &&
        opts.echo !== 'none'
      )
        console.log(`  | [exthost] ${m[1]}`);
      if (server.exthostExit && !server.stopping)
        settle({
          code: server.exthostExit.code || 1,
          reason: `extension host died (${server.exthostExit.line.replace(/^.*Extension Host/, 'Extension Host')})`,
        });
    });
    server.proc.once('exit', (c, s) =>
      settle({ code: EXIT.HARNESS, reason: `VS Code server exited unexpectedly (code ${c}, signal ${s})` }),
    );
    browser = await launchBrowser(tools);
    page = await openWorkbenchPage(browser, {
      consoleLogFile: path.join(artifacts, 'workbench-console.log'),
      echo: opts.echo,
      browserConsole: false,
      onExit: (code, logs) => settle({ code, reason: code ? 'a test failed (run() rejected)' : 'passed', logs }),
    });
    lap('browser');
    const url = workbenchUrl(server, { workspace, extensionDevelopmentPath, extensionTestsPath, env });
    await page.goto(url, { timeout: 60_000 });
    lap('pageLoad');
    const timer = sleep(timeoutMs).then(() => ({
      code: EXIT.TIMEOUT,
      reason: `timeout: no result within ${timeoutMs / 1000}s of page load`,
    }));
    result = await Promise.race([ended, timer]);
    lap('tests');
    // The workbench reports a crashed extension host as exit 0 after reconnecting fails; the
    // server's log line is the truth. Give a racing line a moment to arrive.
    await sleep(300);
    if (!result.code && server.exthostExit) {
      result = {
        code: server.exthostExit.code || 1,
        reason: `extension host died (code ${server.exthostExit.code}, signal ${server.exthostExit.signal})`,
      };
    }
    for (const l of result.logs ?? []) {
      const f = path.join(artifacts, 'workbench-logs', l.relativePath);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, l.contents);
    }
    if (result.code)
      await page.screenshot({ path: path.join(artifacts, 'failure.png'), timeout: 10_000 }).catch(() => {});
  } catch (e) {
    result = { code: EXIT.HARNESS, reason: `harness error: ${e.stack ?? e}` };
    await page?.screenshot({ path: path.join(artifacts, 'failure.png'), timeout: 10_000 }).catch(() => {});
  } finally {
    await closeSession(server, browser, page);
    lap('teardown');
  }
  if (server) copyServerLogs(server, artifacts);
  delete result.logs;
  const ok = result.code === EXIT.PASS;
  (ok || opts.details === false ? log : fail)(
    `${name}: exit ${result.code} — ${result.reason} (server ${timings.server} ms, chromium ${timings.browser} ms, page load ${timings.pageLoad ?? '?'} ms, tests ${timings.tests ?? '?'} ms, teardown ${timings.teardown} ms)`,
  );
  if (!ok && opts.details !== false) printFailureContext(name, page, server, artifacts);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { ...result, artifacts, timings };
}

/** On failure: the last workbench console lines, the server log's tail, and where the artifacts are. */
/** Closes the browser, then the server's whole process group (marked as stopping so its exit is not a crash). */
export async function closeSession(server, browser, page) {
  if (server) server.stopping = true;
  await browser?.close().catch(() => {});
  await page?.closeConsoleLog();
  await server?.stop();
}

export function printFailureContext(name, page, server, artifacts) {
  printBlock(
    `last workbench console lines (${name}; offline noise left out)`,
    (page?.lastLines ?? [])
      .filter((l) => !NOISE.test(l))
      .slice(-30)
      .join('\n'),
  );
  if (server) printBlock(`tail of server log (${server.logFile})`, tailFile(server.logFile, 30));
  log(`${name}: artifacts in ${artifacts}`);
}

/**
 * Copies the server's and extension hosts' logs into <artifacts>/logs/, and our extension's own log
 * files (exthost*\/<publisher.name>/*.log) into <artifacts>/extension-logs/.
 */
export function copyServerLogs(server, artifacts) {
  for (const f of extensionLogFiles(server, EXTENSION_ID)) {
    fs.mkdirSync(path.join(artifacts, 'extension-logs'), { recursive: true });
    try {
      fs.copyFileSync(f, path.join(artifacts, 'extension-logs', path.basename(f)));
    } catch {
      /* rotated away */
    }
  }
  const dest = path.join(artifacts, 'logs');
  for (const f of allLogFiles(server)) {
    const rel = path.relative(server.root, f);
    const to = path.join(
      dest,
      rel.replace(/^user-data\/logs\/[^/]+\//, '').replace(/^server-data\/data\/logs\/[^/]+\//, 'server-data/'),
    );
    fs.mkdirSync(path.dirname(to), { recursive: true });
    try {
      fs.copyFileSync(f, to);
    } catch {
      /* rotated away */
    }
  }
  return dest;
}
