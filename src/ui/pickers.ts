/**
 * Quick picks for what a tree node would otherwise give a command: role, policy, instance,
 * region, RAM user. Each lists every page (bounded) so the palette sees what the tree sees.
 */
import * as vscode from 'vscode';
import type { Cloud } from '../cloud';
import type { EcsInstance } from '../cloud/ecs';
import { collectAll } from '../cloud/paging';
import type { PolicyType } from '../cloud/ram';
import { visibleRegions } from './settings';
import type { Prompter } from './prompt';

export async function pickRole(prompt: Prompter, cloud: Cloud, title: string): Promise<string> {
  const roles = collectAll((m) => cloud.ram.listRoles(m, 100));
  const item = await prompt.pick(roles.then((rs) => rs.map((r) => ({ label: r.roleName, description: r.description }))), { title, placeHolder: vscode.l10n.t('Select a RAM role') });
  return item.label;
}

export async function pickPolicy(prompt: Prompter, cloud: Cloud, title: string, type?: PolicyType): Promise<{ policyName: string; policyType: PolicyType }> {
  const policies = collectAll((m) => cloud.ram.listPolicies(type, m, 100));
  const item = await prompt.pick(policies.then((ps) => ps.map((p) => ({ label: p.policyName, description: p.policyType, detail: p.description, type: p.policyType }))), {
    title, placeHolder: vscode.l10n.t('Select a policy'), matchOnDetail: true,
  });
  return { policyName: item.label, policyType: item.type };
}

export async function pickInstance(prompt: Prompter, cloud: Cloud, title: string, defaultRegion: string, filter: (i: EcsInstance) => boolean = () => true): Promise<EcsInstance> {
  const regions = visibleRegions(defaultRegion);
  const all = Promise.all(regions.map((r) => collectAll((t) => cloud.ecs.listInstances(r, t, 100), 20))).then((xs) => xs.flat().filter(filter));
  const item = await prompt.pick(all.then((is) => is.map((i) => ({
    label: i.instanceName || i.instanceId, description: `${i.instanceId} · ${i.regionId}`, detail: `${i.status} · ${i.networkType}`, instance: i,
  }))), { title, placeHolder: vscode.l10n.t('Select an ECS instance'), matchOnDescription: true });
  return item.instance;
}

export async function pickUser(prompt: Prompter, cloud: Cloud, title: string): Promise<string> {
  const users = collectAll((m) => cloud.ram.listUsers(m, 100));
  const item = await prompt.pick(users.then((us) => us.map((u) => ({ label: u.userName, description: u.displayName }))), { title, placeHolder: vscode.l10n.t('Select a RAM user') });
  return item.label;
}
