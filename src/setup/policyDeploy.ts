/**
 * Deploying an edited policy or trust policy, as reads first and one explicit write after the user
 * confirmed: `planPolicyVersion` says what is live, who is affected and whether RAM's limit of 5
 * versions forces a deletion; `applyPolicyVersion` deletes only the version the user chose, then
 * creates the new default. `planTrustUpdate` says which trusted services an edit removes and which
 * instances use the role, so removing ECS can be warned about by name.
 */
import type { Cloud } from '../cloud';
import type { EcsInstance } from '../cloud/ecs';
import { isCloudError } from '../cloud/errors';
import { collectAll } from '../cloud/paging';
import type { PolicyEntities, PolicyVersionInfo, RamApi } from '../cloud/ram';
import { ECS_SERVICE } from '../policy/builders';
import { trustsService } from '../policy/trust';

/** RAM keeps at most this many versions of a custom policy (RAM "Limits": 5 versions per policy). */
export const MAX_POLICY_VERSIONS = 5;

export interface PolicyVersionPlan {
  policyName: string;
  /** The live default version; undefined when the policy does not exist yet. */
  current?: { versionId: string; document: string };
  versions: PolicyVersionInfo[];
  /** Non-default versions, oldest first: the ones that may be deleted to make room. */
  deletable: PolicyVersionInfo[];
  /** True when a version must be deleted before a new one fits. */
  atLimit: boolean;
  entities: PolicyEntities;
}

const versionNumber = (v: { versionId: string }) => Number(v.versionId.replace(/^v/, '')) || 0;

export async function planPolicyVersion(ram: RamApi, policyName: string): Promise<PolicyVersionPlan> {
  let current: PolicyVersionPlan['current'];
  try {
    const p = await ram.getPolicy(policyName, 'Custom');
    current = { versionId: p.policy.defaultVersion, document: p.document };
  } catch (e) {
    if (!isCloudError(e, 'EntityNotExist.Policy')) {
      throw e;
    }
    return { policyName, versions: [], deletable: [], atLimit: false, entities: { roles: [], users: [], groups: [] } };
  }
  const [versions, entities] = await Promise.all([
    ram.listPolicyVersions(policyName, 'Custom'),
    ram.listEntitiesForPolicy(policyName, 'Custom'),
  ]);
  const deletable = versions.filter((v) => !v.isDefault).sort((a, b) => versionNumber(a) - versionNumber(b));
  return { policyName, current, versions, deletable, atLimit: versions.length >= MAX_POLICY_VERSIONS, entities };
}

/**
 * Deletes `deleteVersion` (when given) and creates the new default version. RAM is asked to rotate
 * nothing, so if another writer filled the slot meanwhile this fails instead of deleting a version
 * nobody chose.
 */
export async function applyPolicyVersion(
  ram: RamApi,
  policyName: string,
  document: string,
  deleteVersion?: string,
): Promise<PolicyVersionInfo> {
  if (deleteVersion) {
    await ram.deletePolicyVersion(policyName, deleteVersion);
  }
  return ram.createPolicyVersion(policyName, document, true);
}

export interface TrustPlan {
  roleName: string;
  current: string;
  /** True when the edit stops ECS from handing the role to instances. */
  removesEcs: boolean;
  /** Instances with this role attached (only looked up when `removesEcs`). */
  instances: EcsInstance[];
}

export async function planTrustUpdate(
  cloud: Cloud,
  roleName: string,
  next: string,
  regions: string[],
): Promise<TrustPlan> {
  const current = (await cloud.ram.getRole(roleName)).trustPolicy ?? '';
  const removesEcs = trustsService(current, ECS_SERVICE) && !trustsService(next, ECS_SERVICE);
  const instances = removesEcs ? await instancesUsingRole(cloud, roleName, regions) : [];
  return { roleName, current, removesEcs, instances };
}

/** VPC instances in `regions` whose attached RAM role is `roleName` (case-insensitive, as RAM names are). */
export async function instancesUsingRole(cloud: Cloud, roleName: string, regions: string[]): Promise<EcsInstance[]> {
  const perRegion = await Promise.all(
    regions.map(async (regionId) => {
      const items = (await collectAll((t) => cloud.ecs.listInstances(regionId, t, 100), 20)).filter(
        (i) => i.networkType === 'vpc',
      );
      if (!items.length) {
        return [];
      }
      const roles = await cloud.ecs.describeInstanceRoles(
        regionId,
        items.map((i) => i.instanceId),
      );
      return items
        .filter((i) => roles.get(i.instanceId)?.toLowerCase() === roleName.toLowerCase())
        .map((i) => ({ ...i, ramRoleName: roles.get(i.instanceId) }));
    }),
  );
  return perRegion.flat();
}
