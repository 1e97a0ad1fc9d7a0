/**
 * The Session Manager bridge (dist/sessionBridge.js): what ssh runs as its ProxyCommand, under VS
 * Code's own runtime (ELECTRON_RUN_AS_NODE=1), so nothing has to be installed. stdin/stdout are
 * ssh's connection; the bridge asks the extension for a fresh session over the private channel,
 * then carries the bytes in Session Manager frames. Its argv holds no secret: only the channel
 * path, the instance, region and port. Messages go to stderr, which ssh shows or logs: plain
 * English here (no editor to translate), the editor says it again in the user's language.
 *
 * usage: sessionBridge.js --channel PATH --region REGION --instance ID --port N [--target ADDRESS]
 */
import { parseArgs } from 'node:util';
import { askForTicket } from './sessionChannel';
import { pipeSession, type SessionEnd } from './sessionStream';

/** Plain words for each close reason the official client knows (client.go), and the others. */
export function describeEnd(how: SessionEnd): string {
  switch (how.kind) {
    case 'closed':
      return (
        {
          Exit: 'Session Manager closed the session.',
          AgentTimeout:
            'Session Manager closed the session: the Cloud Assistant agent on the instance stopped answering.',
          InitChannelFailed: 'Session Manager could not set up the session on the instance.',
          OpenChannelFailed:
            'Session Manager could not open the port on the instance: is the SSH server running and listening there?',
          SessionIdDuplicated: 'Session Manager refused a duplicate session.',
          ProcessDataError: 'Session Manager closed the session after a data error.',
          OpenPtyFailed: 'Session Manager could not open a terminal on the instance.',
          FlowExceedLimit: 'Session Manager closed the session: more data was sent than the session allows.',
          InstanceNotRunning: 'The instance is not running.',
          AgentNotOnline: 'The Cloud Assistant agent on the instance is not online.',
        }[how.reason] ?? `Session Manager closed the session (${how.reason}).`
      );
    case 'connectFailed':
      return `Session Manager could not connect: ${how.detail}`;
    case 'refused':
      return how.httpStatus === 403
        ? 'Session Manager refused the session: its URL expired or the session was ended.'
        : `Session Manager refused the session (HTTP ${how.httpStatus}).`;
    case 'lost':
      return `The connection to Session Manager was lost: ${how.detail}`;
    case 'done':
      return '';
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      channel: { type: 'string' },
      region: { type: 'string' },
      instance: { type: 'string' },
      port: { type: 'string' },
      target: { type: 'string' },
    },
    strict: true,
  });
  if (!values.channel || !values.region || !values.instance || !values.port) {
    process.stderr.write('usage: sessionBridge.js --channel PATH --region REGION --instance ID --port N\n');
    return 2;
  }
  const { ticket, report } = await askForTicket(values.channel, {
    instanceId: values.instance,
    regionId: values.region,
    port: Number(values.port),
    targetServer: values.target,
  });
  return new Promise<number>((resolve) => {
    pipeSession(ticket, process.stdin, process.stdout, (how) => {
      const text = describeEnd(how);
      if (text) {
        process.stderr.write(`${text}\n`);
      }
      void report(how).then(() => resolve(how.kind === 'done' ? 0 : 1));
    });
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`Session Manager bridge: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
