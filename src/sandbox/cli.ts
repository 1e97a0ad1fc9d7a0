/**
 * The sandbox's command line: one table of flags (FLAGS) from which the parser's options, the
 * `--help` text and the flag table in docs/SANDBOX.md are all made, so they cannot drift apart.
 * Parsing is Node's own `util.parseArgs` in strict mode; anything it or a flag's check refuses is a
 * CliError (exit 2, nothing started).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { REALISTIC } from './core/realism';
import { parseInstancePort } from './rpc/sessionRelay';
import type { SandboxOptions } from './server';

export class CliError extends Error {}

interface Flag {
  name: string;
  short?: string;
  /** Shown after the flag in usage, e.g. `N` or `FILE`; none for a switch. */
  value?: string;
  /** What happens without the flag. */
  default: string;
  meaning: string;
  /** Checks the value and writes it into the options. */
  apply?: (value: string, o: SandboxOptions) => void;
  /** For a switch. */
  set?: (o: SandboxOptions) => void;
}

function integer(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new CliError(
      `--${flag} takes a whole number${min >= 0 ? ` from ${min}` : ''}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, not "${value}"`,
    );
  }
  return Number(value);
}

const realism = (o: SandboxOptions) => (o.realism ??= {});

/** Every flag the sandbox takes. */
export const FLAGS: readonly Flag[] = [
  {
    name: 'port',
    value: 'N',
    default: '0 (a free port)',
    meaning: 'Port to listen on, on 127.0.0.1.',
    apply: (v, o) => {
      o.port = integer('port', v, 0, 65535);
    },
  },
  {
    name: 'state',
    value: 'FILE',
    default: 'none (in memory)',
    meaning:
      'JSON file to load the account from (if present) and save it to after every change; written readable by you only. A new file gets new demo secrets.',
    apply: (v, o) => {
      o.statePath = v;
    },
  },
  {
    name: 'empty',
    default: 'off',
    meaning: 'Start from an empty account instead of the demo seed (a new state only).',
    set: (o) => {
      o.empty = true;
    },
  },
  {
    name: 'seed',
    value: 'demo|large|activity',
    default: 'demo',
    meaning:
      'The account to seed: `demo` (roles, instances, buckets a newcomer sees), `large` (a company-sized account, made lazily) or `activity` (demo plus AppServerRole with 90 days of ActionTrail history).',
    apply: (v, o) => {
      if (v !== 'demo' && v !== 'large' && v !== 'activity') {
        throw new CliError(`--seed takes demo, large or activity, not "${v}"`);
      }
      o.seed = v;
    },
  },
  {
    name: 'instant',
    default: 'off (realistic)',
    meaning:
      'Turn every realistic behaviour off: no RAM propagation delay, no instance transitions, no extra strictness.',
    set: (o) => {
      o.instant = true;
    },
  },
  {
    name: 'propagation-ms',
    value: 'N',
    default: `${REALISTIC.propagationMs} (0 with --instant)`,
    meaning: 'How late a RAM change reaches ECS, STS, IMDS and sessions.',
    apply: (v, o) => {
      realism(o).propagationMs = integer('propagation-ms', v, 0);
    },
  },
  {
    name: 'lifecycle-ms',
    value: 'N',
    default: `pending ${REALISTIC.lifecycle.pendingMs}, starting ${REALISTIC.lifecycle.startingMs}, stopping ${REALISTIC.lifecycle.stoppingMs} (0 with --instant)`,
    meaning: 'Length of each instance transition (Pending, Starting, Stopping).',
    apply: (v, o) => {
      const ms = integer('lifecycle-ms', v, 0);
      realism(o).lifecycle = { pendingMs: ms, startingMs: ms, stoppingMs: ms };
    },
  },
  {
    name: 'clock-skew-ms',
    value: 'N',
    default: '0',
    meaning: 'Run the sandbox clock N ms ahead of this machine (negative: behind; write `--clock-skew-ms=-N`).',
    apply: (v, o) => {
      o.clockSkewMs = integer('clock-skew-ms', v, Number.MIN_SAFE_INTEGER);
    },
  },
  {
    name: 'latency-ms',
    value: 'N',
    default: '0',
    meaning: 'Answer every request N ms late (a network round trip).',
    apply: (v, o) => {
      o.latencyMs = integer('latency-ms', v, 0);
    },
  },
  {
    name: 'instance-port',
    value: 'MAP',
    default: 'none (nothing listens on any instance port)',
    meaning:
      'Session Manager: MAP is `ID:PORT=127.0.0.1:LOCAL` (comma-separated for several): port PORT of instance ID (or of a VPC address, for TargetServer) is the loopback port LOCAL, e.g. an sshd or a test SSH server. At run time: POST /__sandbox/instance-port.',
    apply: (v, o) => {
      for (const m of v.split(',')) {
        try {
          parseInstancePort(m);
        } catch (e) {
          throw new CliError(`--instance-port: ${(e as Error).message}`);
        }
        (o.instancePorts ??= []).push(m.trim());
      }
    },
  },
  { name: 'help', short: 'h', default: '', meaning: 'Print this help and exit.' },
  { name: 'version', default: '', meaning: 'Print the version and exit.' },
];

