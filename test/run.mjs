// Runs the node:test files under the given folders of test/ (`node test/run.mjs unit integration`),
// nested folders included: Node 20's `--test` takes explicit paths and `sh` has no `**`. Other
// arguments starting with `-` go to node (e.g. `--test-concurrency=2`, `--test-name-pattern=…`).
// `--one-process` imports every file into a single process instead of one process per file: for
// the pure tests (`npm run test:unit`), where starting Node and tsx per file costs ~10x the CPU of
// the tests themselves. `npm test` keeps a process per file.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const thisFile = fileURLToPath(import.meta.url);
const root = join(dirname(thisFile), '..');
const args = process.argv.slice(2);
if (args[0] === '--import-files') {
  // The one process of `--one-process`: node:test runs the tests of every file imported here.
  for (const f of args.slice(1)) await import(pathToFileURL(join(root, f)).href);
} else {
  const folders = args.filter((a) => !a.startsWith('-'));
  const oneProcess = args.includes('--one-process');
  const flags = args.filter((a) => a.startsWith('-') && a !== '--one-process');
  // Node's default is one file at a time on a 2-core machine; two halves the wall time there.
  if (!oneProcess && !flags.some((f) => f.startsWith('--test-concurrency'))) flags.push('--test-concurrency=2');
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
    );
  const files = folders
    .flatMap((f) => walk(join(root, 'test', f)))
    .map((f) => relative(root, f))
    .sort();
  if (!files.length) {
    console.error(`no *.test.ts under test/${folders.join(', test/')}`);
    process.exit(1);
  }
  const node = ['--import', 'tsx', '--import', './test/loopbackGuard.mjs', ...flags];
  const run = spawnSync(
    process.execPath,
    oneProcess ? [...node, thisFile, '--import-files', ...files] : [...node, '--test', ...files],
    { cwd: root, stdio: 'inherit' },
  );
  process.exit(run.status ?? 1);
}
