/** Copy Instance ID (from a node, an args object, or a quick pick). */
import * as vscode from 'vscode';
import { pickInstance } from '../../ui/pickers';
import { InstanceNode } from '../../views/ecsView';
import { defineCommand } from '../command';
import { instanceArgs } from './instanceInput';
import { copyLines } from '../selection';

export const copyInstanceId = defineCommand({
  id: 'alibabaCloud.ecs.copyInstanceId',
  node: [InstanceNode],
  args: instanceArgs,
  run: async (s, input) => {
    const rows = input.nodes;
    if (rows.length > 1) {
      return copyLines(rows.map((n) => n.instance.instanceId));
    }
    const a = input.args;
    let id = input.node ? input.node.instance.instanceId : a.instanceId;
    if (!id) {
      const { entry, cloud } = await s.cloud();
      id = (await pickInstance(s.prompt, cloud, vscode.l10n.t('Copy Instance ID'), entry.regionId)).instanceId;
    }
    return copyLines([id]);
  },
});
