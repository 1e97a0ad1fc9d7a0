/**
 * Trust policies: may a principal assume the role? Some Allow statement for sts:AssumeRole names
 * it and no Deny statement does (conditions are not evaluated). One implementation for the tree's
 * ECS badge, the wizard's plan and the sandbox's AttachInstanceRamRole/AssumeRole checks.
 */
import { asList, statementsOf } from './evaluate';
import { matchWildcard } from './match';

type PrincipalBlock = Record<string, unknown>;

function parse(doc: string | undefined): unknown {
  if (!doc) {
    return undefined;
  }
  try {
    return JSON.parse(doc);
  } catch {
    return undefined;
  }
}

export function trusts(doc: string | undefined, principalMatches: (principal: PrincipalBlock) => boolean): boolean {
  let allowed = false;
  for (const st of statementsOf(parse(doc))) {
    if (!asList(st.Action).some((a) => matchWildcard(a, 'sts:AssumeRole', true))) {
      continue;
    }
    const p = st.Principal as unknown;
    const hit = p === '*' || (!!p && typeof p === 'object' && principalMatches(p as PrincipalBlock));
    if (!hit) {
      continue;
    }
    if (st.Effect === 'Deny') {
      return false;
    }
    if (st.Effect === 'Allow') {
      allowed = true;
    }
  }
  return allowed;
}

/** A service role, e.g. one ECS can hand to instances: Principal.Service contains the service. */
export function trustsService(doc: string | undefined, service: string): boolean {
  return trusts(doc, (p) => asList(p.Service).some((s) => s.toLowerCase() === service.toLowerCase()));
}

/** Trusted by any of these RAM principal names (account root, user or role ARNs; wildcards allowed). */
export function trustsRamPrincipal(doc: string | undefined, names: string[]): boolean {
  return trusts(doc, (p) => asList(p.RAM).some((pattern) => names.some((n) => matchWildcard(pattern, n, true))));
}

/** Trusted by this identity provider (Principal.Federated holds its ARN, e.g. `acs:ram::<id>:oidc-provider/<name>`). */
export function trustsFederated(doc: string | undefined, providerArn: string): boolean {
  return trusts(doc, (p) => asList(p.Federated).some((pattern) => matchWildcard(pattern, providerArn, true)));
}
