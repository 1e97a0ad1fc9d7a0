/**
 * `node dist/sandbox.js [flags]` (flags: cli.ts, `--help`): starts the local Alibaba Cloud and
 * prints its endpoints, the demo credentials and this run's control token (send it as
 * x-sandbox-token to /__sandbox/*) as JSON on one line, then serves until killed. A flag it does
 * not know, or a value it cannot use, is an error (exit 2) before anything starts.
 */
import { CliError, parseCli, usage } from './cli';
import { DEMO } from './seed/demo';
import { startSandbox } from './server';

async function main(): Promise<void> {
  const command = parseCli(process.argv.slice(2));
  if (command.kind === 'help') {
    process.stdout.write(usage());
    return;
  }
  if (command.kind === 'version') {
    process.stdout.write(`${command.version}\n`);
    return;
  }
  const sandbox = await startSandbox({ seed: 'demo', ...command.options });
  const info = sandbox.info;
  process.stdout.write(
    JSON.stringify({
      endpoint: info.endpoint,
      url: info.url,
      accountId: info.accountId,
      accessKeyId: info.accessKeyId,
      accessKeySecret: info.accessKeySecret,
      controlToken: info.controlToken,
      subAccount: info.subAccount,
      imds: {
        [DEMO.vpcInstanceId]: info.imdsUrl(DEMO.vpcInstanceId),
        [DEMO.vpcInstanceId2]: info.imdsUrl(DEMO.vpcInstanceId2),
      },
      regions: DEMO.regions,
      realism: sandbox.realism,
    }) + '\n',
  );
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: Error) => {
  // Usage errors exit 2 (as command lines do); a sandbox that fails to start, 1.
  process.stderr.write(`sandbox: ${e.message}\n`);
  process.exit(e instanceof CliError ? 2 : 1);
});
