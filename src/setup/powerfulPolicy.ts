/**
 * What attaching a policy to an ECS instance role would let every program on those instances do,
 * when that is a lot: everything (`*:*`, AdministratorAccess) or RAM itself (`ram:*`: create users
 * and AccessKeys, attach any policy to anything, so in effect everything as well). Decided by the
 * same evaluator as Check Access, on probe requests, so `ram:*`, `*`, `ram:Create*`+`ram:Attach*`
 * and NotAction forms are all caught.
 */
import type { Cloud } from '../cloud';
import type { PolicyType } from '../cloud/ram';
import { evaluate } from '../policy/evaluate';
import type { NamedPolicy, PolicyDocument } from '../policy/types';
import { trustsEcs } from './instanceRole';

export type PowerfulGrant = 'everything' | 'ram';

const allows = (p: NamedPolicy, action: string, resource: string) =>
  evaluate([p], { action, resource }).effect === 'Allow';

/** The powerful grants of one policy document, strongest first; empty for an ordinary policy. */
export function powerfulGrants(p: NamedPolicy): PowerfulGrant[] {
  // Actions of unrelated services on any resource: a policy that allows all of them allows everything.
  const everything = [
    ['ecs:DeleteInstance', 'acs:ecs:*:*:instance/*'],
    ['oss:DeleteBucket', 'acs:oss:*:*:any-bucket'],
    ['kms:Decrypt', 'acs:kms:*:*:key/*'],
    ['ram:CreateUser', 'acs:ram:*:*:user/*'],
  ].every(([a, r]) => allows(p, a, r));
  if (everything) {
    return ['everything', 'ram'];
  }
  // Escalation: a new user with an AccessKey, or any policy on any role, is as good as everything.
  const ram =
    (allows(p, 'ram:CreateUser', 'acs:ram:*:*:user/*') && allows(p, 'ram:CreateAccessKey', 'acs:ram:*:*:user/*')) ||
    allows(p, 'ram:AttachPolicyToRole', 'acs:ram:*:*:role/*') ||
    allows(p, 'ram:AttachPolicyToUser', 'acs:ram:*:*:user/*');
  return ram ? ['ram'] : [];
}

export interface InstanceRoleRisk {
  roleName: string;
  policyName: string;
  grants: PowerfulGrant[];
}

/**
 * The risk of attaching `policyName` to `roleName`, or undefined when the role is not one ECS can
 * assume or the policy grants nothing powerful. Unreadable role or policy: undefined (the attach
 * call itself will say what is wrong).
 */
export async function instanceRoleRisk(
  cloud: Cloud,
  roleName: string,
  policyName: string,
  policyType: PolicyType,
): Promise<InstanceRoleRisk | undefined> {
  try {
    const role = await cloud.ram.getRole(roleName);
    if (!trustsEcs(role.trustPolicy)) {
      return undefined;
    }
  } catch {
    return undefined;
  }
  return ecsRolePolicyRisk(cloud, roleName, policyName, policyType);
}

/**
 * The same risk when the caller already knows ECS will assume the role (the set-up wizard makes
 * its role trust ECS, and the role may not exist yet). `document` is a policy not yet created;
 * without it the policy is read from RAM, and an unreadable one is undefined.
 */
export async function ecsRolePolicyRisk(
  cloud: Cloud,
  roleName: string,
  policyName: string,
  policyType: PolicyType,
  document?: string,
): Promise<InstanceRoleRisk | undefined> {
  let doc: PolicyDocument;
  try {
    doc = JSON.parse(document ?? (await cloud.ram.getPolicy(policyName, policyType)).document) as PolicyDocument;
  } catch {
    return undefined;
  }
  const grants = powerfulGrants({ name: policyName, type: policyType, document: doc });
  return grants.length ? { roleName, policyName, grants } : undefined;
}
