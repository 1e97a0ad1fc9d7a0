/**
 * STS 2015-04-01: GetCallerIdentity, AssumeRole and AssumeRoleWithOIDC, plus the trust-policy checks ECS shares (is a
 * role assumable by the ECS service; does it trust this RAM principal). Messages follow the STS
 * troubleshooting doc (help doc-detail/42775).
 */
import { createPublicKey, verify } from 'node:crypto';
import { roleArn } from '../../policy/builders';
import { trustsFederated, trustsRamPrincipal } from '../../policy/trust';
import { SandboxError } from '../core/errors';
import type { Principal } from '../core/principal';
import { findRole, policyDocumentProblem } from './ram';
import { visibleRole } from '../core/propagation';
import { realismOf } from '../core/realism';
import type { RpcAction, RpcBody, RpcContext, RpcProduct } from './product';
import { issueSession } from './sessions';
import { isoSeconds, type OidcProvider, type SandboxState } from '../core/state';

// ---- trust policies ----

/**
 * The names a trust policy may use for this caller in Principal.RAM: the account (as
 * `acs:ram::<id>:root` or the bare id) trusts every RAM user and role of it; or the exact user/role.
 */
function ramNames(p: Principal): string[] {
  const own =
    p.kind === 'user'
      ? `acs:ram::${p.accountId}:user/${p.userName}`
      : p.kind === 'role'
        ? `acs:ram::${p.accountId}:role/${p.roleName}`
        : undefined;
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
  if (ctx.principal.kind === 'root') {
    throw err('NoPermission', 403, 'Roles may not be assumed by root accounts.');
  }
  const arn = ctx.params.required('RoleArn');
  const m = /^acs:ram::(\d+):role\/([^/]+)$/i.exec(arn);
  if (!m) {
    throw err('InvalidParameter.RoleArn', 400, 'The parameter RoleArn is wrongly formed.');
  }
  const sessionName = ctx.params.required('RoleSessionName');
  if (!/^[\w.@-]{2,64}$/.test(sessionName)) {
    throw err('InvalidParameter.RoleSessionName', 400, 'The parameter RoleSessionName is wrongly formed.');
  }
  // STS sees roles as they have propagated, not as RAM already answers (propagation.ts).
  const role = m[1] === ctx.accountId ? visibleRole(ctx.state, m[2]) : undefined;
  if (!role) {
    throw err('EntityNotExist.Role', 404, `The role not exists: ${arn}.`);
  }
  // Two causes, two texts. Without sts:AssumeRole on the role: the RAM refusal every product
  // documents ("You are not authorized to do this action. You should be authorized by RAM.", STS
  // AssumeRole common errors, alibabacloud.com/help/doc-detail/42775). A trust policy that does not
  // name the caller: the text the service gives for it (not in the reference: docs/SANDBOX.md).
  if (!ctx.allows('sts:AssumeRole', roleArn(ctx.accountId, role.roleName))) {
    throw err('NoPermission', 403, 'You are not authorized to do this action. You should be authorized by RAM.');
  }
  if (!trustsPrincipal(role.assumeRolePolicyDocument, ctx.principal)) {
    throw err(
      'NoPermission',
      403,
      'No permission perform sts:AssumeRole on this Role. Maybe you are not authorized to perform sts:AssumeRole or the specified role does not trust you',
    );
  }
  const duration =
    ctx.params.int('DurationSeconds', {
      min: 900,
      max: role.maxSessionDuration,
      invalid: () =>
        err(
          'InvalidParameter.DurationSeconds',
          400,
          `The Min/Max value of DurationSeconds is 15min/${role.maxSessionDuration / 3600}hr.`,
        ),
    }) ?? 3600;
  const policy = ctx.params.str('Policy');
  if (
    policy !== undefined &&
    (policy.length > 2048 || policyDocumentProblem(policy, 'permission', realismOf(ctx.state).ramGrammar))
  ) {
    throw err('InvalidParameter.PolicyGrammar', 400, 'The parameter Policy has not passed grammar check.');
  }
  const session = issueSession(ctx.state, role.roleName, sessionName, Math.min(duration, role.maxSessionDuration));
  if (policy !== undefined) {
    session.policy = policy;
  }
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      AccessKeySecret: session.accessKeySecret,
      SecurityToken: session.securityToken,
      Expiration: isoSeconds(session.expiresAt),
    },
    AssumedRoleUser: {
      Arn: `${roleArn(ctx.accountId, role.roleName)}/${sessionName}`,
      AssumedRoleId: `${role.roleId}:${sessionName}`,
    },
  };
}

