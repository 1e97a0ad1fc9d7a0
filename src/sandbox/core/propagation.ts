/**
 * RAM is eventually consistent towards the services that use its roles: a role created, deleted or
 * changed is visible to RAM itself at once, but ECS, STS and the instance metadata service keep
 * seeing the old role for a few seconds (observed on real accounts). No API reference
 * names an error code for "not propagated yet", so the services answer as they do for the old
 * state: ECS InvalidRamRole.NotFound / InvalidRamRole.NotEcsRole, STS EntityNotExist.Role or
 * NoPermission, IMDS the old credentials' permissions.
 *
 * Each role change records what the role looked like just before it; until the change's time has
 * come, the services see that. With propagation off nothing is recorded and every
 * reader sees the current state.
 */
import type { NamedPolicy } from '../../policy/types';
import { realismOf } from './realism';
import { now, parsePolicyDocument, policyKey, roleKey, type RamRole, type SandboxState } from './state';

/** A role as the other services see it: its record (absent: unknown) and its attached policies. */
interface RoleSnapshot {
  role?: RamRole;
  policies: NamedPolicy[];
}

interface Change {
  at: number;
  before: RoleSnapshot;
}

const logs = new WeakMap<SandboxState, Map<string, Change[]>>();

const keyOf = (roleName: string) => roleName.toLowerCase();

function findRoleNow(state: SandboxState, roleName: string): RamRole | undefined {
  return state.roles.get(roleName) ?? [...state.roles.values()].find((r) => keyOf(r.roleName) === keyOf(roleName));
}

/** The policies attached to a principal (`role:<name>` / `user:<name>`), as of now in RAM. */
export function currentPolicies(state: SandboxState, principal: string): NamedPolicy[] {
  const out: NamedPolicy[] = [];
  for (const a of state.attachments.get(principal) ?? []) {
    const p = state.policies.get(policyKey(a.policyType, a.policyName));
    const v = p?.versions.find((x) => x.versionId === p.defaultVersion);
    if (p && v) {
      out.push({ name: p.policyName, type: p.policyType, document: parsePolicyDocument(v.policyDocument) });
    }
  }
  return out;
}

function snapshot(state: SandboxState, roleName: string): RoleSnapshot {
  const role = findRoleNow(state, roleName);
  return { role: role && structuredClone(role), policies: role ? currentPolicies(state, roleKey(role.roleName)) : [] };
}

/** The changes to a role that other services do not see yet, oldest first; settled ones dropped. */
function pending(state: SandboxState, roleName: string): Change[] {
  const log = logs.get(state);
  const changes = log?.get(keyOf(roleName));
  if (!log || !changes) {
    return [];
  }
  const t = now(state);
  // A change is visible once its time has come; the next pending one's "before" already holds it.
  while (changes.length && changes[0].at <= t) {
    changes.shift();
  }
  if (!changes.length) {
    log.delete(keyOf(roleName));
  }
  return changes;
}

/**
 * Runs a RAM mutation that changes how `roleNames` look to other services, and records their
 * previous look so those services keep seeing it until the propagation delay has passed.
 */
export function changingRoles<T>(state: SandboxState, roleNames: string[], mutate: () => T): T {
  const delay = realismOf(state).propagationMs;
  if (delay <= 0) {
    return mutate();
  }
  // What the services see right now (which may itself be an older, still-propagating state)
  // is not what we record: each change remembers the RAM truth just before it.
  const before = roleNames.map((n) => ({ name: n, snap: snapshot(state, n) }));
  const result = mutate();
  let log = logs.get(state);
  if (!log) {
    log = new Map();
    logs.set(state, log);
  }
  const at = now(state) + delay;
  for (const { name, snap } of before) {
    const list = log.get(keyOf(name)) ?? [];
    list.push({ at, before: snap });
    log.set(keyOf(name), list);
  }
  return result;
}

/** The role as ECS, STS and IMDS see it: absent while its creation is still propagating. */
export function visibleRole(state: SandboxState, roleName: string): RamRole | undefined {
  const changes = pending(state, roleName);
  return changes.length ? changes[0].before.role : findRoleNow(state, roleName);
}

/** The policies a role's sessions are authorized with, as the services see them. */
export function visibleRolePolicies(state: SandboxState, roleName: string): NamedPolicy[] {
  const changes = pending(state, roleName);
  if (changes.length) {
    return changes[0].before.policies;
  }
  const role = findRoleNow(state, roleName);
  return currentPolicies(state, roleKey(role?.roleName ?? roleName));
}
