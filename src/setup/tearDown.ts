/**
 * Tear Down a role: the reverse of the set-up (instanceRole.ts). The plan reads what exists and
 * lists the calls, in the only order RAM and ECS accept: detach the role from every instance that
 * uses it, detach its policies, delete the custom policies nothing else uses (never a system
 * policy, never one attached elsewhere), delete the role. Applying re-checks each step's
 * precondition, so a re-run after a failure (or after someone else did part of it) only does what
 * is left, and a run on a role that is gone does nothing.
 */
import type { Cloud } from '../cloud';
import { CloudError, isCloudError } from '../cloud/errors';
import { l10n } from '../cloud/l10n';
import { instanceLabel } from '../cloud/names';
import { collectAll } from '../cloud/paging';
import type { PolicyType } from '../cloud/ram';

export type TearDownStep =
  | { kind: 'detachInstance'; title: string; regionId: string; instanceId: string }
  | { kind: 'detachPolicy'; title: string; policyName: string; policyType: PolicyType }
  | { kind: 'deletePolicy'; title: string; policyName: string }
  | { kind: 'deleteRole'; title: string };

export interface KeptPolicy {
  policyName: string;
  policyType: PolicyType;
  reason: 'system' | 'shared';
  usedBy: string[];
}

export interface TearDownPlan {
  roleName: string;
  /** False when the role does not exist (nothing to do, or a re-run after success). */
  exists: boolean;
  steps: TearDownStep[];
  /** Policies detached but not deleted, and why. */
  kept: KeptPolicy[];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Instances in `regions` whose instance role is `roleName`. */
async function instancesUsing(
  cloud: Cloud,
  roleName: string,
  regions: string[],
): Promise<{ regionId: string; instanceId: string; instanceName?: string }[]> {
  const found: { regionId: string; instanceId: string; instanceName?: string }[] = [];
  for (const regionId of regions) {
    const instances = (await collectAll((t) => cloud.ecs.listInstances(regionId, t, 100))).filter(
      (i) => i.networkType === 'vpc',
    );
    if (!instances.length) {
      continue;
    }
    const roles = await cloud.ecs.describeInstanceRoles(
      regionId,
      instances.map((i) => i.instanceId),
    );
    for (const [instanceId, role] of roles) {
      if (same(role, roleName)) {
        found.push({
          regionId,
          instanceId,
          instanceName: instances.find((i) => i.instanceId === instanceId)?.instanceName,
        });
      }
    }
  }
  return found.sort((a, b) => (a.regionId + a.instanceId).localeCompare(b.regionId + b.instanceId));
}

export async function planTearDown(cloud: Cloud, roleName: string, regions: string[]): Promise<TearDownPlan> {
  const plan: TearDownPlan = { roleName, exists: true, steps: [], kept: [] };
  try {
    await cloud.ram.getRole(roleName);
  } catch (e) {
    if (!isCloudError(e, 'EntityNotExist.Role')) {
      throw e;
    }
    plan.exists = false;
    return plan;
  }
  for (const i of await instancesUsing(cloud, roleName, regions)) {
    plan.steps.push({
      kind: 'detachInstance',
      title: l10n.t('Detach {0} from instance {1} ({2})', roleName, instanceLabel(i), i.regionId),
      regionId: i.regionId,
      instanceId: i.instanceId,
    });
  }
  const attached = await cloud.ram.listPoliciesForRole(roleName);
  const deletions: TearDownStep[] = [];
  for (const p of attached) {
    plan.steps.push({
      kind: 'detachPolicy',
      title: l10n.t('Detach {0} policy {1}', p.policyType, p.policyName),
      policyName: p.policyName,
      policyType: p.policyType,
    });
    if (p.policyType === 'System') {
      plan.kept.push({ policyName: p.policyName, policyType: p.policyType, reason: 'system', usedBy: [] });
      continue;
    }
    const e = await cloud.ram.listEntitiesForPolicy(p.policyName, 'Custom');
    const others = [
      ...e.roles.filter((r) => !same(r, roleName)).map((r) => l10n.t('role {0}', r)),
      ...e.users.map((u) => l10n.t('user {0}', u)),
      ...e.groups.map((g) => l10n.t('group {0}', g)),
    ];
    if (others.length) {
      plan.kept.push({ policyName: p.policyName, policyType: 'Custom', reason: 'shared', usedBy: others });
      continue;
    }
    deletions.push({
      kind: 'deletePolicy',
      title: l10n.t('Delete custom policy {0}', p.policyName),
      policyName: p.policyName,
    });
  }
  plan.steps.push(...deletions, { kind: 'deleteRole', title: l10n.t('Delete role {0}', roleName) });
  return plan;
}

/**
 * The confirmation's text. Instances are mentioned only when the plan detaches some, and then each
 * is listed in the steps below the warning.
 */
export function describeTearDown(plan: TearDownPlan): string {
  const instances = plan.steps.filter((st) => st.kind === 'detachInstance').length;
  const warning =
    instances === 0
      ? l10n.t('No instance uses the role. This cannot be undone.')
      : instances === 1
        ? l10n.t(
            "Programs on the instance listed below lose the role's permissions within seconds, as the change reaches ECS and the other services. This cannot be undone.",
          )
        : l10n.t(
            "Programs on the {0} instances listed below lose the role's permissions within seconds, as the change reaches ECS and the other services. This cannot be undone.",
            instances,
          );
  const lines = plan.steps.map((st, i) => `${i + 1}. ${st.title}`);
  for (const k of plan.kept) {
    lines.push(
      k.reason === 'system'
        ? l10n.t('Kept: {0} is a system policy.', k.policyName)
        : l10n.t('Kept: {0} is also attached to {1}.', k.policyName, k.usedBy.join(', ')),
    );
  }
  return `${warning}\n\n${lines.join('\n')}`;
}

export interface TearDownHooks {
  onStep?(step: TearDownStep, index: number, total: number): void;
  isCancelled?(): boolean;
}

/**
 * Runs the plan. "Already done" answers (the instance no longer has the role, the policy is already
 * detached or gone) count as done; anything else stops the run so a re-plan can pick up from there.
 * A policy that became shared since the plan is not deleted (RAM refuses with DeleteConflict).
 */
export async function applyTearDown(
  cloud: Cloud,
  plan: TearDownPlan,
  hooks: TearDownHooks = {},
): Promise<{ done: string[] }> {
  const done: string[] = [];
  for (const [i, step] of plan.steps.entries()) {
    if (hooks.isCancelled?.()) {
      throw new CloudError({ code: 'Cancelled', message: l10n.t('Cancelled before "{0}".', step.title) });
    }
    hooks.onStep?.(step, i, plan.steps.length);
    try {
      switch (step.kind) {
        case 'detachInstance':
          await cloud.ecs.detachRole(step.regionId, step.instanceId, plan.roleName);
          break;
        case 'detachPolicy':
          await cloud.ram.detachPolicyFromRole(plan.roleName, step.policyName, step.policyType);
          break;
        case 'deletePolicy':
          await cloud.ram.deletePolicy(step.policyName);
          break;
        case 'deleteRole':
          await cloud.ram.deleteRole(plan.roleName);
          break;
      }
    } catch (e) {
      if (!isCloudError(e, /^(InvalidRamRole\.NotFound|EntityNotExist\.(Role|Policy|Role\.Policy))$/)) {
        throw e;
      }
    }
    done.push(step.title);
  }
  return { done };
}
