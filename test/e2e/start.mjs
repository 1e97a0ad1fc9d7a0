#!/usr/bin/env node
// `npm start`: try the extension by hand against the local sandbox. Builds and packages the VSIX,
// starts the sandbox, then
//   - with the desktop `code` CLI on PATH: installs the VSIX into it and opens a new window with the
//     sandbox env (a VS Code that is already running keeps its own env: quit it first);
//   - otherwise: the e2e harness's VS Code server (Node 24, from .cache/e2e) with the VSIX installed,
//     the sandbox env for its extension host and seeded user settings, and prints the URL to open.
// Runs until Ctrl-C, then tears everything down (process groups).
//
// The sandbox runs realistic (seconds of RAM propagation and instance transitions, real
// strictness and catalogue sizes; docs/SANDBOX.md); `--instant` runs it without all that.
//
// usage: npm start [-- --port N] [--host 127.0.0.1] [--server] [--skip-build] [--check] [--instant]
//   --host    where the VS Code server listens (default 127.0.0.1). Anything but loopback opens the
//             workbench, and with it a terminal, to whoever can reach that address and learns the
//             URL: only when you ask for it, with a warning. The URL carries a random connection token.
//   --server  use the VS Code server even when `code` is on PATH
//   --check   start everything (always the server), load the workbench in headless Chromium, wait
//             for the extension to activate, print timings and exit (0 ok, 1 not)
import cp from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildAndPackage } from './lib/build.mjs';
import { launchBrowser, openWorkbenchPage } from './lib/browser.mjs';
import { ensureTools } from './lib/install.mjs';
import { fail, log, printBlock, tailFile, timed, warn } from './lib/log.mjs';
import { EXTENSION_ID, REPO, RESULTS_DIR, VSIX } from './lib/paths.mjs';
import { installTeardownHandlers, onTeardown, removeOnExit } from './lib/procs.mjs';
import { sandboxEnv, startSandbox } from './lib/sandbox.mjs';
import {
  assertConnectionTokenRequired,
  installVsix,
  isLoopbackHost,
  makeDataDir,
  startServer,
  waitForActivation,
  workbenchUrl,
} from './lib/server.mjs';
import { waitForWorkbench } from './lib/ui.mjs';

/** User settings seeded for `npm start` on top of the harness defaults. */
const START_SETTINGS = {
  'workbench.startupEditor': 'none',
};

function parseArgs(argv) {
  const o = { host: '127.0.0.1', port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') o.check = true;
    else if (a === '--server') o.server = true;
    else if (a === '--skip-build') o.skipBuild = true;
    else if (a === '--instant') o.instant = true;
    else if (a === '--port') o.port = Number(argv[++i]);
    else if (a === '--host') o.host = argv[++i];
    else throw new Error(`unknown argument ${a} (see the header of test/e2e/start.mjs)`);
  }
  return o;
}

function onPath(cmd) {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, cmd)));
}

const forever = () => new Promise(() => {});

