/**
 * Require Hardened Metadata Mode…: on one or several instances, prove first, then switch, with the
 * way back one click away. Each step shows in the progress and can be cancelled:
 * 1. probe (Cloud Assistant) which processes still read the metadata service without a token;
 * 2. optionally a canary: one named service restarted with ALIBABA_CLOUD_IMDSV1_DISABLED=true,
 *    then probed again;
 * 3. the switch (HttpTokens=required), refused while a probe names a possible normal-mode caller
 *    unless the user types those names back; the confirmation names account, profile, instances;
 * 4. the post-check: Verify Role on Instance's check, twice (credentials via a token, renewing);
 * 5. Roll Back (HttpTokens=optional, one call each) offered from the result.
 * The steps themselves live in src/setup/metadataHardening.ts.
 */
import * as vscode from 'vscode';
import type { Cloud } from '../../cloud';
import type { EcsInstance } from '../../cloud/ecs';
import { isCloudError } from '../../cloud/errors';
import {
  callerName,
  metadataModeOf,
  postCheck,
  probeLimits,
  probeMetadataCallers,
  runMetadataCanary,
  setMetadataTokens,
  switchGate,
  type PostCheck,
  type ProbeResult,
} from '../../setup/metadataHardening';
import { isServiceName } from '../../setup/metadataProbeScript';
import type { Services } from '../../services/services';
import { withProgress } from '../../ui/progress';
import { InstanceNode } from '../../views/ecsView';
import { defineCommand, is, type ArgsOf, type Input } from '../command';
import { bulleted, forEach, showSummary, type ItemResult } from '../selection';
import { instanceArgs } from './instanceInput';
import { nameOf } from './attachRole';
import { pickInstanceWithRole } from '../../ui/wizard/pickers';

export const metadataArgs = { ...instanceArgs, instanceIds: is.strings };
const requireHardenedArgs = {
  ...metadataArgs,
  /** Probe length; the picker offers minutes. */
  seconds: is.number,
};

/**
 * The instances a metadata command works on: the selection, args, or a pick (with the command's own
 * question; those it cannot work on listed last, with why); as ECS has them now.
 */
export async function metadataTargets(
  s: Services,
  input: Input<InstanceNode, ArgsOf<typeof metadataArgs>>,
  title: string,
  pick: { placeHolder: string; unavailable: (i: EcsInstance) => string | undefined },
): Promise<EcsInstance[]> {
  const { entry, cloud } = await s.cloud();
  const a = input.args;
  const selected = input.nodes.map((n) => n.instance);
  const chosen = selected.length
    ? selected
    : a.instanceIds?.length || a.instanceId
      ? (a.instanceIds ?? [a.instanceId!]).map((instanceId) => ({ regionId: a.regionId ?? entry.regionId, instanceId }))
      : [(await pickInstanceWithRole(s.prompt, cloud, title, entry.regionId, pick)).instance!];
  // The tree may be minutes old: read each instance's options as ECS has them now.
  return Promise.all(chosen.map((i) => cloud.ecs.getInstance(i.regionId, i.instanceId)));
}

/** Step 5: HttpTokens=optional on each instance, one ModifyInstanceMetadataOptions call each. */
export async function rollBackMetadata(s: Services, cloud: Cloud, instances: EcsInstance[]): Promise<ItemResult[]> {
  const results = await withProgress(vscode.l10n.t('Roll Back Metadata Mode'), (report, signal) =>
    forEach(
      s,
      instances,
      nameOf,
      async (i) => {
        report(vscode.l10n.t('Allowing normal mode again on {0}…', i.instanceId));
        await setMetadataTokens(cloud, i.regionId, i.instanceId, 'optional');
      },
      signal,
    ),
  );
  s.refresh('ecs');
  showSummary(s, vscode.l10n.t('Normal mode is allowed again on'), results);
  return results;
}

export function skipReason(i: EcsInstance): string | undefined {
  const mode = metadataModeOf(i);
  if (mode === 'hardenedOnly') {
    return vscode.l10n.t('already hardened only');
  }
  if (mode === 'off') {
    return vscode.l10n.t('metadata off: nothing reads it');
  }
  if (i.status !== 'Running') {
    return vscode.l10n.t('{0}: the probe needs a running instance', i.status);
  }
  if (/windows/i.test(i.osName)) {
    return vscode.l10n.t('Windows: the probe runs on Linux only');
  }
  return undefined;
}

function describeProbe(i: EcsInstance, p: ProbeResult): string[] {
  if (!p.ok) {
    return [`${nameOf(i)}: ${p.problem ?? ''}`];
  }
  if (!p.report?.callers.length) {
    return [vscode.l10n.t('{0}: no process read the metadata service during the probe.', nameOf(i))];
  }
  return [
    vscode.l10n.t('{0}:', nameOf(i)),
    ...p.report.callers.map((c) =>
      vscode.l10n.t(
        '  {0} — {1} — pid {2}: {3}',
        c.unit ?? '-',
        c.mode === 'tokenless'
          ? vscode.l10n.t('reads WITHOUT a token')
          : c.mode === 'token'
            ? vscode.l10n.t('uses a token')
            : vscode.l10n.t('mode unknown'),
        c.pid,
        c.command,
      ),
    ),
  ];
}