// ---- OIDC ----

/** Registers (or replaces) an OIDC identity provider, as RAM CreateOIDCProvider would. */
export function registerOidcProvider(state: SandboxState, provider: Omit<OidcProvider, 'createDate'>): string {
  state.oidcProviders ??= new Map();
  state.oidcProviders.set(provider.name, { ...provider, createDate: isoSeconds(Date.now()) });
  return `acs:ram::${state.accountId}:oidc-provider/${provider.name}`;
}

// Codes and messages from the STS error code list (help.aliyun.com/zh/ram/developer-reference/api-sts-2015-04-01-errorcodes);
// every OIDC refusal there is a 401.
const oidcErr = (code: string, message: string) => err(code, 401, message);
const invalidJwt = () =>
  oidcErr('AuthenticationFail.OIDCToken.Invalid', 'The Jwt content is invalid that cannot be recognized.');

function decodeSegment(segment: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return v as Record<string, unknown>;
    }
  } catch {
    /* below */
  }
  throw oidcErr('AuthenticationFail.OIDCToken.Invalid', 'Cannot decode base64 encoded response(format invalided).');
}

/** Checks the token as STS does: shape, provider, signature (RS256), expiry, issuer, audience. */
function verifyOidcToken(
  ctx: RpcContext,
  provider: OidcProvider,
  token: string,
): { claims: Record<string, unknown>; header: Record<string, unknown> } {
  const parts = token.split('.');
  if (parts.length !== 3) {
    throw oidcErr(
      'AuthenticationFail.OIDCToken.Invalid',
      "The number of Jwt field should be divided into 3 parts with '.' .",
    );
  }
  const header = decodeSegment(parts[0]);
  const claims = decodeSegment(parts[1]);
  if (header.alg !== 'RS256') {
    throw oidcErr(
      'AuthenticationFail.OIDCToken.Invalid',
      `The algorithm ${String(header.alg)} that be specified in Jwt header is unknown.`,
    );
  }
  const key =
    provider.keys.find((k) => (k as { kid?: string }).kid === header.kid) ??
    (provider.keys.length === 1 && header.kid === undefined ? provider.keys[0] : undefined);
  const signature = Buffer.from(parts[2], 'base64url');
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  let valid: boolean;
  try {
    valid = !!key && verify('RSA-SHA256', signed, createPublicKey({ key: key as never, format: 'jwk' }), signature);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw oidcErr('AuthenticationFail.OIDCToken.InvalidSignature', 'OIDC token validate failed: invalid signature.');
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= ctx.now()) {
    throw oidcErr('AuthenticationFail.OIDCToken.Expired', 'This JsonWebToken is expired.');
  }
  // The list documents no code for a foreign issuer; a token the provider did not issue is one STS cannot recognize.
  if (claims.iss !== provider.issuerUrl) {
    throw invalidJwt();
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && provider.clientIds.includes(a))) {
    throw oidcErr('AuthenticationFail.OIDCToken.AudienceNotMatch', 'Invalid audience.');
  }
  return { claims, header };
}

/**
 * AssumeRoleWithOIDC (help doc-detail/327161): anonymous, like the SDK's authType "Anonymous";
 * the token is the proof. The role must trust the provider (Principal.Federated).
 */
