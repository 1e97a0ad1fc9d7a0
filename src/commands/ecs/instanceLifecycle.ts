/**
 * Start, Stop, Reboot and Release an instance. Each reads the instance first (the tree may be
 * minutes old), says why when its status does not allow the action, asks before anything that
 * interrupts or destroys, and then follows the instance until it settles, with progress, so the
 * tree shows where it ended. Args objects ({ regionId, instanceId }) pick the instance, never skip
 * a question.
 */
import * as vscode from 'vscode';
import type { Cloud } from '../../cloud';
import type { EcsInstance } from '../../cloud/ecs';
import { instanceLabel } from '../../cloud/names';
import { followInstance, SETTLED_STATUSES } from '../../setup/instanceLifecycle';
import { pickInstance } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import { InstanceNode } from '../../views/ecsView';
import type { Services } from '../../services/services';
import { defineCommand, type Input } from '../command';
import { instanceArgs, type InstanceInput } from './instanceInput';
import { notify } from '../helpers';
import { copyLines, oneRowOnly } from '../selection';
import { showNotice } from '../../ui/prompt';

const label = (i: EcsInstance) => i.instanceName || i.instanceId;
/** How often a transition is read again: a DescribeInstances call every 2 s while one runs. */
const POLL_MS = 2000;

/** The instance as ECS sees it now, from a node, an args object or a quick pick. */
async function currentInstance(
  s: Services,
  input: InstanceInput,
  title: string,
  filter?: (i: EcsInstance) => boolean,
  why?: string,
): Promise<{ cloud: Cloud; instance: EcsInstance }> {
  const { entry, cloud } = await s.cloud();
  const a = input.args;
  const regionId = input.node ? input.node.instance.regionId : (a.regionId ?? entry.regionId);
  const id = input.node ? input.node.instance.instanceId : a.instanceId;
  const instance = id
    ? await cloud.ecs.getInstance(regionId, id)
    : await pickInstance(s.prompt, cloud, title, entry.regionId, filter, why);
  return { cloud, instance };
}

/**
 * The instance, which must be in `status`: the picker offers only such instances (and says when
 * none is), and one given by a node or args in another state is refused before anything is sent.
 */
async function instanceIn(
  s: Services,
  input: InstanceInput,
  title: string,
  status: 'Running' | 'Stopped',
): Promise<{ cloud: Cloud; instance: EcsInstance }> {
  const why = status === 'Running' ? vscode.l10n.t('none is running') : vscode.l10n.t('none is stopped');
  const found = await currentInstance(s, input, title, (x) => x.status === status, why);
  if (found.instance.status !== status) {
    refuse(found.instance, status);
  }
  return found;
}

function refuse(i: EcsInstance, needed: string): never {
  throw new Error(vscode.l10n.t('{0} ({1}) is {2}; this needs it {3}.', label(i), i.instanceId, i.status, needed));
}

/**
 * Runs `action`, then follows the instance until `until` holds, reporting each status, and
 * refreshes the ECS view whatever happens. Cancelling stops following, not the transition.
 * The row's region (the whole view when run from the palette) reloads at each status seen, so the
 * row says what the progress toast says.
 */
async function actAndFollow(
  s: Services,
  cloud: Cloud,
  i: EcsInstance,
  title: string,
  action: () => Promise<void>,
  until: (status: string | undefined) => boolean,
  input: InstanceInput,
): Promise<string | undefined> {
  const region = input.node ? input.node.parent : undefined;
  try {
    return await withProgress(title, async (report, signal) => {
      await action();
      return followInstance(cloud.ecs, i.regionId, i.instanceId, {
        until,
        signal,
        intervalMs: POLL_MS,
        onStatus: (st) => {
          report(st ? vscode.l10n.t('Status: {0}', st) : vscode.l10n.t('Released'));
          s.refresh('ecs', region);
        },
      });
    });
  } finally {
    s.refresh('ecs');
  }
}

const settled = (st: string | undefined) => st === undefined || SETTLED_STATUSES.includes(st);

export const startInstance = defineCommand({
  id: 'alibabaCloud.ecs.startInstance',
  node: [InstanceNode],
  args: instanceArgs,
  run: oneRowOnly(
    () => vscode.l10n.t('Start ECS Instance'),
    async (s, input) => {
      const title = vscode.l10n.t('Start Instance');
      const { cloud, instance: i } = await instanceIn(s, input, title, 'Stopped');
      const final = await actAndFollow(
        s,
        cloud,
        i,
        vscode.l10n.t('Starting {0}…', label(i)),
        () => cloud.ecs.startInstance(i.regionId, i.instanceId),
        settled,
        input,
      );
      notify(vscode.l10n.t('{0} is {1}.', instanceLabel(i), final ?? '-'));
      return final;
    },
  ),
});

