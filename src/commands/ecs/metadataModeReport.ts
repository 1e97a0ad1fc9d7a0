/**
 * Instances Allowing Normal Metadata Mode: the fleet report. Every region through the inventory
 * (the same path as the ECS view's search), listing the instances that still allow token-less
 * metadata reads with their roles, role holders first, in a read-only document.
 */
import * as vscode from 'vscode';
import { loadHardeningReport } from '../../setup/hardeningReport';
import { withProgress } from '../../ui/progress';
import { requestLimiter } from '../../ui/settings';
import { showPropertiesDocument } from '../../views/readOnlyDocuments';
import { markdownCell } from '../../cloud/inert';
import { defineCommand } from '../command';

const cell = markdownCell;

export const metadataModeReport = defineCommand({
  id: 'alibabaCloud.ecs.metadataModeReport',
  run: async (s) => {
    const { entry, cloud } = await s.cloud();
    const report = await withProgress(vscode.l10n.t('Listing instances in every region…'), () =>
      loadHardeningReport(cloud, { limiter: requestLimiter() }),
    );
    const withRole = report.normalMode.filter((i) => i.ramRoleName).length;
    const lines = [
      `# ${vscode.l10n.t('Instances allowing normal metadata mode')} (${cell(entry.name)})`,
      '',
      vscode.l10n.t(
        '{0} of {1} instances allow token-less metadata reads ({2} of them hold a RAM role an SSRF could read); {3} are hardened only, {4} have metadata off.',
        report.normalMode.length,
        report.total,
        withRole,
        report.hardenedOnly,
        report.off,
      ),
      '',
      ...(report.failedRegions.length
        ? [vscode.l10n.t('Not listed (the region could not be read): {0}', report.failedRegions.join(', ')), '']
        : []),
      `| ${vscode.l10n.t('Region')} | ${vscode.l10n.t('Instance')} | ${vscode.l10n.t('Name')} | ${vscode.l10n.t('Status')} | ${vscode.l10n.t('RAM role')} |`,
      '|---|---|---|---|---|',
      ...report.normalMode.map(
        (i) =>
          `| ${cell(i.regionId)} | ${cell(i.instanceId)} | ${cell(i.instanceName)} | ${cell(i.status)} | ${cell(i.ramRoleName)} |`,
      ),
      '',
      vscode.l10n.t('Run Require Hardened Metadata Mode… on them (probe first, then switch, with a rollback).'),
    ];
    await showPropertiesDocument(s, `/ecs/metadata-mode-report.md`, lines.join('\n'));
    return {
      normalMode: report.normalMode.length,
      withRole,
      total: report.total,
      failedRegions: report.failedRegions,
    };
  },
});