async function main(o) {
  const t0 = Date.now();
  const timings = {};
  const desktop = !o.check && !o.server && onPath('code');
  if (!o.skipBuild) await buildAndPackage({ logDir: path.join(RESULTS_DIR, 'start-build'), timings });
  const privateDir = removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-start-')));
  const sandbox = await timed(
    'start sandbox',
    () => startSandbox({ logFile: path.join(privateDir, 'sandbox.log'), realistic: !o.instant }),
    timings,
  );
  const env = sandboxEnv(sandbox.info, path.join(privateDir, 'sandbox.json'));
  log(
    `sandbox: ${sandbox.info.url} (AccessKey id ${sandbox.info.accessKeyId}; the secret is in ${env.ALIBABA_CLOUD_SANDBOX_INFO}, not printed)`,
  );
  // The control routes are for the user at this terminal (docs/SANDBOX.md "Control routes").
  log(
    `sandbox control token (send as x-sandbox-token to ${sandbox.info.url}/__sandbox/*): ${sandbox.info.controlToken}`,
  );
  const workspace = path.join(REPO, '.cache', 'start-workspace');
  fs.mkdirSync(workspace, { recursive: true });

  if (desktop) {
    await timed(
      'code --install-extension',
      () =>
        new Promise((resolve, reject) =>
          cp.execFile('code', ['--install-extension', VSIX, '--force'], { timeout: 120_000 }, (e) =>
            e ? reject(e) : resolve(),
          ),
        ),
      timings,
    );
    cp.spawn('code', ['--new-window', workspace], { env: { ...process.env, ...env }, stdio: 'inherit' });
    log(
      'opened a new VS Code window with the extension and the sandbox env. A VS Code that was already running keeps its own env: quit it and run `npm start` again if the extension does not see the sandbox.',
    );
    log('the sandbox runs until Ctrl-C');
    return forever();
  }

  if (!isLoopbackHost(o.host)) {
    warn(
      `--host ${o.host}: the VS Code server (a workbench with a terminal) listens beyond this machine. Anyone who reaches it and learns the URL below, token included, controls this account's shell. Use it only on a network you trust.`,
    );
  }
  const tools = await timed('tools', ensureTools, timings);
  const dataDir = makeDataDir('e2e-start-vscode-');
  await timed('install VSIX', () => installVsix(tools, VSIX, path.join(dataDir, 'extensions')), timings);
  const server = await timed(
    'start VS Code server',
    () =>
      startServer(tools, {
        // Unguarded: by hand, a user may add a real profile next to the sandbox one.
        dataDir,
        smokeTestDriver: false,
        env,
        settings: START_SETTINGS,
        host: o.host,
        port: o.port,
        loopbackGuard: false,
      }),
    timings,
  );
  onTeardown(() => server.stop());
  server.onLine((line) => {
    if (/Extension Host Process exited with code: [^0]/.test(line)) fail(line);
  });
  const url = workbenchUrl(server, { workspace });

  if (o.check) {
    let code = 0;
    const browser = await timed('launch Chromium', () => launchBrowser(tools), timings);
    try {
      await timed(
        'the server refuses requests without the connection token',
        () => assertConnectionTokenRequired(server),
        timings,
      );
      const page = await openWorkbenchPage(browser, { echo: 'none' });
      await timed(
        'workbench loads in headless Chromium',
        async () => {
          await page.goto(url, { timeout: 60_000 });
          await waitForWorkbench(page);
        },
        timings,
      );
      await timed('extension activates', () => waitForActivation(server, EXTENSION_ID, 90_000), timings);
      fs.mkdirSync(RESULTS_DIR, { recursive: true });
      await page.screenshot({ path: path.join(RESULTS_DIR, 'start-check.png') });
      log(`screenshot: ${path.relative(REPO, path.join(RESULTS_DIR, 'start-check.png'))}`);
    } catch (e) {
      code = 1;
      fail(e.message);
      printBlock(`tail of server log (${server.logFile})`, tailFile(server.logFile, 30));
    } finally {
      await browser.close().catch(() => {});
      await server.stop();
      await sandbox.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(privateDir, { recursive: true, force: true });
    }
    log(
      `timings: ${Object.entries(timings)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`)
        .join(' | ')} | total ${((Date.now() - t0) / 1000).toFixed(1)}s`,
    );
    log(code ? 'check FAILED' : 'check ok: workbench loaded and the extension activated');
    return code;
  }

  server.proc.once('exit', (c, s) => {
    if (server.stopping) return;
    fail(`VS Code server exited (code ${c}, signal ${s}); log: ${server.logFile}`);
    process.exit(1);
  });
  console.log(
    `\n  VS Code with the extension and the sandbox is ready (${((Date.now() - t0) / 1000).toFixed(1)}s):\n\n    ${url}\n\n  Open it in a browser (the URL holds this run's connection token: do not share it). Ctrl-C stops everything.\n`,
  );
  return forever();
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  fail(e.message);
  process.exit(2);
}
installTeardownHandlers({ signalExitCode: opts.check ? undefined : 0 });
main(opts).then(
  (code) => process.exit(code),
  (e) => {
    fail(e.stack ?? e);
    process.exit(1);
  },
);
