/**
 * `node dist/sandbox.js [--port N] [--state file.json] [--empty] [--seed demo|large] [--instant]
 *   [--propagation-ms N] [--lifecycle-ms N] [--clock-skew-ms N] [--latency-ms N]`: starts the local Alibaba Cloud
 * and prints its endpoints, the demo credentials and this run's control token (send it as
 * x-sandbox-token to /__sandbox/*) as JSON on one line, then serves until killed.
 *
 * Realistic by default (realism.ts REALISTIC: seconds of RAM propagation and instance transitions,
 * real strictness and catalogue sizes). `--instant` turns every such behaviour off; the numeric
 * flags set one delay on top of either (`--lifecycle-ms` sets each instance transition).
 * `--seed large` is a company-sized account (seedLarge.ts); `--latency-ms` delays every answer.
 */
import type { RealismOptions } from './realism';
import { DEMO } from './seed';
import { startSandbox } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function ms(name: string): number | undefined {
  const v = arg(name);
  if (v === undefined) { return undefined; }
  if (!/^-?\d+$/.test(v)) { throw new Error(`--${name} takes a whole number of milliseconds, not "${v}"`); }
  return Number(v);
}

async function main(): Promise<void> {
  const realism: RealismOptions = {};
  const propagation = ms('propagation-ms');
  if (propagation !== undefined) { realism.propagationMs = propagation; }
  const lifecycle = ms('lifecycle-ms');
  if (lifecycle !== undefined) { realism.lifecycle = { pendingMs: lifecycle, startingMs: lifecycle, stoppingMs: lifecycle }; }
  const seed = arg('seed') ?? 'demo';
  if (seed !== 'demo' && seed !== 'large') { throw new Error(`--seed takes demo or large, not "${seed}"`); }
  const sandbox = await startSandbox({
    seed,
    latencyMs: ms('latency-ms'),
    port: Number(arg('port') ?? 0),
    statePath: arg('state'),
    empty: process.argv.includes('--empty'),
    instant: process.argv.includes('--instant'),
    realism,
    clockSkewMs: ms('clock-skew-ms'),
  });
  const info = sandbox.info;
  process.stdout.write(JSON.stringify({
    endpoint: info.endpoint, url: info.url, accountId: info.accountId,
    accessKeyId: info.accessKeyId, accessKeySecret: info.accessKeySecret, controlToken: info.controlToken,
    subAccount: { userName: DEMO.subUser, accessKeyId: DEMO.subAccessKeyId, accessKeySecret: DEMO.subAccessKeySecret },
    imds: { [DEMO.vpcInstanceId]: info.imdsUrl(DEMO.vpcInstanceId), [DEMO.vpcInstanceId2]: info.imdsUrl(DEMO.vpcInstanceId2) },
    regions: DEMO.regions,
    realism: sandbox.realism,
  }) + '\n');
  const stop = () => { void sandbox.close().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: Error) => { process.stderr.write(`${e.message}\n`); process.exit(2); });
