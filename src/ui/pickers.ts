/**
 * Quick picks for what a tree node would otherwise give a command: role, policy, instance,
 * region, RAM user. Each lists every page (bounded) so the palette sees what the tree sees.
 */
import * as vscode from 'vscode';
import type { Cloud } from '../cloud';
import type { EcsInstance } from '../cloud/ecs';
import { collectAll, type Page } from '../cloud/paging';
import type { PolicyType } from '../cloud/ram';
import { ecsRegions } from './settings';
import { UserCancelled } from './errorFunnel';
import type { Prompter } from './prompt';

export async function pickRole(prompt: Prompter, cloud: Cloud, title: string): Promise<string> {
  const roles = collectAll((m) => cloud.ram.listRoles(m, 100));
  const item = await prompt.pick(
    roles.then((rs) => rs.map((r) => ({ label: r.roleName, description: r.description }))),
    { title, placeHolder: vscode.l10n.t('Select a RAM role') },
  );
  return item.label;
}

export async function pickPolicy(
  prompt: Prompter,
  cloud: Cloud,
  title: string,
  type?: PolicyType,
  /** Policies already on the target (a role): marked, so the user sees what attaching would not change. */
  attached?: Promise<ReadonlyArray<{ policyName: string; policyType: PolicyType }>>,
): Promise<{ policyName: string; policyType: PolicyType }> {
  const policies = collectAll((m) => cloud.ram.listPolicies(type, m, 100));
  const on = (attached ?? Promise.resolve([])).then(
    (list) => new Set(list.map((p) => `${p.policyType}:${p.policyName}`)),
    () => new Set<string>(), // unknown: nothing marked, the attach call still says "already attached"
  );
  const item = await prompt.pick(
    Promise.all([policies, on]).then(([ps, done]) =>
      ps.map((p) => ({
        label: p.policyName,
        description: done.has(`${p.policyType}:${p.policyName}`)
          ? `${p.policyType} · ${vscode.l10n.t('already attached')}`
          : p.policyType,
        detail: p.description,
        type: p.policyType,
      })),
    ),
    {
      title,
      placeHolder: vscode.l10n.t('Select a policy'),
      matchOnDetail: true,
    },
  );
  return { policyName: item.label, policyType: item.type };
}

/**
 * Every instance the ECS view would show (its regions, see ecsRegions), every page (bounded). A
 * region whose probe failed is left out unless every region failed: then its error is thrown.
 */
export async function listVisibleInstances(cloud: Cloud, defaultRegion: string): Promise<EcsInstance[]> {
  const { regions, probes } = await ecsRegions(cloud.ecs, defaultRegion, 100);
  const failed = probes?.filter((p) => p.error) ?? [];
  if (failed.length && failed.length === regions.length) {
    throw failed[0].error;
  }
  const perRegion = await Promise.all(
    regions
      .filter((r) => !failed.some((f) => f.regionId === r))
      .map(async (regionId) => {
        const first: Page<EcsInstance> | undefined = probes?.find((p) => p.regionId === regionId)?.first;
        if (first && !first.next) {
          return first.items;
        }
        const rest = await collectAll((t) => cloud.ecs.listInstances(regionId, t ?? first?.next, 100), 20);
        return [...(first?.items ?? []), ...rest];
      }),
  );
  return perRegion.flat();
}

/**
 * Picks an instance among those the ECS view shows that pass `filter`. When none does, the picker
 * closes and says so, with `why` (e.g. "none is stopped"), instead of showing an empty list.
 */
export async function pickInstance(
  prompt: Prompter,
  cloud: Cloud,
  title: string,
  defaultRegion: string,
  filter: (i: EcsInstance) => boolean = () => true,
  why?: string,
): Promise<EcsInstance> {
  // The picker opens at once (busy while the regions load); an empty result closes it and says so.
  const items = listVisibleInstances(cloud, defaultRegion).then((is) => {
    const fit = is.filter(filter);
    if (!fit.length) {
      throw new NothingToPick(noInstanceMessage([...new Set(is.map((i) => i.regionId))], why));
    }
    return fit.map((i) => ({
      label: i.instanceName || i.instanceId,
      description: `${i.instanceId} · ${i.regionId}`,
      detail: `${i.status} · ${i.networkType}`,
      instance: i,
    }));
  });
  try {
    return (
      await prompt.pick(items, {
        title,
        placeHolder: vscode.l10n.t('Select an ECS instance'),
        matchOnDescription: true,
      })
    ).instance;
  } catch (e) {
    if (!(e instanceof NothingToPick)) {
      throw e;
    }
    void prompt.notify(e.message, []);
    throw new UserCancelled();
  }
}

/** A picker had nothing to offer; its message says where it looked and why nothing fits. */
export class NothingToPick extends Error {}

/** "No instance fits" in words: which regions were looked at and, when given, why none fits. */
export function noInstanceMessage(regions: string[], why?: string): string {
  const where = regions.length ? regions.join(', ') : vscode.l10n.t('any region');
  return why
    ? vscode.l10n.t('No ECS instance to choose in {0}: {1}.', where, why)
    : vscode.l10n.t('No ECS instance in {0}.', where);
}

export async function pickUser(prompt: Prompter, cloud: Cloud, title: string): Promise<string> {
  const users = collectAll((m) => cloud.ram.listUsers(m, 100));
  const item = await prompt.pick(
    users.then((us) => us.map((u) => ({ label: u.userName, description: u.displayName }))),
    { title, placeHolder: vscode.l10n.t('Select a RAM user') },
  );
  return item.label;
}
