/**
 * Create Instance with RAM Role: region, zone, image, type, VSwitch (in the zone), security group
 * (of the VPC), name, SSH key pair or password (checked before any call), public IP; a modal that
 * says it costs money, with DescribePrice's estimate (or why there is none); then a dry run,
 * RunInstances (which starts it), the wait for Running and the public IP, under cancellable progress.
 */
import * as vscode from 'vscode';
import { validateRoleName } from '../../cloud/names';
import { createInstance as runCreate } from '../../setup/instanceRole';
import { withProgress } from '../../ui/progress';
import { promptStep, runPromptSteps } from '../../ui/wizard/steps';
import { offerNextSteps } from '../../ui/wizard/connectGuide';
import {
  checkNewInstanceInput,
  describeNewInstance,
  newInstanceSpec,
  newInstanceSteps,
  priceEstimateText,
  type NewInstanceContext,
} from '../../ui/wizard/newInstance';
import { pickEcsRole } from '../../ui/wizard/pickers';
import { RegionNode } from '../../views/ecsView';
import { defineCommand, is } from '../command';
import { onClickedRow } from '../selection';

interface Ctx extends NewInstanceContext {
  roleName?: string;
}

export const createInstance = defineCommand({
  id: 'alibabaCloud.ecs.createInstance',
  node: [RegionNode],
  args: {
    regionId: is.string,
    zoneId: is.string,
    imageId: is.string,
    instanceType: is.string,
    vpcId: is.string,
    vSwitchId: is.string,
    securityGroupId: is.string,
    instanceName: is.string,
    password: is.string,
    keyPairName: is.string,
    allocatePublicIp: is.boolean,
    roleName: is.string,
  },
  run: onClickedRow(
    () => vscode.l10n.t('Create ECS Instance with RAM Role'),
    async (s, input) => {
      const a = input.args;
      const { entry, cloud } = await s.cloud();
      const title = vscode.l10n.t('Create Instance with RAM Role');
      const ctx: Ctx = { ...a, cloud, defaultRegion: entry.regionId };
      if (input.node) {
        ctx.regionId = input.node.regionId;
      }
      // Typed values (args objects) are checked before anything is listed or created.
      const early =
        checkNewInstanceInput(ctx) ?? (ctx.roleName !== undefined ? validateRoleName(ctx.roleName) : undefined);
      if (early) {
        throw new Error(early);
      }

      await runPromptSteps(
        ctx,
        title,
        [
          promptStep<Ctx>(
            (c) => !c.roleName,
            async (c, p, t) => {
              c.roleName = await pickEcsRole(p, cloud, t);
            },
          ),
          ...newInstanceSteps<Ctx>(),
        ],
        s.prompt,
      );
      const spec = newInstanceSpec(ctx, ctx.roleName);
      const invalid = checkNewInstanceInput(ctx);
      if (invalid) {
        throw new Error(invalid);
      }

      const create = vscode.l10n.t('Create Instance');
      const price = await priceEstimateText(cloud, spec);
      // Always asked, also with an args object: it costs money (see Input.scripted in command.ts).
      const ok = await s.prompt.confirm(
        vscode.l10n.t('Create instance {0}? It costs money.', spec.instanceName),
        vscode.l10n.t(
          'The instance is billed pay-as-you-go from the moment it starts until you release it in the ECS console; a public IP adds traffic charges.',
        ) +
          '\n\n' +
          price +
          '\n\n' +
          describeNewInstance(spec, !!ctx.allocatePublicIp),
        create,
      );
      if (!ok) {
        return undefined;
      }

      let result: { instanceId: string; publicIp?: string };
      try {
        result = await withProgress(title, (report, signal) =>
          runCreate(cloud, spec, !!ctx.allocatePublicIp, {
            signal,
            onPhase: (phase) =>
              report(
                {
                  dryRun: vscode.l10n.t('Checking the request (dry run)…'),
                  create: vscode.l10n.t('Creating and starting {0}…', spec.instanceName),
                  starting: vscode.l10n.t('Waiting for {0} to run…', spec.instanceName),
                  publicIp: vscode.l10n.t('Getting a public IP…'),
                }[phase],
                25,
              ),
            onWait: (message) => report(message),
            allowNormalMetadata: async (imageId) =>
              (await s.prompt.choose(
                vscode.l10n.t('Image {0} does not support hardened-only metadata mode.', imageId),
                vscode.l10n.t(
                  'New instances require metadata tokens so an SSRF in an app cannot read the role credentials. With this image the instance can only allow normal mode too; choose another image to keep hardened mode, or create it in normal mode and switch later (Require Hardened Metadata Mode…) after updating the image.',
                ),
                [vscode.l10n.t('Create in Normal Mode')],
              )) !== undefined,
          }),
        );
      } finally {
        s.refresh('ecs', input.node);
      }
      offerNextSteps(
        s.readOnly,
        result.publicIp
          ? vscode.l10n.t(
              'Instance {0} ({1}) is running with role {2}; public IP {3}.',
              spec.instanceName,
              result.instanceId,
              spec.ramRoleName ?? '',
              result.publicIp,
            )
          : vscode.l10n.t(
              'Instance {0} ({1}) is running with role {2}.',
              spec.instanceName,
              result.instanceId,
              spec.ramRoleName ?? '',
            ),
        {
          instanceId: result.instanceId,
          roleName: spec.ramRoleName ?? '',
          regionId: spec.regionId,
          publicIp: result.publicIp,
        },
      );
      return result;
    },
  ),
});
