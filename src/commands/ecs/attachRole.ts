/**
 * Attach RAM Role to Instance (VPC only). A classic instance gets the reason and no attach call;
 * an instance that already has a role shows it and offers Replace (detach, then attach). On a
 * multi-selection: one role picker, one confirmation naming every instance (and which are
 * skipped, which replace a role), then each instance on its own, with a summary.
 */
import * as vscode from 'vscode';
import { CloudError } from '../../cloud/errors';
import type { EcsInstance } from '../../cloud/ecs';
import { instanceLabel } from '../../cloud/names';
import { waitForPropagation } from '../../cloud/waiting';
import { ramShowsEcsRole } from '../../setup/instanceRole';
import { withProgress } from '../../ui/progress';
import { classicReason, pickEcsRole, pickInstanceWithRole } from '../../ui/wizard/pickers';
import { InstanceNode } from '../../views/ecsView';
import type { Services } from '../../services/services';
import type { Cloud } from '../../cloud';
import { defineCommand, is } from '../command';
import { instanceArgs, type InstanceInput } from './instanceInput';
import { notify } from '../helpers';
import { bulleted, forEach, showSummary, type ItemResult } from '../selection';

/**
 * The instance a command works on, from its node, an args object, or a quick pick that shows each
 * instance's role and network and explains (then asks again) what `purpose` cannot use.
 */
export async function instanceFor(
  s: Services,
  input: InstanceInput,
  title: string,
  purpose: 'attach' | 'detach' = 'attach',
): Promise<EcsInstance> {
  const { entry, cloud } = await s.cloud();
  const a = input.args;
  const unavailable =
    purpose === 'attach'
      ? classicReason
      : (i: EcsInstance) => classicReason(i) ?? (i.ramRoleName ? undefined : vscode.l10n.t('no role to detach'));
  const instance = input.node
    ? input.node.instance
    : a.instanceId
      ? await cloud.ecs.getInstance(a.regionId ?? entry.regionId, a.instanceId)
      : (
          await pickInstanceWithRole(s.prompt, cloud, title, entry.regionId, {
            placeHolder:
              purpose === 'attach'
                ? vscode.l10n.t('Which instance gets the role?')
                : vscode.l10n.t('Detach the role from which instance?'),
            unavailable,
          })
        ).instance!;
  return (await withCurrentRoles(cloud, [instance]))[0];
}

/**
 * The instances with the role each holds now, rather than what the tree showed a while ago: one
 * DescribeInstanceRamRole per region. Classic instances need no call (ECS refuses it for them).
 */
export async function withCurrentRoles(cloud: Cloud, instances: EcsInstance[]): Promise<EcsInstance[]> {
  const regions = [...new Set(instances.filter((i) => i.networkType === 'vpc').map((i) => i.regionId))];
  const roles = new Map<string, string>();
  for (const regionId of regions) {
    const ids = instances.filter((i) => i.regionId === regionId && i.networkType === 'vpc').map((i) => i.instanceId);
    (await cloud.ecs.describeInstanceRoles(regionId, ids)).forEach((role, id) => roles.set(id, role));
  }
  return instances.map((i) => (i.networkType === 'vpc' ? { ...i, ramRoleName: roles.get(i.instanceId) } : i));
}

export const nameOf = instanceLabel;

/**
 * Puts `roleName` on an instance: detaches the role it holds first (an instance has one role at a
 * time), then attaches, waiting while a role created or changed a moment ago has not reached ECS.
 */
