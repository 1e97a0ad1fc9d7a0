/**
 * STS 2015-04-01: GetCallerIdentity and AssumeRole, plus the trust-policy checks ECS shares (is a
 * role assumable by the ECS service; does it trust this RAM principal). Messages follow the STS
 * troubleshooting doc (help doc-detail/42775).
 */
import { roleArn } from '../policy/builders';
import { trustsRamPrincipal } from '../policy/trust';
import { SandboxError } from './errors';
import type { Principal } from './principal';
import { findRole, policyDocumentProblem } from './ram';
import { visibleRole } from './propagation';
import { realismOf } from './realism';
import type { RpcAction, RpcBody, RpcContext, RpcProduct } from './rpcProduct';
import { issueSession } from './sessions';
import { isoSeconds } from './state';

// ---- trust policies ----

/**
 * The names a trust policy may use for this caller in Principal.RAM: the account (as
 * `acs:ram::<id>:root` or the bare id) trusts every RAM user and role of it; or the exact user/role.
 */
function ramNames(p: Principal): string[] {
  const own = p.kind === 'user' ? `acs:ram::${p.accountId}:user/${p.userName}` : p.kind === 'role' ? `acs:ram::${p.accountId}:role/${p.roleName}` : undefined;
  return [`acs:ram::${p.accountId}:root`, p.accountId, ...(own ? [own] : [])];
}

export function trustsPrincipal(doc: string, principal: Principal): boolean {
  return trustsRamPrincipal(doc, ramNames(principal));
}

// ---- actions ----

const err = (code: string, status: number, message: string) => new SandboxError(code, status, message);

function getCallerIdentity(ctx: RpcContext): RpcBody {
  const p = ctx.principal;
  const base = { AccountId: ctx.accountId, Arn: p.arn };
  switch (p.kind) {
    case 'root':
      return { ...base, IdentityType: 'Account', UserId: ctx.accountId, PrincipalId: ctx.accountId };
    case 'user': {
      const userId = ctx.state.users.get(p.userName)?.userId ?? p.userName;
      return { ...base, IdentityType: 'RAMUser', UserId: userId, PrincipalId: userId };
    }
    case 'role': {
      const roleId = findRole(ctx.state, p.roleName)?.roleId ?? p.roleName;
      const id = `${roleId}:${p.sessionName}`;
      return { ...base, IdentityType: 'AssumedRoleUser', UserId: id, PrincipalId: id, RoleId: roleId };
    }
  }
}

function assumeRole(ctx: RpcContext): RpcBody {
  if (ctx.principal.kind === 'root') { throw err('NoPermission', 403, 'Roles may not be assumed by root accounts.'); }
  const arn = ctx.params.required('RoleArn');
  const m = /^acs:ram::(\d+):role\/([^/]+)$/i.exec(arn);
  if (!m) { throw err('InvalidParameter.RoleArn', 400, 'The parameter RoleArn is wrongly formed.'); }
  const sessionName = ctx.params.required('RoleSessionName');
  if (!/^[\w.@-]{2,64}$/.test(sessionName)) { throw err('InvalidParameter.RoleSessionName', 400, 'The parameter RoleSessionName is wrongly formed.'); }
  // STS sees roles as they have propagated, not as RAM already answers (propagation.ts).
  const role = m[1] === ctx.accountId ? visibleRole(ctx.state, m[2]) : undefined;
  if (!role) { throw err('EntityNotExist.Role', 404, `The role not exists: ${arn}.`); }
  // One message for both causes, as the real service gives: no sts:AssumeRole, or no trust.
  if (!ctx.allows('sts:AssumeRole', roleArn(ctx.accountId, role.roleName)) || !trustsPrincipal(role.assumeRolePolicyDocument, ctx.principal)) {
    throw err('NoPermission', 403, 'No permission perform sts:AssumeRole on this Role. Maybe you are not authorized to perform sts:AssumeRole or the specified role does not trust you');
  }
  const duration = ctx.params.int('DurationSeconds', {
    min: 900, max: role.maxSessionDuration,
    invalid: () => err('InvalidParameter.DurationSeconds', 400, `The Min/Max value of DurationSeconds is 15min/${role.maxSessionDuration / 3600}hr.`),
  }) ?? 3600;
  const policy = ctx.params.str('Policy');
  if (policy !== undefined && (policy.length > 2048 || policyDocumentProblem(policy, 'permission', realismOf(ctx.state).ramGrammar))) {
    throw err('InvalidParameter.PolicyGrammar', 400, 'The parameter Policy has not passed grammar check.');
  }
  const session = issueSession(ctx.state, role.roleName, sessionName, Math.min(duration, role.maxSessionDuration));
  if (policy !== undefined) { session.policy = policy; }
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId, AccessKeySecret: session.accessKeySecret,
      SecurityToken: session.securityToken, Expiration: isoSeconds(session.expiresAt),
    },
    AssumedRoleUser: { Arn: `${roleArn(ctx.accountId, role.roleName)}/${sessionName}`, AssumedRoleId: `${role.roleId}:${sessionName}` },
  };
}

// Both check their own permissions: GetCallerIdentity needs none, AssumeRole has its own messages.
const actions: Record<string, RpcAction> = {
  GetCallerIdentity: { resources: () => [], handle: getCallerIdentity },
  AssumeRole: { resources: () => [], handle: assumeRole },
};

export const stsProduct: RpcProduct = {
  name: 'sts',
  version: '2015-04-01',
  hostId: 'sts.aliyuncs.com',
  productCode: 'Sts',
  actions,
  defaultResource: (ctx) => `acs:ram::${ctx.accountId}:*`,
  denied: { code: 'NoPermission', status: 403, message: 'You are not authorized to do this action. You should be authorized by RAM.' },
};
