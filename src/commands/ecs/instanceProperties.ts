/**
 * Instance Properties: a read-only document with every field DescribeInstances returns (under the
 * API's own names), plus what that call does not carry: the RAM role (DescribeInstanceRamRole),
 * and each security group with its inbound rules (DescribeSecurityGroupAttribute). The metadata
 * options are spelled out because hardened mode decides whether token-less IMDS reads work.
 */
import * as vscode from 'vscode';
import { CloudError } from '../../cloud/errors';
import { pickInstance } from '../../ui/pickers';
import { InstanceNode } from '../../views/ecsView';
import { showPropertiesDocument } from '../../views/readOnlyDocuments';
import { markdownCell } from '../../cloud/inert';
import { openToTheInternet } from '../../cloud/securityRules';
import { defineCommand } from '../command';
import { instanceArgs } from './instanceInput';
import { onClickedRow } from '../selection';

const cell = markdownCell;

export const instanceProperties = defineCommand({
  id: 'alibabaCloud.ecs.instanceProperties',
  node: [InstanceNode],
  args: instanceArgs,
  run: onClickedRow(
    () => vscode.l10n.t('ECS Instance Properties'),
    async (s, input) => {
      const { entry, cloud } = await s.cloud();
      const a = input.args;
      let regionId = input.node ? input.node.instance.regionId : (a.regionId ?? entry.regionId);
      let instanceId = input.node ? input.node.instance.instanceId : a.instanceId;
      if (!instanceId) {
        const picked = await pickInstance(s.prompt, cloud, vscode.l10n.t('Instance Properties'), entry.regionId);
        ({ regionId, instanceId } = picked);
      }
      const fields = await cloud.ecs.describeInstanceFields(regionId, instanceId);
      if (!fields) {
        throw new CloudError({
          code: 'InvalidInstanceId.NotFound',
          service: 'ecs',
          action: 'DescribeInstances',
          status: 404,
          message: vscode.l10n.t('Instance {0} was not found in {1}.', instanceId, regionId),
        });
      }
      const vpc = fields.InstanceNetworkType === 'vpc';
      const role = vpc ? (await cloud.ecs.describeInstanceRoles(regionId, [instanceId])).get(instanceId) : undefined;
      const sgIds = (fields.SecurityGroupIds as { SecurityGroupId?: string[] } | undefined)?.SecurityGroupId ?? [];
      const groups = await Promise.all(
        sgIds.map(async (id) => ({ id, ...(await cloud.ecs.describeSecurityGroupRules(regionId, id, 'ingress')) })),
      );
      const meta = (fields.MetadataOptions ?? {}) as {
        HttpTokens?: string;
        HttpEndpoint?: string;
        HttpPutResponseHopLimit?: number;
      };

      const lines = [
        `# ${cell(fields.InstanceName)} (${instanceId})`,
        '',
        `${regionId} · ${cell(fields.ZoneId)} · ${cell(fields.Status)} · ${cell(fields.InstanceType)} · ${cell(fields.InstanceNetworkType)}`,
        '',
        `## ${vscode.l10n.t('RAM role')}`,
        '',
        vpc
          ? (role ?? vscode.l10n.t('No RAM role attached.'))
          : vscode.l10n.t('Classic network: RAM roles cannot be attached.'),
        '',
        `## ${vscode.l10n.t('Metadata options')}`,
        '',
        `- HttpEndpoint: ${cell(meta.HttpEndpoint)}`,
        `- HttpTokens: ${cell(meta.HttpTokens)} — ${
          meta.HttpTokens === 'required'
            ? vscode.l10n.t(
                'hardened mode only: programs must get a token (PUT /latest/api/token) before reading metadata',
              )
            : vscode.l10n.t('normal and hardened mode: token-less reads are allowed')
        }`,
        `- HttpPutResponseHopLimit: ${cell(meta.HttpPutResponseHopLimit)}`,
        '',
        `## ${vscode.l10n.t('Security groups and inbound rules')}`,
        '',
      ];
      if (!groups.length) {
        lines.push(vscode.l10n.t('No security groups.'), '');
      }
      for (const g of groups) {
        lines.push(`### ${cell(g.id)}${g.name ? ` (${cell(g.name)})` : ''}`, '');
        if (!g.rules.length) {
          lines.push(vscode.l10n.t('No inbound rules: nothing can connect to the instance.'), '');
          continue;
        }
        lines.push(
          `| ${[vscode.l10n.t('Policy'), vscode.l10n.t('Protocol'), vscode.l10n.t('Port range'), vscode.l10n.t('Source'), vscode.l10n.t('Priority'), vscode.l10n.t('Description')].join(' | ')} |`,
          '|---|---|---|---|---|---|',
        );
        for (const r of g.rules) {
          lines.push(
            `| ${[r.Policy, r.IpProtocol, r.PortRange, r.SourceCidrIp || r.SourceGroupId || r.Ipv6SourceCidrIp, r.Priority, r.Description].map(cell).join(' | ')} |`,
          );
        }
        lines.push('');
        for (const warning of g.rules.flatMap((r) => openToTheInternet(r))) {
          lines.push(`> ⚠️ ${warning}`, '');
        }
      }
      lines.push(
        `## ${vscode.l10n.t('All fields (DescribeInstances)')}`,
        '',
        '```json',
        JSON.stringify(fields, null, 2),
        '```',
        '',
      );
      const doc = await showPropertiesDocument(s, `/ecs/${regionId}/${instanceId}.md`, lines.join('\n'));
      return { uri: doc.uri.toString(), text: doc.getText() };
    },
  ),
});
