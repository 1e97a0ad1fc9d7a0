/**
 * `node dist/sandbox.js [--port N] [--state file.json] [--empty]`: starts the local Alibaba Cloud
 * and prints its endpoints, the demo credentials and this run's control token (send it as
 * x-sandbox-token to /__sandbox/*) as JSON on one line, then serves until killed.
 */
import { DEMO } from './seed';
import { startSandbox } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    port: Number(arg('port') ?? 0),
    statePath: arg('state'),
    empty: process.argv.includes('--empty'),
  });
  const info = sandbox.info;
  process.stdout.write(JSON.stringify({
    endpoint: info.endpoint, url: info.url, accountId: info.accountId,
    accessKeyId: info.accessKeyId, accessKeySecret: info.accessKeySecret, controlToken: info.controlToken,
    subAccount: { userName: DEMO.subUser, accessKeyId: DEMO.subAccessKeyId, accessKeySecret: DEMO.subAccessKeySecret },
    imds: { [DEMO.vpcInstanceId]: info.imdsUrl(DEMO.vpcInstanceId), [DEMO.vpcInstanceId2]: info.imdsUrl(DEMO.vpcInstanceId2) },
    regions: DEMO.regions,
  }) + '\n');
  const stop = () => { void sandbox.close().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