export const stopInstance = defineCommand({
  id: 'alibabaCloud.ecs.stopInstance',
  node: [InstanceNode],
  args: instanceArgs,
  run: oneRowOnly(
    () => vscode.l10n.t('Stop ECS Instance'),
    async (s, input) => {
      const title = vscode.l10n.t('Stop Instance');
      const { cloud, instance: i } = await instanceIn(s, input, title, 'Running');
      const keep = vscode.l10n.t('Stop, Keep Charging');
      const economical = vscode.l10n.t('Stop and Stop Charging');
      const publicIp = i.publicIps.filter((ip) => ip !== i.eip);
      // Economical mode exists for VPC instances only (StopInstance API reference, StoppedMode).
      const actions = i.networkType === 'vpc' ? [keep, economical] : [keep];
      const detail = [
        vscode.l10n.t('Programs on the instance stop, and sessions to it (SSH, Remote-SSH) drop.'),
        vscode.l10n.t('Keep Charging keeps its resources and public IP; billing for the instance continues.'),
        i.networkType === 'vpc'
          ? publicIp.length
            ? vscode.l10n.t(
                'Stop Charging (economical mode) ends instance billing but releases its resources and its public IP {0}: it may get another address when started again, and starting may fail if the zone runs out of capacity.',
                publicIp.join(', '),
              )
            : vscode.l10n.t(
                'Stop Charging (economical mode) ends instance billing but releases its resources: starting again may fail if the zone runs out of capacity.',
              )
          : vscode.l10n.t('A classic-network instance cannot stop charging.'),
      ].join('\n\n');
      const choice = await s.prompt.choose(vscode.l10n.t('Stop {0} ({1})?', label(i), i.instanceId), detail, actions);
      if (!choice) {
        return undefined;
      }
      const mode = choice === economical ? 'StopCharging' : 'KeepCharging';
      const final = await actAndFollow(
        s,
        cloud,
        i,
        vscode.l10n.t('Stopping {0}…', label(i)),
        () => cloud.ecs.stopInstance(i.regionId, i.instanceId, mode),
        settled,
        input,
      );
      notify(vscode.l10n.t('{0} is {1}.', instanceLabel(i), final ?? '-'));
      return final;
    },
  ),
});

export const rebootInstance = defineCommand({
  id: 'alibabaCloud.ecs.rebootInstance',
  node: [InstanceNode],
  args: instanceArgs,
  run: oneRowOnly(
    () => vscode.l10n.t('Reboot ECS Instance'),
    async (s, input) => {
      const title = vscode.l10n.t('Reboot Instance');
      const { cloud, instance: i } = await instanceIn(s, input, title, 'Running');
      const ok = await s.prompt.confirm(
        vscode.l10n.t('Reboot {0} ({1})?', label(i), i.instanceId),
        vscode.l10n.t(
          'Programs on the instance are interrupted and sessions to it (SSH, Remote-SSH) drop; its disks, addresses and role stay.',
        ),
        vscode.l10n.t('Reboot'),
      );
      if (!ok) {
        return undefined;
      }
      // ECS moves the instance out of Running when it accepts the call, so the next Running is the reboot done.
      const final = await actAndFollow(
        s,
        cloud,
        i,
        vscode.l10n.t('Rebooting {0}…', label(i)),
        () => cloud.ecs.rebootInstance(i.regionId, i.instanceId),
        settled,
        input,
      );
      notify(vscode.l10n.t('{0} is {1}.', instanceLabel(i), final ?? '-'));
      return final;
    },
  ),
});

/** What releasing this instance destroys or leaves behind, for the confirmation. */
function releaseDetail(i: EcsInstance): string {
  const publicIp = i.publicIps.filter((ip) => ip !== i.eip);
  return [
    vscode.l10n.t('Releasing {0} ({1}, {2}) cannot be undone:', label(i), i.instanceId, i.regionId),
    vscode.l10n.t('• its system disk and the data disks released with it are erased;'),
    publicIp.length ? vscode.l10n.t('• its public IP {0} is given back;', publicIp.join(', ')) : '',
    i.ramRoleName ? vscode.l10n.t('• programs on it lose role {0} (the role itself stays in RAM);', i.ramRoleName) : '',
    i.privateIps.length ? vscode.l10n.t('• its private IP {0} is freed;', i.privateIps.join(', ')) : '',
    i.eip
      ? vscode.l10n.t('• its elastic IP {0} is NOT released and keeps being billed until you release it.', i.eip)
      : '',
    vscode.l10n.t('Manual snapshots are kept (and billed).'),
  ]
    .filter(Boolean)
    .join('\n');
}

