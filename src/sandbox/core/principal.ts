/**
 * Who is calling: resolves an AccessKeyId (+ STS token) to a principal and its policies, and
 * authorizes actions with the same evaluator the extension uses (src/policy).
 */
import { evaluate } from '../../policy/evaluate';
import type { AuthorizationRequest, Decision, NamedPolicy } from '../../policy/types';
import { authErrors } from './errors';
import { currentPolicies, visibleRolePolicies } from './propagation';
import { now, parsePolicyDocument, userKey, type SandboxState, type StsSession } from './state';

export type Principal =
  | { kind: 'root'; accountId: string; arn: string }
  | { kind: 'user'; accountId: string; arn: string; userName: string }
  | { kind: 'role'; accountId: string; arn: string; roleName: string; sessionName: string; session: StsSession };

export interface ResolvedCredential {
  secret: string;
  principal: Principal;
}

/**
 * Throws SandboxError with the real codes: unknown key, disabled key, expired or mismatching
 * STS token. A secret mismatch is the caller's to detect (it owns the string to sign).
 */
export function resolveCredential(
  state: SandboxState,
  accessKeyId: string,
  securityToken?: string,
): ResolvedCredential {
  const acct = state.accountId;
  const session = state.stsSessions.get(accessKeyId);
  if (session) {
    if (!securityToken) {
      throw authErrors.tokenMissing();
    }
    if (securityToken !== session.securityToken) {
      throw authErrors.tokenMismatch();
    }
    if (now(state) >= session.expiresAt) {
      throw authErrors.tokenExpired();
    }
    return {
      secret: session.accessKeySecret,
      principal: {
        kind: 'role',
        accountId: acct,
        roleName: session.roleName,
        sessionName: session.sessionName,
        session,
        arn: `acs:ram::${acct}:assumed-role/${session.roleName}/${session.sessionName}`,
      },
    };
  }
  const key = state.accessKeys.get(accessKeyId);
  if (!key) {
    throw authErrors.accessKeyNotFound();
  }
  if (key.status !== 'Active') {
    throw authErrors.accessKeyInactive();
  }
  if (key.owner.kind === 'root') {
    return { secret: key.accessKeySecret, principal: { kind: 'root', accountId: acct, arn: `acs:ram::${acct}:root` } };
  }
  const userName = key.owner.userName;
  return {
    secret: key.accessKeySecret,
    principal: { kind: 'user', accountId: acct, userName, arn: `acs:ram::${acct}:user/${userName}` },
  };
}

/**
 * The policies attached to a user, or to the role behind a session as the services see it (a
 * policy just attached to a role takes effect for its sessions only once it has propagated).
 */
export function policiesOf(state: SandboxState, principal: Principal): NamedPolicy[] {
  if (principal.kind === 'root') {
    return [];
  }
  return principal.kind === 'user'
    ? currentPolicies(state, userKey(principal.userName))
    : visibleRolePolicies(state, principal.roleName);
}

/** Root may do anything; everyone else needs an Allow and no Deny. */
export function authorize(
  state: SandboxState,
  principal: Principal,
  req: AuthorizationRequest,
): Decision | { effect: 'Allow'; matched?: undefined } {
  if (principal.kind === 'root') {
    return { effect: 'Allow' };
  }
  const decision = evaluate(policiesOf(state, principal), req);
  // An AssumeRole session policy can only narrow the role's permissions: both must allow.
  const sessionPolicy = principal.kind === 'role' ? principal.session.policy : undefined;
  if (decision.effect !== 'Allow' || !sessionPolicy) {
    return decision;
  }
  return evaluate([{ name: 'session policy', document: parsePolicyDocument(sessionPolicy) }], req);
}
