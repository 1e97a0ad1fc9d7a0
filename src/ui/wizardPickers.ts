/**
 * Pickers the RAM/ECS commands and the setup wizard share: roles ECS can use, policy templates,
 * buckets (listed, or typed when listing is not allowed), and instances with their current role
 * (classic ones listed but marked, so the user learns why they cannot be used).
 */
import * as vscode from 'vscode';
import type { Cloud } from '../cloud';
import type { EcsInstance } from '../cloud/ecs';
import { validatePolicyName, validateRoleName } from '../cloud/names';
import { isBucketName } from '../cloud/ossLocation';
import { collectAll, mapLimit } from '../cloud/paging';
import type { Role } from '../cloud/ram';
import type { TemplateId } from '../policy/templates';
import { trustsEcs } from '../setup/instanceRole';
import { visibleRegions } from './settings';
import type { Prompter } from './prompt';

/** Roles whose trust policy lets ECS assume them (ListRoles omits trust policies, so each is read). */
export async function listEcsRoles(cloud: Cloud): Promise<Role[]> {
  const roles = await collectAll((m) => cloud.ram.listRoles(m, 100));
  const full = await mapLimit(roles, 8, (r) => cloud.ram.getRole(r.roleName).catch(() => r));
  return full.filter((r) => trustsEcs(r.trustPolicy));
}

export const NEW = '$new';

/** An ECS-trusted role; with `allowNew`, "Create a new role…" returns NEW. */
export async function pickEcsRole(prompt: Prompter, cloud: Cloud, title: string, allowNew = false): Promise<string> {
  const items = listEcsRoles(cloud).then((roles) => [
    ...(allowNew ? [{ label: `$(add) ${vscode.l10n.t('Create a new role…')}`, description: vscode.l10n.t('trusted by ECS'), value: NEW }] : []),
    ...roles.map((r) => ({ label: r.roleName, description: r.description, detail: r.arn, value: r.roleName })),
  ]);
  const item = await prompt.pick(items, { title, placeHolder: vscode.l10n.t('Select a role that ECS instances can assume'), matchOnDescription: true });
  return item.value;
}

export async function askRoleName(prompt: Prompter, title: string, value = 'EcsInstanceRole'): Promise<string> {
  return (await prompt.input({
    title, prompt: vscode.l10n.t('Role name (letters, digits, "." and "-", at most 64)'), value,
    validateInput: (v) => validateRoleName(v.trim()),
  })).trim();
}

export async function askPolicyName(prompt: Prompter, title: string, value: string): Promise<string> {
  return (await prompt.input({
    title, prompt: vscode.l10n.t('Policy name (letters, digits and "-", at most 128)'), value,
    validateInput: (v) => validatePolicyName(v.trim()),
  })).trim();
}

// ---- policy templates -------------------------------------------------------------------------

export interface TemplateItem extends vscode.QuickPickItem { id: TemplateId }

export function templateItems(includeCustom: boolean): TemplateItem[] {
  const items: TemplateItem[] = [
    { id: 'ossReadOnly', label: vscode.l10n.t('OSS read-only (all buckets)'), description: 'oss:Get*, oss:List*', detail: vscode.l10n.t('The documented example: read every bucket and object, write nothing.') },
    { id: 'ossReadOnlyBucket', label: vscode.l10n.t('OSS read-only on one bucket'), description: 'oss:Get*, oss:List*', detail: vscode.l10n.t('Read one bucket; other buckets are only listed by name.') },
    { id: 'ossReadWrite', label: vscode.l10n.t('OSS read-write on one bucket or prefix'), description: 'oss:GetObject, oss:PutObject, oss:DeleteObject…', detail: vscode.l10n.t('Read and write objects in one bucket, optionally under a prefix such as "logs/".') },
  ];
  if (includeCustom) {
    items.push({ id: 'custom', label: vscode.l10n.t('Custom'), description: vscode.l10n.t('start from a skeleton'), detail: vscode.l10n.t('Write the document yourself; the editor checks it as you type.') });
  }
  return items;
}

export const validateBucketName = (v: string): string | undefined =>
  isBucketName(v) ? undefined : vscode.l10n.t('A bucket name has 3 to 63 lower-case letters, digits and "-", and starts and ends with a letter or digit.');

/** A bucket from ListBuckets, or typed (when listing is not allowed or the bucket is elsewhere). */
export async function pickBucket(prompt: Prompter, cloud: Cloud, title: string): Promise<string> {
  const TYPE = '$type';
  const buckets = collectAll((m) => cloud.oss.listBuckets(m, 100), 10).catch(() => []);
  const item = await prompt.pick(buckets.then((bs) => [
    ...bs.map((b) => ({ label: b.name, description: b.region, value: b.name })),
    { label: `$(edit) ${vscode.l10n.t('Type a bucket name…')}`, description: '', value: TYPE },
  ]), { title, placeHolder: vscode.l10n.t('Which bucket may the role use?') });
  if (item.value !== TYPE) { return item.value; }
  return (await prompt.input({ title, prompt: vscode.l10n.t('Bucket name'), validateInput: (v) => validateBucketName(v.trim()) })).trim();
}

export async function askPrefix(prompt: Prompter, title: string): Promise<string> {
  return (await prompt.input({
    title, prompt: vscode.l10n.t('Prefix inside the bucket (empty: the whole bucket)'), placeHolder: 'logs/',
    validateInput: (v) => (/^[^*?]*$/.test(v) ? undefined : vscode.l10n.t('Wildcards are added for you; type a plain prefix.')),
  })).trim().replace(/^\/+/, '');
}

// ---- instances --------------------------------------------------------------------------------

/** Instances in the visible regions with their attached role (ECS returns roles separately). */
export async function listInstancesWithRoles(cloud: Cloud, defaultRegion: string): Promise<EcsInstance[]> {
  const perRegion = await Promise.all(visibleRegions(defaultRegion).map(async (regionId) => {
    const items = await collectAll((t) => cloud.ecs.listInstances(regionId, t, 100), 20);
    const vpc = items.filter((i) => i.networkType === 'vpc').map((i) => i.instanceId);
    const roles = vpc.length ? await cloud.ecs.describeInstanceRoles(regionId, vpc) : new Map<string, string>();
    return items.map((i) => ({ ...i, ramRoleName: roles.get(i.instanceId) }));
  }));
  return perRegion.flat();
}

export function instanceItem(i: EcsInstance): vscode.QuickPickItem & { instance: EcsInstance } {
  const role = i.networkType !== 'vpc' ? vscode.l10n.t('classic network: RAM roles need a VPC instance')
    : i.ramRoleName ? vscode.l10n.t('role: {0}', i.ramRoleName) : vscode.l10n.t('no role');
  const unavailable = i.networkType !== 'vpc' ? ` · ${vscode.l10n.t('unavailable')}` : '';
  return { label: `${i.networkType === 'vpc' ? '$(vm)' : '$(circle-slash)'} ${i.instanceName || i.instanceId}`, description: `${i.instanceId} · ${i.regionId}${unavailable}`, detail: `${i.status} · ${role}`, instance: i };
}
