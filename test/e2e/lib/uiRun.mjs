// Runs the UI tests: the packaged VSIX installed into a plain VS Code server (no smoke-test driver, so
// notification toasts show as users see them), the sandbox env given to the server and so to its
// extension host, headless Chromium on the workbench, then each UI test in turn with screenshots.
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, openWorkbenchPage } from './browser.mjs';
import { EXIT, closeSession, copyServerLogs, printFailureContext } from './hostRun.mjs';
import { installLanguagePack } from './languagePack.mjs';
import { fail, log, withTimeout } from './log.mjs';
import { EXTENSION_ID, MANIFEST } from './paths.mjs';
import { assertConnectionTokenRequired, installVsix, makeDataDir, startServer, workbenchUrl } from './server.mjs';
import * as ui from './ui.mjs';

/**
 * opts: tools, vsix, env (for the extension host), tests ([{ name, run(ctx), timeoutMs? }]),
 * artifactsDir, scanner, sandbox (its info), timeoutMs (whole run), settings, name (the artifacts'
 * subfolder, default "ui"), locale (display language: a stub language pack is installed for it).
 * Returns { code, reason, passed, failed, timings }.
 */
export async function runUiTests(opts) {
  const { tools, tests, scanner, timeoutMs = 300_000 } = opts;
  const name = opts.name ?? 'ui';
  const artifacts = path.join(opts.artifactsDir, name);
  fs.mkdirSync(artifacts, { recursive: true });
  const dataDir = makeDataDir('e2e-ui-');
  const workspace = fs.mkdtempSync(path.join(dataDir, 'ws-'));
  const deadline = Date.now() + timeoutMs;
  const timings = {};
  let t = Date.now();
  const lap = (k) => {
    timings[k] = Date.now() - t;
    t = Date.now();
  };
  let server;
  let browser;
  let page;
  let passed = 0;
  let failed = 0;
  let result;
  try {
    installVsix(tools, opts.vsix, path.join(dataDir, 'extensions'));
    if (opts.locale)
      await installLanguagePack(tools, {
        locale: opts.locale,
        userDataDir: path.join(dataDir, 'user-data'),
        extensionsDir: path.join(dataDir, 'extensions'),
      });
    lap('installVsix');
    server = await startServer(tools, {
      dataDir,
      smokeTestDriver: false,
      env: opts.env,
      settings: opts.settings,
      locale: opts.locale,
    });
    await assertConnectionTokenRequired(server);
    lap('server');
    browser = await launchBrowser(tools);
    page = await openWorkbenchPage(browser, {
      consoleLogFile: path.join(artifacts, 'workbench-console.log'),
      echo: opts.echo ?? 'none',
    });
    lap('browser');
    await page.goto(workbenchUrl(server, { workspace }), { timeout: 60_000 });
    await ui.waitForWorkbench(page);
    lap('workbench');

    const step = ui.makeStepper({ page, dir: artifacts, scanner });
    const ctx = {
      page,
      ui,
      step,
      server,
      sandbox: opts.sandbox,
      env: opts.env,
      manifest: MANIFEST,
      extensionId: EXTENSION_ID,
      log,
    };
    for (const test of tests) {
      const left = deadline - Date.now();
      if (left <= 0) {
        result = { code: EXIT.TIMEOUT, reason: `timeout: the UI run took longer than ${timeoutMs / 1000}s` };
        break;
      }
      const t0 = Date.now();
      try {
        await withTimeout(
          Promise.resolve().then(() => test.run(ctx)),
          Math.min(test.timeoutMs ?? 60_000, left),
          `timed out after ${Math.min(test.timeoutMs ?? 60_000, left)} ms`,
        );
        passed++;
        log(`  ok ${test.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        fail(`  ${test.name} (${Date.now() - t0} ms): ${e.stack ?? e}`);
        const base = `failure-${test.name.replace(/[^\w.-]+/g, '-')}`;
        await page.screenshot({ path: path.join(artifacts, `${base}.png`), timeout: 10_000 }).catch(() => {});
        fs.writeFileSync(
          path.join(artifacts, `${base}.txt`),
          await page.evaluate(() => document.body.innerText).catch(() => ''),
        );
        await ui.closeQuickInput(page).catch(() => {});
      }
      if (server.exthostExit) {
        result = {
          code: server.exthostExit.code || 1,
          reason: `extension host died (code ${server.exthostExit.code}, signal ${server.exthostExit.signal})`,
        };
        break;
      }
    }
    lap('tests');
    result ??= failed
      ? { code: EXIT.FAIL, reason: `${failed} UI test(s) failed` }
      : { code: EXIT.PASS, reason: 'passed' };
  } catch (e) {
    result = { code: EXIT.HARNESS, reason: `harness error: ${e.stack ?? e}` };
    await page?.screenshot({ path: path.join(artifacts, 'failure.png'), timeout: 10_000 }).catch(() => {});
  } finally {
    await closeSession(server, browser, page);
    lap('teardown');
  }
  if (server) copyServerLogs(server, artifacts);
  log(`${name}: ${passed} passed, ${failed} failed`);
  const ok = result.code === EXIT.PASS;
  (ok ? log : fail)(
    `${name}: exit ${result.code} — ${result.reason} (${Object.entries(timings)
      .map(([k, v]) => `${k} ${v} ms`)
      .join(', ')})`,
  );
  if (!ok) printFailureContext(name, page, server, artifacts);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { ...result, passed, failed, artifacts, timings };
}
