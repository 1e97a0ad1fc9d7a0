/**
 * Roll Back Metadata Mode: HttpTokens=optional on the chosen instances (one call each), after one
 * confirmation naming account, profile and instances. The same rollback is offered from the result
 * of Require Hardened Metadata Mode.
 */
import * as vscode from 'vscode';
import { metadataModeOf } from '../../setup/metadataHardening';
import { defineCommand } from '../command';
import { bulleted } from '../selection';
import { nameOf } from './attachRole';
import { metadataArgs, metadataTargets, rollBackMetadata } from './requireHardenedMetadata';
import { InstanceNode } from '../../views/ecsView';

export const rollBackMetadataMode = defineCommand({
  id: 'alibabaCloud.ecs.rollBackMetadataMode',
  node: [InstanceNode],
  args: metadataArgs,
  run: async (s, input) => {
    const title = vscode.l10n.t('Roll Back Metadata Mode');
    const { entry, cloud } = await s.cloud();
    const instances = (
      await metadataTargets(s, input, title, {
        placeHolder: vscode.l10n.t('Allow normal-mode metadata reads again on which instance?'),
        unavailable: (i) =>
          metadataModeOf(i) === 'hardenedOnly' ? undefined : vscode.l10n.t('it does not require tokens'),
      })
    ).filter((i) => metadataModeOf(i) === 'hardenedOnly');
    if (!instances.length) {
      void s.prompt.notify(vscode.l10n.t('None of these instances requires tokens; nothing to roll back.'), []);
      return { rolledBack: [] };
    }
    const { accountId } = await cloud.knownIdentity();
    const go = await s.prompt.confirm(
      instances.length === 1
        ? vscode.l10n.t(
            'Allow normal-mode metadata reads again on {0} in account {1} (profile {2})?',
            nameOf(instances[0]),
            accountId,
            entry.name,
          )
        : vscode.l10n.t(
            'Allow normal-mode metadata reads again on {0} instances in account {1} (profile {2})?',
            instances.length,
            accountId,
            entry.name,
          ),
      [
        bulleted(instances.map(nameOf)),
        vscode.l10n.t('Programs may then read credentials without a token again, which an SSRF can abuse.'),
      ].join('\n\n'),
      vscode.l10n.t('Roll Back'),
    );
    if (!go) {
      return { rolledBack: [] };
    }
    const results = await rollBackMetadata(s, cloud, instances);
    return { rolledBack: results.filter((r) => r.ok).map((r) => r.name) };
  },
});
