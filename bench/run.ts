/**
 * Benchmarks: print figures, never pass or fail on a timing. Run with `npm run bench` (after
 * `npm run build`, so the bundles exist). Measures what users feel: the cost of loading each
 * SDK bundle (which activation avoids), and end-to-end call latencies against the sandbox.
 */
import { execFileSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { createCloud } from '../src/cloud';
import { collectAll } from '../src/cloud/paging';
import { ImdsClient } from '../src/cloud/imds';
import { sandboxEndpoints } from '../src/cloud/profile';
import { DEMO } from '../src/sandbox/seed';
import { startSandbox } from '../src/sandbox/server';

const root = path.join(__dirname, '..');

function requireTime(file: string): number {
  // A fresh process per module so nothing is cached; `vscode` is stubbed so the extension bundle
  // can be loaded outside VS Code (module evaluation cost only, not activation).
  const stub = "const M=require('module');const l=M._load;M._load=function(r,...a){return r==='vscode'?new Proxy({},{get:()=>function(){}}):l.call(this,r,...a)};";
  const out = execFileSync(process.execPath, ['-e', `${stub}const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`]);
  return Number(out.toString().trim());
}

async function timeIt(label: string, runs: number, fn: () => Promise<unknown>): Promise<void> {
  await fn(); // warm-up: first-call SDK load is measured separately
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  console.log(`${label.padEnd(44)} median ${p(0.5).padStart(7)} ms   p90 ${p(0.9).padStart(7)} ms   (n=${runs})`);
}

/** Whether test/loopbackGuard.mjs is loaded (npm run bench loads it): a non-loopback connect must fail at once. */
function loopbackGuarded(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '192.0.2.1', port: 9 }); // TEST-NET-1: routed nowhere
    socket.setTimeout(1000, () => { socket.destroy(); resolve(false); });
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ELOOPBACKGUARD'));
  });
}

async function main(): Promise<void> {
  if (!await loopbackGuarded()) {
    console.error('The loopback guard is not loaded: run `npm run bench`, which keeps every connection on 127.0.0.1.');
    process.exitCode = 2;
    return;
  }
  console.log('# module load (fresh process, ms)');
  for (const f of ['extension.js', 'sdk/ram.js', 'sdk/ecs.js', 'sdk/sts.js', 'sdk/ali-oss.js', 'sdk/credentials.js']) {
    const file = path.join(root, 'dist', f);
    try {
      console.log(`${f.padEnd(44)} ${requireTime(file).toFixed(1)} ms`);
    } catch {
      console.log(`${f.padEnd(44)} missing (run npm run build)`);
    }
  }

  const sandbox = await startSandbox({ instant: true });
  const cloud = createCloud({
    name: 'bench', regionId: 'cn-hangzhou',
    credentials: { mode: 'AK', accessKeyId: DEMO.accessKeyId, accessKeySecret: DEMO.accessKeySecret },
    endpoints: sandboxEndpoints(sandbox.info.endpoint),
  });
  try {
    console.log('\n# calls against the local sandbox (real SDKs, real HTTP, real signatures)');
    await timeIt('RAM ListRoles (1 page)', 30, () => cloud.ram.listRoles());
    await timeIt('RAM GetRole', 30, () => cloud.ram.getRole(DEMO.seededRole));
    await timeIt('ECS DescribeInstances + DescribeInstanceRamRole', 30, async () => {
      const page = await cloud.ecs.listInstances('cn-hangzhou');
      await cloud.ecs.describeInstanceRoles('cn-hangzhou', page.items.filter((i) => i.networkType === 'vpc').map((i) => i.instanceId));
    });
    await timeIt('OSS ListObjectsV2 (100 keys)', 30, () => cloud.oss.listObjects(DEMO.bigBucket, 'cn-hangzhou', { prefix: 'items/' }));
    await timeIt(`OSS list all ${DEMO.bigBucketKeys} keys (pages of 1000)`, 10, () => collectAll((tok) => cloud.oss.listObjects(DEMO.bigBucket, 'cn-hangzhou', { prefix: 'items/', token: tok, maxKeys: 1000 })));
    const imds = () => new ImdsClient({ baseUrl: sandbox.info.imdsUrl(DEMO.vpcInstanceId2) });
    await timeIt('IMDS token + role + credentials (cold client)', 30, () => imds().getCredentials());
    sandbox.faults.add({ service: 'ram', action: 'ListRoles', kind: 'delay', delayMs: 200 });
    await timeIt('RAM ListRoles with 200 ms injected latency', 5, () => cloud.ram.listRoles());
    sandbox.faults.clear();
    const unreachable = new ImdsClient({ baseUrl: 'http://127.0.0.1:9' });
    const t = Date.now();
    await unreachable.getIdentity().catch(() => undefined);
    console.log(`${'IMDS probe, nothing listening'.padEnd(44)} ${Date.now() - t} ms`);
  } finally {
    cloud.dispose();
    await sandbox.close();
  }
}

void main();