export type CliCommand =
  { kind: 'help' } | { kind: 'version'; version: string } | { kind: 'run'; options: SandboxOptions };

/**
 * The extension's version, from the nearest package.json above this file: dist/ in a build, the
 * repository root from src/sandbox/ (the sandbox layer may not import files outside it).
 */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
    }
    if (path.dirname(dir) === dir) {
      return 'unknown';
    }
  }
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

function unknownFlag(raw: string): CliError {
  const name = raw.replace(/^-+/, '').replace(/=.*$/, '');
  const near = FLAGS.map((f) => ({ f, d: distance(name, f.name) }))
    .filter((x) => x.d <= 2)
    .sort((a, b) => a.d - b.d)[0];
  return new CliError(
    `unknown flag ${raw.replace(/=.*$/, '')}${near ? ` (did you mean --${near.f.name}?)` : ''}; see --help`,
  );
}

export function parseCli(argv: readonly string[]): CliCommand {
  const options = Object.fromEntries(
    FLAGS.map((f) => [
      f.name,
      { type: f.value ? ('string' as const) : ('boolean' as const), ...(f.short ? { short: f.short } : {}) },
    ]),
  );
  // A first, lenient pass finds unknown flags, so the error can name a near miss.
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind === 'option' && !(t.name in options)) {
      throw unknownFlag(t.rawName);
    }
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new CliError(`${(e as Error).message.replace(/\s*\n\s*/g, ' ')} (see --help)`);
  }
  if (values.help) {
    return { kind: 'help' };
  }
  if (values.version) {
    return { kind: 'version', version: packageVersion() };
  }
  const o: SandboxOptions = {};
  for (const f of FLAGS) {
    const v = values[f.name];
    if (typeof v === 'string') {
      f.apply!(v, o);
    } else if (v === true) {
      f.set?.(o);
    }
  }
  return { kind: 'run', options: o };
}

const flagLabel = (f: Flag) => `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.value ? ` ${f.value}` : ''}`;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line];
}

/** The `--help` text. */
export function usage(): string {
  const width = Math.max(...FLAGS.map((f) => flagLabel(f).length)) + 2;
  const flags = FLAGS.map((f) => {
    const text = `${f.meaning}${f.default ? ` Default: ${f.default}.` : ''}`.replace(/`/g, '');
    return wrap(text, 100 - width - 2)
      .map((line, i) => `  ${(i ? '' : flagLabel(f)).padEnd(width)}${line}`)
      .join('\n');
  });
  return (
    [
      'usage: node dist/sandbox.js [flags]      (npm run sandbox -- [flags])',
      '',
      'A local Alibaba Cloud (RAM, STS, ECS, Cloud Assistant, OSS, instance metadata) on loopback. It',
      'prints one JSON line (endpoint, demo AccessKeys, controlToken, IMDS URLs, realism) and serves',
      'until stopped. The demo AccessKey secrets are random per state file (per run without --state).',
      '',
      'Flags:',
      ...flags,
      '',
      'Seeds: demo (default; fixed names the docs use), large (--seed large) or activity (demo + AppServerRole).',
      '',
      `Realistic by default: RAM propagation ${REALISTIC.propagationMs / 1000} s, instance transitions, OSS request-time and Content-MD5`,
      'checks, RAM grammar and limits, SignatureNonce replay, Cloud Assistant timing, real catalogue',
      'sizes. --instant turns all of them off; --propagation-ms and --lifecycle-ms set one delay on',
      'top of either. At run time: GET|POST /__sandbox/realism.',
      '',
      'Control routes (/__sandbox/*) need the controlToken of the JSON line, sent as the',
      'x-sandbox-token header (401 without it): faults, clock, realism, latency, requests, info.',
      '',
      'Full manual: docs/SANDBOX.md',
    ].join('\n') + '\n'
  );
}

/** The flag table of docs/SANDBOX.md (a test keeps the document equal to it). */
export function flagTableMarkdown(): string {
  return [
    '| Flag | Meaning | Default |',
    '|---|---|---|',
    // A pipe inside a table cell, code span included, needs its backslash (GFM).
    ...FLAGS.map((f) =>
      `| \`${flagLabel(f)}\` | ${f.meaning} | ${f.default || '—'} |`.replace(/(?<=\S)\|(?=\S)/g, '\\|'),
    ),
  ].join('\n');
}
