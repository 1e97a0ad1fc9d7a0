// Builds the extension (type check + bundles), packages the VSIX, and compiles the in-host suite.
import fs from 'node:fs';
import path from 'node:path';
import { BUILD_DIR, E2E_DIR, REPO, VSIX } from './paths.mjs';
import { timed } from './log.mjs';
import { runCommand } from './procs.mjs';

/** `npm run build` (tsc --noEmit + esbuild) then `npm run package` (production bundle + vsce). */
export async function buildAndPackage({ logDir, timings }) {
  fs.mkdirSync(logDir, { recursive: true });
  const npm = (script) =>
    timed(
      `npm run ${script}`,
      () =>
        runCommand('npm', ['run', script], {
          cwd: REPO,
          logFile: path.join(logDir, `npm-run-${script}.log`),
          timeoutMs: 5 * 60_000,
        }),
      timings,
    );
  await npm('build');
  fs.rmSync(VSIX, { force: true });
  await npm('package');
  if (!fs.existsSync(VSIX)) throw new Error(`npm run package did not write ${VSIX}`);
  return VSIX;
}

/**
 * Bundles test/e2e/suite/index.ts (and the test modules it imports) into one CommonJS file for the
 * extension host; `vscode` stays external. Returns the file's path.
 */
export async function compileSuite({ timings } = {}) {
  const esbuild = await import('esbuild');
  const outfile = path.join(BUILD_DIR, 'suite', 'index.js');
  await timed(
    'compile in-host suite (esbuild)',
    () =>
      esbuild.build({
        entryPoints: [path.join(E2E_DIR, 'suite', 'index.ts')],
        outfile,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        sourcemap: 'inline',
        external: ['vscode'],
        logLevel: 'error',
      }),
    timings,
  );
  return outfile;
}