export const releaseInstance = defineCommand({
  id: 'alibabaCloud.ecs.releaseInstance',
  node: [InstanceNode],
  args: instanceArgs,
  run: oneRowOnly(
    () => vscode.l10n.t('Release ECS Instance'),
    async (s, input) => {
      const title = vscode.l10n.t('Release Instance');
      const { cloud, instance: fresh } = await currentInstance(s, input, title);
      // The role is shown in what will be lost; DescribeInstances does not carry it.
      const roles =
        fresh.networkType === 'vpc'
          ? await cloud.ecs.describeInstanceRoles(fresh.regionId, [fresh.instanceId])
          : new Map<string, string>();
      const i = { ...fresh, ramRoleName: roles.get(fresh.instanceId) };
      if (i.status !== 'Stopped' && i.status !== 'Running') {
        refuse(i, 'Stopped or Running');
      }
      const name = label(i);
      const release = vscode.l10n.t('Release…');
      const stopFirst = vscode.l10n.t('Stop, then Release…');
      const forced = vscode.l10n.t('Force Release…');
      const running = i.status === 'Running';
      const detail = running
        ? `${releaseDetail(i)}\n\n${vscode.l10n.t('It is running: ECS releases a running instance only by force, which is like pulling the plug (data not yet written to disk is lost). Stop, then Release shuts it down first.')}`
        : releaseDetail(i);
      const choice = await s.prompt.choose(
        vscode.l10n.t('Release instance {0}?', name),
        detail,
        running ? [stopFirst, forced] : [release],
      );
      if (!choice) {
        return false;
      }
      await s.prompt.input({
        title,
        // No placeholder: the name greyed in the box reads as already typed (the prompt names it).
        prompt: vscode.l10n.t('Type the instance name "{0}" to release it. This cannot be undone.', name),
        validateInput: (v) => (v === name ? undefined : vscode.l10n.t('Type the instance name exactly: {0}', name)),
      });
      const force = choice === forced;
      if (running && !force) {
        const stopped = await actAndFollow(
          s,
          cloud,
          i,
          vscode.l10n.t('Stopping {0}…', name),
          () => cloud.ecs.stopInstance(i.regionId, i.instanceId),
          settled,
          input,
        );
        if (stopped !== 'Stopped') {
          throw new Error(vscode.l10n.t('{0} did not stop (it is {1}); nothing was released.', name, stopped ?? '-'));
        }
      }
      await actAndFollow(
        s,
        cloud,
        i,
        vscode.l10n.t('Releasing {0}…', name),
        () => cloud.ecs.deleteInstance(i.regionId, i.instanceId, force),
        (st) => st === undefined,
        input,
      );
      notify(vscode.l10n.t('Instance {0} released.', instanceLabel(i)));
      return true;
    },
  ),
});

/**
 * Copies an address of each selected instance (one per line); an instance without one is named
 * in a message rather than skipped in silence. Values from the tree, else read now.
 */
function copyAddress(what: (i: EcsInstance) => string | undefined, missing: (name: string) => string) {
  return async (s: Services, input: Input<InstanceNode, InstanceInput['args']>): Promise<string | undefined> => {
    const rows = input.nodes;
    const instances =
      rows.length > 1
        ? rows.map((n) => n.instance)
        : [(await currentInstance(s, input, vscode.l10n.t('Copy Address'))).instance];
    const without = instances.filter((i) => !what(i));
    if (without.length) {
      void showNotice('info', without.map((i) => missing(label(i))).join(' '));
    }
    const addresses = instances.map(what).filter((a): a is string => !!a);
    return addresses.length ? copyLines(addresses) : undefined;
  };
}

export const copyPublicIp = defineCommand({
  id: 'alibabaCloud.ecs.copyPublicIp',
  node: [InstanceNode],
  args: instanceArgs,
  run: copyAddress(
    (i) => i.publicIps.find((ip) => ip !== i.eip),
    (n) => vscode.l10n.t('{0} has no public IP.', n),
  ),
});
export const copyPrivateIp = defineCommand({
  id: 'alibabaCloud.ecs.copyPrivateIp',
  node: [InstanceNode],
  args: instanceArgs,
  run: copyAddress(
    (i) => i.privateIps[0],
    (n) => vscode.l10n.t('{0} has no private IP.', n),
  ),
});
export const copyEip = defineCommand({
  id: 'alibabaCloud.ecs.copyEip',
  node: [InstanceNode],
  args: instanceArgs,
  run: copyAddress(
    (i) => i.eip,
    (n) => vscode.l10n.t('{0} has no elastic IP.', n),
  ),
});
