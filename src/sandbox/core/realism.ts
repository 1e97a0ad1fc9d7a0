/**
 * How closely the sandbox imitates a real account: its delays (RAM propagation, instance
 * lifecycle) and its strictness (request time, policy grammar and limits, nonce replay, Content-MD5,
 * catalogue sizes). Each behaviour is its own switch so a test can turn on exactly the one it
 * exercises; `INSTANT` turns them all off, which is what the test helpers start with.
 *
 * Behaviours that only make the sandbox *more correct* without making it slower or stricter are
 * always on and not listed here: `encoding-type=url` in listings, `x-oss-hash-crc64ecma`, and
 * `ram:PassRole` evaluated with `acs:Service`.
 */
import type { SandboxState } from './state';

export interface Realism {
  /**
   * A role that is created, deleted or changed (trust policy, attached policies, their default
   * versions) reaches ECS, STS, IMDS and the authorization of its sessions only this many ms later.
   * RAM itself (GetRole, ListPoliciesForRole…) answers with the new state at once. 0: at once.
   */
  propagationMs: number;
  /**
   * Instance transitions: RunInstances goes Pending → Starting → Running (the public IP appears on
   * Running), CreateInstance Pending → Stopped, StartInstance Starting → Running, StopInstance
   * Stopping → Stopped. All 0: the final state at once, as before.
   */
  lifecycle: { pendingMs: number; startingMs: number; stoppingMs: number };
  /**
   * Cloud Assistant: a command is Pending for `deliveryMs` (sent to the agent), then Running for
   * `runMs` before its final state. 0: final at once.
   */
  commands: { deliveryMs: number; runMs: number };
  /** OSS answers 403 RequestTimeTooSkewed when the request's date is more than 15 minutes off. */
  ossRequestTime: boolean;
  /** OSS refuses DeleteMultipleObjects without Content-MD5. */
  ossContentMd5: boolean;
  /** RAM: MalformedPolicyDocument for actions without `service:`, non-ARN resources, unknown keys. */
  ramGrammar: boolean;
  /** RAM: at most 20 system and 10 custom policies attached to one role (LimitExceeded.Role.Policy). */
  ramLimits: boolean;
  /** RPC: a SignatureNonce seen in the last 15 minutes is refused (SignatureNonceUsed). */
  nonceReplay: boolean;
  /**
   * Seed catalogues of a real region's size: hundreds of instance types, over a hundred images,
   * dozens of vSwitches and security groups. Only affects a freshly seeded account.
   */
  largeCatalogues: boolean;
  /**
   * Session Manager's limits (StartTerminalSession reference): a session with no data for
   * `idleMs` is closed, `bytesPerSecond` each way per session, `perInstance` connected sessions.
   * Limits, not delays: the same in both modes; a test lowers the idle time or raises the rate.
   */
  sessions: { idleMs: number; bytesPerSecond: number; perInstance: number };
}

export type RealismOptions = Partial<Omit<Realism, 'lifecycle' | 'commands' | 'sessions'>> & {
  lifecycle?: Partial<Realism['lifecycle']>;
  commands?: Partial<Realism['commands']>;
  sessions?: Partial<Realism['sessions']>;
};

const SESSION_LIMITS = Object.freeze({ idleMs: 180_000, bytesPerSecond: 200 * 1024, perInstance: 20 });

/** What `npm start` and the CLI run: a few seconds of propagation and of instance transitions. */
export const REALISTIC: Readonly<Realism> = Object.freeze({
  propagationMs: 5000,
  lifecycle: Object.freeze({ pendingMs: 2000, startingMs: 4000, stoppingMs: 3000 }),
  commands: Object.freeze({ deliveryMs: 1000, runMs: 2000 }),
  ossRequestTime: true,
  ossContentMd5: true,
  ramGrammar: true,
  ramLimits: true,
  nonceReplay: true,
  largeCatalogues: true,
  sessions: SESSION_LIMITS,
});

/** Every behaviour off: answers as fast and as forgiving as the sandbox always was. */
export const INSTANT: Readonly<Realism> = Object.freeze({
  propagationMs: 0,
  lifecycle: Object.freeze({ pendingMs: 0, startingMs: 0, stoppingMs: 0 }),
  commands: Object.freeze({ deliveryMs: 0, runMs: 0 }),
  ossRequestTime: false,
  ossContentMd5: false,
  ramGrammar: false,
  ramLimits: false,
  nonceReplay: false,
  largeCatalogues: false,
  sessions: SESSION_LIMITS,
});

/** `base` (REALISTIC, or INSTANT when `instant`) with `overrides` applied per behaviour. */
export function resolveRealism(instant: boolean | undefined, overrides: RealismOptions = {}): Realism {
  const base = instant ? INSTANT : REALISTIC;
  return {
    ...base,
    ...overrides,
    lifecycle: { ...base.lifecycle, ...overrides.lifecycle },
    commands: { ...base.commands, ...overrides.commands },
    sessions: { ...base.sessions, ...overrides.sessions },
  } as Realism;
}

/**
 * The realism of the sandbox that owns a state. Services reach it through the state because the
 * authorization and session code only ever sees the state; a bare state (no sandbox) is instant.
 */
const bound = new WeakMap<SandboxState, Realism>();

export function bindRealism(state: SandboxState, realism: Realism): void {
  bound.set(state, realism);
}

export function realismOf(state: SandboxState): Realism {
  return bound.get(state) ?? INSTANT;
}
