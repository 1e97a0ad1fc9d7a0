#!/usr/bin/env node
// `npm run test:electron`: the same in-host suite (test/e2e/suite) in a desktop VS Code, through
// @vscode/test-electron. For contributors with internet access: test-electron downloads VS Code
// (into .cache/vscode-test/; set VSCODE_VERSION to pick one; default stable) on first use. On Linux
// without a display run it under `xvfb-run -a npm run test:electron`. Not run in CI (offline there;
// CI uses `npm run test:e2e`, which drives a VS Code server instead).
//
// usage: npm run test:electron [-- --skip-build]
// Exit: 0 pass, 1 failure (test-electron reports the desktop extension host's exit code).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildAndPackage, compileSuite } from './lib/build.mjs';
import { fail, log } from './lib/log.mjs';
import { REPO, RESULTS_DIR } from './lib/paths.mjs';
import { installTeardownHandlers, removeOnExit } from './lib/procs.mjs';
import { sandboxEnv, startSandbox } from './lib/sandbox.mjs';

installTeardownHandlers();

async function main() {
  if (!process.argv.includes('--skip-build'))
    await buildAndPackage({ logDir: path.join(RESULTS_DIR, 'electron-build') });
  const suite = await compileSuite();
  const tmp = removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-electron-')));
  const workspace = fs.mkdtempSync(path.join(tmp, 'ws-'));
  const sandbox = await startSandbox();
  try {
    const env = sandboxEnv(sandbox.info, path.join(tmp, 'sandbox.json'));
    await runTests({
      version: process.env.VSCODE_VERSION || 'stable',
      cachePath: path.join(REPO, '.cache', 'vscode-test'), // git-ignored
      extensionDevelopmentPath: REPO,
      extensionTestsPath: suite,
      extensionTestsEnv: { ...env, E2E_HOST_KIND: 'local' },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir',
        path.join(tmp, 'user-data'),
      ],
    });
    log('electron: passed');
    return 0;
  } finally {
    await sandbox.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    fail(`electron: ${e.message ?? e}`);
    process.exit(1);
  },
);
