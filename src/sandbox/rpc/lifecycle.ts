/**
 * Instance states that take time, as on ECS: a new instance is Pending, RunInstances then starts
 * it (Starting, then Running), StartInstance goes through Starting ("After the operation is
 * called, the instance enters the Starting state", StartInstance API reference), StopInstance
 * through Stopping. The public IP RunInstances allocates shows once the instance is Running.
 *
 * Transitions are stored on the instance with their due time and applied lazily whenever ECS or
 * IMDS looks at instances, so nothing runs in the background and a saved state resumes correctly.
 */
import { now, type Instance, type InstanceStatus, type SandboxState } from '../core/state';

export interface Step {
  status: InstanceStatus;
  afterMs: number;
  publicIp?: string;
}

function settle(i: Instance, t: number): void {
  while (i.transitions?.length && i.transitions[0].at <= t) {
    const next = i.transitions.shift()!;
    i.status = next.status;
    if (next.publicIp) {
      i.publicIp = next.publicIp;
    }
  }
  if (i.transitions && !i.transitions.length) {
    delete i.transitions;
  }
}

/** Puts an instance in `from` now, then through `steps`; steps with no delay happen at once. */
export function schedule(state: SandboxState, i: Instance, from: InstanceStatus, steps: Step[]): void {
  const t = now(state);
  let at = t;
  i.status = from;
  i.transitions = steps.map((s) => {
    at += Math.max(0, s.afterMs);
    return { at, status: s.status, ...(s.publicIp ? { publicIp: s.publicIp } : {}) };
  });
  settle(i, t);
  if (i.transitions) {
    moving(state).add(i);
  }
}

/**
 * The instances with transitions still to come. Every ECS request settles them, and scanning all
 * 6,000 instances of the large seed on each one for the few that move cost the sandbox more CPU
 * than answering. Seeded by one full scan, so a state loaded from disk resumes its transitions.
 */
const movingByState = new WeakMap<SandboxState, Set<Instance>>();

function moving(state: SandboxState): Set<Instance> {
  let set = movingByState.get(state);
  if (!set) {
    set = new Set([...state.instances.values()].filter((i) => i.transitions));
    movingByState.set(state, set);
  }
  return set;
}

/** Applies every transition whose time has come. */
export function settleInstances(state: SandboxState): void {
  const t = now(state);
  const set = moving(state);
  for (const i of set) {
    settle(i, t);
    if (!i.transitions) {
      set.delete(i);
    }
  }
}
