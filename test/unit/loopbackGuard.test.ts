// The test suite's own safety rails: nothing below the vscode line imports vscode, and no test
// can reach anything but loopback (test/loopbackGuard.mjs is loaded into every test process).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.join(__dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('src/cloud, src/policy, src/setup and src/sandbox never import vscode', () => {
  const offenders: string[] = [];
  for (const layer of ['cloud', 'policy', 'setup', 'sandbox']) {
    for (const file of filesUnder(path.join(root, 'src', layer))) {
      const text = fs.readFileSync(file, 'utf8');
      // Any import, require or dynamic import of the vscode module, type-only included.
      if (/(from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/.test(text)) {
        offenders.push(path.relative(root, file));
      }
      // Nor anything above the line that does.
      for (const m of text.matchAll(/from\s+['"](\.\.\/(?:ui|views|commands|fs)\/[^'"]+|\.\.\/extension)['"]/g)) {
        offenders.push(`${path.relative(root, file)} -> ${m[1]}`);
      }
    }
  }
  assert.deepEqual(offenders, []);
});

test('the loopback guard is active: the metadata address and public hosts are refused before connecting', async () => {
  const started = Date.now();
  await assert.rejects(
    fetch('http://100.100.100.200/latest/meta-data/instance-id', { signal: AbortSignal.timeout(5000) }),
    (e: Error & { cause?: { code?: string } }) => {
      assert.equal(e.cause?.code, 'ELOOPBACKGUARD');
      return true;
    },
  );
  assert.ok(Date.now() - started < 1000, 'refused locally, not by a timeout');
  await assert.rejects(
    new Promise((resolve, reject) => {
      // A pinned lookup that resolves a cloud host name to a public address is refused too.
      const req = http.get(
        {
          host: 'ecs.aliyuncs.com',
          port: 80,
          lookup: (_h: string, _o: unknown, cb: (e: null, a: string, f: number) => void) => cb(null, '47.96.0.1', 4),
        } as http.RequestOptions,
        resolve,
      );
      req.on('error', reject);
    }),
    /loopback guard/,
  );
});

test('loopback connections still work', async () => {
  const server = http.createServer((_q, r) => r.end('ok')).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'ok');
  await new Promise((r) => server.close(r));
});