function assumeRoleWithOidc(ctx: RpcContext): RpcBody {
  const providerArn = ctx.params.required('OIDCProviderArn');
  const arn = ctx.params.required('RoleArn');
  const token = ctx.params.str('OIDCToken');
  if (!token) {
    throw oidcErr('AuthenticationFail.OIDCToken.Invalid', 'The OIDCToken can not empty.');
  }
  if (token.length < 4 || token.length > 20000) {
    throw err('InvalidParameter.OIDCToken', 400, 'The parameter OIDCToken is wrongly formed.');
  }
  const sessionName = ctx.params.required('RoleSessionName');
  if (!/^[\w.@-]{2,64}$/.test(sessionName)) {
    throw err('InvalidParameter.RoleSessionName', 400, 'The parameter RoleSessionName is wrongly formed.');
  }
  const pm = /^acs:ram::(\d+):oidc-provider\/([^/]+)$/i.exec(providerArn);
  const provider = pm && pm[1] === ctx.accountId ? ctx.state.oidcProviders?.get(pm[2]) : undefined;
  if (!provider) {
    throw oidcErr('AuthenticationFail.NoPermission', 'No such OIDC Provider registered.');
  }
  const m = /^acs:ram::(\d+):role\/([^/]+)$/i.exec(arn);
  if (!m) {
    throw err('InvalidParameter.RoleArn', 400, 'The parameter RoleArn is wrongly formed.');
  }
  const { claims } = verifyOidcToken(ctx, provider, token);
  const role = m[1] === ctx.accountId ? visibleRole(ctx.state, m[2]) : undefined;
  if (!role) {
    throw err('EntityNotExist.Role', 404, `The role not exists: ${arn}.`);
  }
  if (!trustsFederated(role.assumeRolePolicyDocument, providerArn)) {
    throw oidcErr('AuthenticationFail.NoPermission', 'There is no permission');
  }
  const duration =
    ctx.params.int('DurationSeconds', {
      min: 900,
      max: role.maxSessionDuration,
      invalid: () =>
        err(
          'InvalidParameter.DurationSeconds',
          400,
          `The Min/Max value of DurationSeconds is 15min/${role.maxSessionDuration / 3600}hr.`,
        ),
    }) ?? 3600;
  const session = issueSession(ctx.state, role.roleName, sessionName, duration);
  const aud = Array.isArray(claims.aud) ? claims.aud.join(',') : String(claims.aud);
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      AccessKeySecret: session.accessKeySecret,
      SecurityToken: session.securityToken,
      Expiration: isoSeconds(session.expiresAt),
    },
    AssumedRoleUser: {
      Arn: `${roleArn(ctx.accountId, role.roleName)}/${sessionName}`,
      AssumedRoleId: `${role.roleId}:${sessionName}`,
    },
    OIDCTokenInfo: {
      Issuer: String(claims.iss),
      Subject: String(claims.sub ?? ''),
      ClientIds: aud,
      IssuanceTime: typeof claims.iat === 'number' ? isoSeconds(claims.iat * 1000) : undefined,
      ExpirationTime: isoSeconds((claims.exp as number) * 1000),
    },
  };
}

// Both check their own permissions: GetCallerIdentity needs none, AssumeRole has its own messages.
const actions: Record<string, RpcAction> = {
  GetCallerIdentity: { resources: () => [], handle: getCallerIdentity },
  AssumeRole: { resources: () => [], handle: assumeRole },
  AssumeRoleWithOIDC: { resources: () => [], handle: assumeRoleWithOidc, anonymous: true },
};

export const stsProduct: RpcProduct = {
  name: 'sts',
  version: '2015-04-01',
  hostId: 'sts.aliyuncs.com',
  productCode: 'Sts',
  actions,
  defaultResource: (ctx) => `acs:ram::${ctx.accountId}:*`,
  denied: {
    code: 'NoPermission',
    status: 403,
    message: 'You are not authorized to do this action. You should be authorized by RAM.',
  },
};
