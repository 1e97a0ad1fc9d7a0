// AccessKey scan of a generated 10,000-file workspace: the same gitignore walk and yielding batch
// scan the extension runs after findFiles. Prints the time and how long the event loop was ever
// held (a timer that should fire every 10 ms). `node --import tsx bench/accessKeyScan.ts`
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanFiles, walkDirectory } from '../src/setup/accessKeyWorkspace';

export async function benchAccessKeyScan(fileCount = 10_000): Promise<{ files: number; ms: number; walkMs: number; scanMs: number; maxLoopBlockMs: number; findings: number }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'akscan-bench-'));
  const exts = ['py', 'js', 'ts', 'java', 'go', 'yaml', 'json', 'properties', 'sh', 'tf', 'md', 'png'];
  const id = () => ['LT', 'AI'].join('') + Math.random().toString(36).slice(2, 18).padEnd(16, 'x');
  for (let i = 0; i < fileCount; i++) {
    const dir = path.join(root, `pkg${i % 50}`, `mod${i % 7}`);
    fs.mkdirSync(dir, { recursive: true });
    const ext = exts[i % exts.length];
    const body = ext === 'png' ? Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), Buffer.alloc(2000)])
      : `// file ${i}\n${'const value = compute(input) + 42; // some ordinary code here\n'.repeat(60)}${i % 500 === 0 ? `key = "${id()}"\n` : ''}`;
    fs.writeFileSync(path.join(dir, `f${i}.${ext}`), body);
  }
  fs.writeFileSync(path.join(root, '.gitignore'), 'pkg49/\n');
  let maxGap = 0;
  let last = Date.now();
  const timer = setInterval(() => { const now = Date.now(); maxGap = Math.max(maxGap, now - last - 10); last = now; }, 10);
  const t0 = Date.now();
  const files = await walkDirectory(root);
  const t1 = Date.now();
  const { stats } = await scanFiles(files, { read: (f) => fs.promises.readFile(path.join(root, f)), size: async (f) => (await fs.promises.stat(path.join(root, f))).size });
  const t2 = Date.now();
  clearInterval(timer);
  fs.rmSync(root, { recursive: true, force: true });
  return { files: fileCount, ms: t2 - t0, walkMs: t1 - t0, scanMs: t2 - t1, maxLoopBlockMs: Math.max(0, maxGap), findings: stats.findings };
}

if (require.main === module) {
  void benchAccessKeyScan().then((r) => console.log(JSON.stringify({ bench: 'accessKeyScan', ...r })));
}