export const requireHardenedMetadata = defineCommand({
  id: 'alibabaCloud.ecs.requireHardenedMetadata',
  node: [InstanceNode],
  args: requireHardenedArgs,
  run: async (s, input) => {
    const title = vscode.l10n.t('Require Hardened Metadata Mode');
    const { entry, cloud } = await s.cloud();
    const a = input.args;
    const instances = await metadataTargets(s, input, title, {
      placeHolder: vscode.l10n.t('Require hardened metadata mode on which instance?'),
      unavailable: skipReason,
    });
    const skipped: ItemResult[] = instances
      .map((i) => ({ i, why: skipReason(i) }))
      .filter((x) => x.why)
      .map(({ i, why }) => ({ name: nameOf(i), ok: false, skipped: why }));
    const todo = instances.filter((i) => !skipReason(i));
    if (!todo.length) {
      showSummary(s, '', skipped);
      return { switched: [], skipped };
    }
    const seconds =
      a.seconds ??
      (
        await s.prompt.pick(
          [1, 5, 15, 30].map((m) => ({
            label: vscode.l10n.t('{0} min', m),
            description: m === 5 ? vscode.l10n.t('catches programs that read every few minutes') : '',
            value: m * 60,
          })),
          // The limits are long: the pick says the one that matters, the dialogs and the log say all.
          {
            title,
            placeHolder: vscode.l10n.t(
              'Probe for how long? It sees only the programs that read metadata while it runs.',
            ),
          },
        )
      ).value;

    // 1. Probe.
    const probe = (list: EcsInstance[]) =>
      withProgress(title, async (report, signal) => {
        const out: ProbeResult[] = [];
        for (const i of list) {
          report(
            vscode.l10n.t(
              'Probing {0} for {1} s: which processes read metadata without a token…',
              i.instanceId,
              seconds,
            ),
          );
          out.push(
            await probeMetadataCallers(cloud, i.regionId, i.instanceId, seconds, {
              signal,
              onState: (st) => report(vscode.l10n.t('Probing {0}: {1}', i.instanceId, st)),
            }),
          );
        }
        return out;
      });
    const probes = new Map<string, ProbeResult>();
    (await probe(todo)).forEach((p) => probes.set(p.instanceId, p));
    const log = () => {
      for (const i of todo) {
        describeProbe(i, probes.get(i.instanceId)!).forEach((l) => s.log.info(l));
      }
      s.log.info(probeLimits());
    };
    log();
    const failed = todo.filter((i) => !probes.get(i.instanceId)!.ok);
    if (failed.length) {
      // No proof, no switch: a probe that did not run says nothing about the callers.
      void s.prompt.notify(
        vscode.l10n.t(
          'The probe did not run on {0}; nothing was switched. {1}',
          failed.map(nameOf).join(', '),
          failed.map((i) => probes.get(i.instanceId)!.problem).join(' '),
        ),
        [],
        'warning',
      );
      return { switched: [], probes: [...probes.values()], skipped };
    }

    // 2. Canary, 3. the gate: until no probe names a possible normal-mode caller, or the user names them.
    let override: string[] = [];
    for (;;) {
      const gate = switchGate([...probes.values()], override);
      if (gate.allowed) {
        break;
      }
      const names = [...new Set(gate.blockers.map((b) => b.name))];
      const canary = vscode.l10n.t('Run Canary…');
      const units = [...new Set(gate.blockers.map((b) => b.caller.unit).filter((u): u is string => !!u))];
      const overrideAction = vscode.l10n.t('Switch Anyway…');
      const choice = await s.prompt.choose(
        vscode.l10n.t('The probe found processes that may read metadata without a token: {0}', names.join(', ')),
        [
          bulleted(
            gate.blockers.map(
              (b) =>
                // The name is the unit when there is one, else "pid N": the pid is said once either way.
                `${b.instanceId}: ${b.caller.unit ? `${b.name} (pid ${b.caller.pid})` : b.name} — ${b.caller.command}`,
            ),
          ),
          vscode.l10n.t(
            'Hardened-only mode would break them. Run Canary restarts one service with ALIBABA_CLOUD_IMDSV1_DISABLED=true (its Alibaba SDK then never falls back) and probes again; Switch Anyway asks you to type these names.',
          ),
          probeLimits(),
        ].join('\n\n'),
        // A canary needs a systemd service to restart; a bare process can only be named.
        units.length ? [canary, overrideAction] : [overrideAction],
      );
      if (choice === canary) {
        const unit = (
          await s.prompt.pick(
            units.map((u) => ({ label: u, value: u })),
            { title, placeHolder: vscode.l10n.t('Restart which service with ALIBABA_CLOUD_IMDSV1_DISABLED=true?') },
          )
        ).value;
        if (!isServiceName(unit)) {
          continue;
        }
        const on = todo.filter((i) =>
          gate.blockers.some((b) => b.instanceId === i.instanceId && b.caller.unit === unit),
        );
        const again = await withProgress(title, async (report, signal) => {
          const out: ProbeResult[] = [];
          for (const i of on) {
            report(vscode.l10n.t('Restarting {0} on {1} with ALIBABA_CLOUD_IMDSV1_DISABLED=true…', unit, i.instanceId));
            const c = await runMetadataCanary(cloud, i.regionId, i.instanceId, unit, { signal });
            if (c.problem) {
              s.log.warn(c.problem);
            }
            report(vscode.l10n.t('Probing {0} again for {1} s…', i.instanceId, seconds));
            out.push(await probeMetadataCallers(cloud, i.regionId, i.instanceId, seconds, { signal }));
          }
          return out;
        });
        again.forEach((p) => probes.set(p.instanceId, p));
        log();
        continue;
      }
      if (choice !== overrideAction) {
        return { switched: [], probes: [...probes.values()], skipped };
      }
      const typed = await s.prompt.input({
        title,
        prompt: vscode.l10n.t(
          'Type the names shown, separated by commas, to switch even though they will break: {0}',
          names.join(', '),
        ),
      });
      override = typed.split(',');
      if (!switchGate([...probes.values()], override).allowed) {
        void s.prompt.notify(
          vscode.l10n.t('Not switched: the names typed do not match {0}.', names.join(', ')),
          [],
          'warning',
        );
        return { switched: [], probes: [...probes.values()], skipped };
      }
    }

    const { accountId } = await cloud.knownIdentity();
    const go = await s.prompt.confirm(
      todo.length === 1
        ? vscode.l10n.t(
            'Require hardened metadata mode on {0} in account {1} (profile {2})?',
            nameOf(todo[0]),
            accountId,
            entry.name,
          )
        : vscode.l10n.t(
            'Require hardened metadata mode on {0} instances in account {1} (profile {2})?',
            todo.length,
            accountId,
            entry.name,
          ),
      [
        bulleted(todo.map(nameOf)),
        override.length
          ? vscode.l10n.t(
              'You accepted breaking: {0}.',
              override
                .map((n) => n.trim())
                .filter(Boolean)
                .join(', '),
            )
          : vscode.l10n.t('The probe ({0} s) found no process reading metadata without a token.', seconds),
        vscode.l10n.t(
          'Reads without a token will be refused (403). Roll Back allows normal mode again with one call per instance.',
        ),
        probeLimits(),
      ].join('\n\n'),
      vscode.l10n.t('Require Hardened Mode'),
    );
    if (!go) {
      return { switched: [], probes: [...probes.values()], skipped };
    }

    // 3. Switch, 4. post-check.
    const checks: PostCheck[] = [];
    const switched: EcsInstance[] = [];
    const results = await withProgress(title, (report, signal) =>
      forEach(
        s,
        todo,
        nameOf,
        async (i) => {
          report(vscode.l10n.t('Requiring tokens on {0}…', i.instanceId));
          try {
            await setMetadataTokens(cloud, i.regionId, i.instanceId, 'required');
          } catch (e) {
            if (isCloudError(e, 'InvalidHttpTokens.NotSupported')) {
              throw new Error(
                vscode.l10n.t(
                  'its image does not support hardened-only mode; it stays in normal mode (update the image, or keep normal mode)',
                ),
                { cause: e },
              );
            }
            throw e;
          }
          switched.push(i);
          report(vscode.l10n.t('Checking the role credentials on {0} through a token…', i.instanceId));
          const check = await postCheck(cloud, i.regionId, i.instanceId, { signal });
          checks.push(check);
          s.log.info(`post-check ${i.instanceId}: ${check.summary}`);
        },
        signal,
      ),
    );
    s.refresh('ecs');
    const summary = showSummary(s, vscode.l10n.t('Hardened-only metadata mode is now required on'), [
      ...results,
      ...skipped,
    ]);
    const bad = checks.filter((c) => !c.ok && c.first.verdict !== 'noRole');
    if (switched.length) {
      const rollBack = vscode.l10n.t('Roll Back');
      const message = bad.length
        ? vscode.l10n.t('Post-check failed on {0}: {1}', bad.map((c) => c.instanceId).join(', '), bad[0].summary)
        : vscode.l10n.t('Post-check: {0}', checks.map((c) => c.summary).join(' '));
      void s.prompt.notify(message, [rollBack], bad.length ? 'warning' : 'info').then(async (c) => {
        if (c === rollBack) {
          await rollBackMetadata(s, cloud, switched);
        }
      });
    }
    return {
      switched: switched.map((i) => i.instanceId),
      probes: [...probes.values()].map((p) => ({
        instanceId: p.instanceId,
        callers: p.report?.callers.map((c) => ({ ...c, name: callerName(c) })) ?? [],
      })),
      postChecks: checks.map((c) => ({ instanceId: c.instanceId, ok: c.ok, summary: c.summary })),
      summary,
    };
  },
});
