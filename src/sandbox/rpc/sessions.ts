/** STS sessions: issued by AssumeRole and by IMDS for an instance's role (rotating, overlapping). */
import { randomBytes } from 'node:crypto';
import { now, type Instance, type SandboxState, type StsSession } from '../core/state';

const rand = (n: number, alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789') =>
  Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');

export function issueSession(
  state: SandboxState,
  roleName: string,
  sessionName: string,
  durationSeconds: number,
  instanceId?: string,
): StsSession {
  const issuedAt = now(state);
  const session: StsSession = {
    accessKeyId: `STS.${rand(24)}`,
    accessKeySecret: rand(40),
    securityToken: `CAIS${rand(180)}`,
    roleName,
    sessionName,
    instanceId,
    issuedAt,
    expiresAt: issuedAt + durationSeconds * 1000,
  };
  state.stsSessions.set(session.accessKeyId, session);
  return session;
}

/**
 * The credentials IMDS serves for an instance right now. A new session is issued once less than
 * half of the current one's life is left; the old one stays valid until its own expiry, so
 * clients that cached it keep working across the rotation.
 */
export function instanceSession(state: SandboxState, instance: Instance): StsSession | undefined {
  if (!instance.ramRoleName) {
    return undefined;
  }
  const t = now(state);
  const current = [...state.stsSessions.values()]
    .filter((s) => s.instanceId === instance.instanceId && s.roleName === instance.ramRoleName && s.expiresAt > t)
    .sort((a, b) => b.issuedAt - a.issuedAt)[0];
  const life = state.stsDurationSeconds * 1000;
  if (current && current.expiresAt - t > life / 2) {
    return current;
  }
  return issueSession(state, instance.ramRoleName, instance.instanceId, state.stsDurationSeconds, instance.instanceId);
}

/** Detaching a role ends the instance's sessions at once, as the real service stops serving them. */
export function revokeInstanceSessions(state: SandboxState, instanceId: string): void {
  for (const [id, s] of state.stsSessions) {
    if (s.instanceId === instanceId) {
      state.stsSessions.delete(id);
    }
  }
}
