// AccessKey scan figures (npm run bench prints them; `node --import tsx bench/accessKeyScan.ts`
// alone needs dist/accessKeyScanWorker.js from `node esbuild.mjs`):
// - a hostile .gitignore rule against a 40-character name (the old regex matcher: minutes);
// - one 1 MB file of ids, one line and one id per line (the old scanner: tens of seconds);
// - a generated 10,000-file workspace scanned in the worker thread, as the extension does, with
//   the longest block of the calling ("host") thread's event loop from monitorEventLoopDelay.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { scanText } from '../src/setup/accessKeyScan';
import { GitignoreMatcher, scanInWorker } from '../src/setup/accessKeyWorkspace';

const id = () => ['LT', 'AI'].join('') + Math.random().toString(36).slice(2, 18).padEnd(16, 'x');
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

export function benchHostileGitignore(): { ms: number; ignored: boolean } {
  const m = new GitignoreMatcher();
  m.add('', '*a*a*a*a*a*a*a*a*a*a*a*a*b\n');
  const t = process.hrtime.bigint();
  const ignored = m.ignores('a'.repeat(40));
  return { ms: ms(t), ignored };
}

export function benchOneMegabyteFile(): { oneLineMs: number; linesMs: number; findings: number; truncated: boolean } {
  let oneLine = '';
  while (oneLine.length < 1024 * 1024 - 64) {
    oneLine += `"${id()}", `;
  }
  let lines = '';
  while (lines.length < 1024 * 1024 - 64) {
    lines += `key = "${id()}"\n`;
  }
  let t = process.hrtime.bigint();
  const a = scanText(oneLine);
  const oneLineMs = ms(t);
  t = process.hrtime.bigint();
  scanText(lines);
  return { oneLineMs, linesMs: ms(t), findings: a.length, truncated: a.truncated === true };
}

export async function benchAccessKeyScan(
  workerFile: string,
  fileCount = 10_000,
): Promise<{ files: number; ms: number; maxHostBlockMs: number; p99HostBlockMs: number; findings: number }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'akscan-bench-'));
  const exts = ['py', 'js', 'ts', 'java', 'go', 'yaml', 'json', 'properties', 'sh', 'tf', 'md', 'png'];
  for (let i = 0; i < fileCount; i++) {
    const dir = path.join(root, `pkg${i % 50}`, `mod${i % 7}`);
    fs.mkdirSync(dir, { recursive: true });
    const ext = exts[i % exts.length];
    const body =
      ext === 'png'
        ? Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), Buffer.alloc(2000)])
        : `// file ${i}\n${'const value = compute(input) + 42; // some ordinary code here\n'.repeat(60)}${i % 500 === 0 ? `key = "${id()}"\n` : ''}`;
    fs.writeFileSync(path.join(dir, `f${i}.${ext}`), body);
  }
  fs.writeFileSync(path.join(root, '.gitignore'), 'pkg49/\n*a*a*a*a*a*a*a*a*a*a*a*a*b\n[z-a]\n');
  // The 1 MB file too: its cost is the worker's, never the host's.
  fs.writeFileSync(
    path.join(root, 'ids.txt'),
    Array.from({ length: 30_000 }, () => `"${id()}"`)
      .join(', ')
      .slice(0, 1024 * 1024 - 8),
  );
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = Date.now();
  const { stats } = await scanInWorker(workerFile, { roots: [{ root }] });
  const t1 = Date.now();
  h.disable();
  fs.rmSync(root, { recursive: true, force: true });
  return {
    files: fileCount,
    ms: t1 - t0,
    maxHostBlockMs: h.max / 1e6,
    p99HostBlockMs: h.percentile(99) / 1e6,
    findings: stats.findings,
  };
}

if (require.main === module) {
  console.log(JSON.stringify({ bench: 'hostileGitignore', ...benchHostileGitignore() }));
  console.log(JSON.stringify({ bench: 'oneMegabyteFile', ...benchOneMegabyteFile() }));
  void benchAccessKeyScan(path.join(__dirname, '..', 'dist', 'accessKeyScanWorker.js')).then((r) =>
    console.log(JSON.stringify({ bench: 'accessKeyScan', ...r })),
  );
}