async function putRole(
  cloud: Cloud,
  instance: EcsInstance,
  roleName: string,
  report: (m: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const current = instance.ramRoleName;
  if (current) {
    report(vscode.l10n.t('Detaching {0}…', current));
    await cloud.ecs.detachRole(instance.regionId, instance.instanceId, current);
  }
  report(vscode.l10n.t('Attaching {0}…', roleName));
  await waitForPropagation('ecs', () => cloud.ecs.attachRole(instance.regionId, instance.instanceId, roleName), {
    roleName,
    changes: cloud.session.roleChanges,
    retryIf: ramShowsEcsRole(cloud, roleName),
    signal,
    onProgress: (p) => report(p.message),
  });
}

/** How many policies the role has; undefined when the caller may not read RAM (then no hint). */
async function policyCount(cloud: Cloud, roleName: string): Promise<number | undefined> {
  try {
    return (await cloud.ram.listPoliciesForRole(roleName)).length;
  } catch {
    return undefined;
  }
}

export function refuseClassic(i: EcsInstance): void {
  if (i.networkType !== 'vpc') {
    throw new CloudError({
      code: 'InvalidNetworkType.MismatchRamRole',
      service: 'ecs',
      message: vscode.l10n.t(
        '{0} ({1}) is a classic-network instance; RAM roles can only be attached to VPC instances.',
        i.instanceName || i.instanceId,
        i.instanceId,
      ),
    });
  }
}

export const attachRole = defineCommand({
  id: 'alibabaCloud.ecs.attachRole',
  node: [InstanceNode],
  args: { ...instanceArgs, roleName: is.string },
  run: async (s, input) => {
    const selected = input.nodes;
    if (selected.length > 1) {
      return attachToMany(s, selected, input.args.roleName);
    }
    const a = input.args;
    const title = vscode.l10n.t('Attach RAM Role to Instance');
    const instance = await instanceFor(s, input, title);
    refuseClassic(instance);
    const { cloud } = await s.cloud();
    const roleName =
      a.roleName ??
      (await pickEcsRole(
        s.prompt,
        cloud,
        vscode.l10n.t('Attach which role to {0}?', instance.instanceName || instance.instanceId),
      ));
    const current = instance.ramRoleName;
    if (current?.toLowerCase() === roleName.toLowerCase()) {
      notify(vscode.l10n.t('{0} already has the role {1}; nothing changed.', nameOf(instance), current));
      return { instanceId: instance.instanceId, roleName, changed: false };
    }
    if (current) {
      const replace = vscode.l10n.t('Replace');
      const go =
        (await s.prompt.choose(
          vscode.l10n.t('{0} already has the role {1}.', instance.instanceName || instance.instanceId, current),
          vscode.l10n.t(
            'An instance has one RAM role at a time. Replace detaches {0} (programs on the instance lose its permissions) and attaches {1}.',
            current,
            roleName,
          ),
          [replace],
        )) === replace;
      if (!go) {
        return { instanceId: instance.instanceId, roleName, changed: false };
      }
    }
    try {
      await withProgress(title, (report, signal) => putRole(cloud, instance, roleName, report, signal));
    } finally {
      s.refresh('ecs', input.node?.parent);
    }
    const rolePolicies = await policyCount(cloud, roleName);
    notify(
      rolePolicies === 0
        ? vscode.l10n.t(
            '{0} now has the role {1}, but the role has no policies yet: programs on it get credentials that allow nothing. Attach a policy to the role.',
            nameOf(instance),
            roleName,
          )
        : vscode.l10n.t(
            '{0} now has the role {1}. Programs on it get temporary credentials from the metadata service, with no AccessKey on the machine.',
            nameOf(instance),
            roleName,
          ),
      rolePolicies === 0
        ? {
            [vscode.l10n.t('Attach Policy')]: () =>
              vscode.commands.executeCommand('alibabaCloud.ram.attachPolicy', { roleName }),
          }
        : { [vscode.l10n.t('Copy Instance ID')]: () => vscode.env.clipboard.writeText(instance.instanceId) },
    );
    return { instanceId: instance.instanceId, roleName, changed: true, replaced: current, rolePolicies };
  },
});

/**
 * One role onto several instances. Each instance is sorted first, as the single command does:
 * classic ones cannot take a role, those that have it already need nothing, and those with
 * another role are replaced or skipped, as the one confirmation asks.
 */
async function attachToMany(s: Services, nodes: InstanceNode[], givenRole?: string): Promise<ItemResult[]> {
  const title = vscode.l10n.t('Attach RAM Role to Instance');
  const { cloud } = await s.cloud();
  const instances = await withCurrentRoles(
    cloud,
    nodes.map((n) => n.instance),
  );
  const roleName =
    givenRole ??
    (await pickEcsRole(s.prompt, cloud, vscode.l10n.t('Attach which role to {0} instances?', instances.length)));
  const same = (i: EcsInstance) => i.ramRoleName?.toLowerCase() === roleName.toLowerCase();
  const skipped: ItemResult[] = [];
  for (const i of instances) {
    const why = classicReason(i) ?? (same(i) ? vscode.l10n.t('already has {0}', i.ramRoleName!) : undefined);
    if (why) {
      skipped.push({ name: nameOf(i), ok: false, skipped: why });
    }
  }
  const todo = instances.filter((i) => !classicReason(i) && !same(i));
  const replacing = todo.filter((i) => i.ramRoleName);
  if (!todo.length) {
    return summarize(s, roleName, skipped);
  }
  const detail = [
    bulleted(
      todo.map((i) => (i.ramRoleName ? vscode.l10n.t('{0}: replaces {1}', nameOf(i), i.ramRoleName) : nameOf(i))),
    ),
    skipped.length
      ? `${vscode.l10n.t('Left as they are:')}\n${bulleted(skipped.map((r) => `${r.name}: ${r.skipped}`))}`
      : '',
    replacing.length
      ? vscode.l10n.t(
          'An instance has one RAM role at a time. Replace detaches the role it has (programs on it lose those permissions), then attaches {0}.',
          roleName,
        )
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const attach = vscode.l10n.t('Attach');
  const replace = vscode.l10n.t('Attach and Replace');
  const skipThose =
    replacing.length === 1
      ? vscode.l10n.t('Attach, Skip the One with a Role')
      : vscode.l10n.t('Attach, Skip the {0} with a Role', replacing.length);
  const message =
    todo.length === 1
      ? vscode.l10n.t('Attach role {0} to 1 instance?', roleName)
      : vscode.l10n.t('Attach role {0} to {1} instances?', roleName, todo.length);
  const actions = !replacing.length ? [attach] : replacing.length < todo.length ? [replace, skipThose] : [replace];
  const choice = await s.prompt.choose(message, detail, actions);
  if (!choice) {
    return [];
  }
  const go = choice === skipThose ? todo.filter((i) => !i.ramRoleName) : todo;
  if (choice === skipThose) {
    skipped.push(
      ...replacing.map((i) => ({
        name: nameOf(i),
        ok: false,
        skipped: vscode.l10n.t('has {0}; not replaced', i.ramRoleName!),
      })),
    );
  }
  const results = await withProgress(title, (report, signal) =>
    forEach(
      s,
      go,
      nameOf,
      (i) => {
        report(nameOf(i));
        return putRole(cloud, i, roleName, (m) => report(`${nameOf(i)}: ${m}`), signal);
      },
      signal,
    ),
  ).finally(() => refreshRegions(s, nodes));
  return summarize(s, roleName, [...results, ...skipped]);
}

/** Reloads the regions the instances are in, once each. */
export function refreshRegions(s: Services, nodes: InstanceNode[]): void {
  for (const region of new Set(nodes.map((n) => n.parent))) {
    s.refresh('ecs', region);
  }
}

function summarize(s: Services, roleName: string, results: ItemResult[]): ItemResult[] {
  showSummary(s, vscode.l10n.t('Role {0} attached to', roleName), results);
  return results;
}
