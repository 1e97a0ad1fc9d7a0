// Runs the node:test files under the given folders of test/ (`node test/run.mjs unit integration`),
// nested folders included: Node 20's `--test` takes explicit paths and `sh` has no `**`. Other
// arguments starting with `-` go to node (e.g. `--test-concurrency=2`, `--test-name-pattern=…`).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const folders = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
// Node's default is one file at a time on a 2-core machine; two halves the wall time there.
if (!flags.some((f) => f.startsWith('--test-concurrency'))) flags.push('--test-concurrency=2');
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
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--import', './test/loopbackGuard.mjs', '--test', ...flags, ...files],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(run.status ?? 1);
