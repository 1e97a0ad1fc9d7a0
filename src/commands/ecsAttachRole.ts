/**
 * Attach RAM Role to Instance (VPC only). A classic instance gets the reason and no attach call;
 * an instance that already has a role shows it and offers Replace (detach, then attach).
 */
import * as vscode from 'vscode';
import { CloudError } from '../cloud/errors';
import type { EcsInstance } from '../cloud/ecs';
import { waitForPropagation } from '../cloud/waiting';
import { ramShowsEcsRole } from '../setup/instanceRole';
import { withProgress } from '../ui/progress';
import { classicReason, pickEcsRole, pickInstanceWithRole } from '../ui/wizardPickers';
import { InstanceNode } from '../views/ecsView';
import type { Services } from '../ui/services';
import { argsOf, defineCommand } from './command';
import { notify } from './ramCommon';

export interface InstanceArgs { regionId: string; instanceId: string }
export interface AttachRoleArgs extends InstanceArgs { roleName: string }

/**
 * The instance a command works on, from its node, an args object, or a quick pick that shows each
 * instance's role and network and explains (then asks again) what `purpose` cannot use.
 */
export async function instanceFor(s: Services, arg: unknown, title: string, purpose: 'attach' | 'detach' = 'attach'): Promise<EcsInstance> {
  const { entry, cloud } = await s.cloud();
  const a = argsOf<InstanceArgs>(arg);
  const unavailable = purpose === 'attach' ? classicReason
    : (i: EcsInstance) => classicReason(i) ?? (i.ramRoleName ? undefined : vscode.l10n.t('no role to detach'));
  const instance = arg instanceof InstanceNode ? arg.instance
    : a.instanceId ? await cloud.ecs.getInstance(a.regionId ?? entry.regionId, a.instanceId)
      : (await pickInstanceWithRole(s.prompt, cloud, title, entry.regionId, {
        placeHolder: purpose === 'attach' ? vscode.l10n.t('Which instance gets the role?') : vscode.l10n.t('Detach the role from which instance?'), unavailable,
      })).instance!;
  // A classic instance needs no further call (ECS refuses DescribeInstanceRamRole for it); for a
  // VPC one, read the role now rather than trust what the tree showed a while ago.
  if (instance.networkType !== 'vpc') { return instance; }
  const roles = await cloud.ecs.describeInstanceRoles(instance.regionId, [instance.instanceId]);
  return { ...instance, ramRoleName: roles.get(instance.instanceId) };
}

export function refuseClassic(i: EcsInstance): void {
  if (i.networkType !== 'vpc') {
    throw new CloudError({
      code: 'InvalidNetworkType.MismatchRamRole', service: 'ecs',
      message: vscode.l10n.t('{0} ({1}) is a classic-network instance; RAM roles can only be attached to VPC instances.', i.instanceName || i.instanceId, i.instanceId),
    });
  }
}

export const attachRole = defineCommand('alibabaCloud.ecs.attachRole', async (s, arg) => {
  const a = argsOf<AttachRoleArgs>(arg);
  const title = vscode.l10n.t('Attach RAM Role to Instance');
  const instance = await instanceFor(s, arg, title);
  refuseClassic(instance);
  const { cloud } = await s.cloud();
  const roleName = a.roleName ?? await pickEcsRole(s.prompt, cloud, vscode.l10n.t('Attach which role to {0}?', instance.instanceName || instance.instanceId));
  const current = instance.ramRoleName;
  if (current?.toLowerCase() === roleName.toLowerCase()) {
    notify(vscode.l10n.t('{0} already has the role {1}; nothing changed.', instance.instanceId, current));
    return { instanceId: instance.instanceId, roleName, changed: false };
  }
  if (current) {
    const replace = vscode.l10n.t('Replace');
    const go = (await s.prompt.choose(
      vscode.l10n.t('{0} already has the role {1}.', instance.instanceName || instance.instanceId, current),
      vscode.l10n.t('An instance has one RAM role at a time. Replace detaches {0} (programs on the instance lose its permissions) and attaches {1}.', current, roleName),
      [replace])) === replace;
    if (!go) { return { instanceId: instance.instanceId, roleName, changed: false }; }
  }
  try {
    await withProgress(title, async (report, signal) => {
      if (current) {
        report(vscode.l10n.t('Detaching {0}…', current));
        await cloud.ecs.detachRole(instance.regionId, instance.instanceId, current);
      }
      report(vscode.l10n.t('Attaching {0}…', roleName));
      // A role created or changed a moment ago (e.g. by "Create ECS Role") reaches ECS after a delay.
      await waitForPropagation('ecs', () => cloud.ecs.attachRole(instance.regionId, instance.instanceId, roleName), {
        roleName, retryIf: ramShowsEcsRole(cloud, roleName), signal, onProgress: (p) => report(p.message),
      });
    });
  } finally {
    s.refresh('ecs', arg instanceof InstanceNode ? arg.parent : undefined);
  }
  notify(vscode.l10n.t('{0} now has the role {1}. Programs on it get temporary credentials from the metadata service, with no AccessKey on the machine.', instance.instanceId, roleName), {
    [vscode.l10n.t('Copy Instance ID')]: () => vscode.env.clipboard.writeText(instance.instanceId),
  });
  return { instanceId: instance.instanceId, roleName, changed: true, replaced: current };
});
