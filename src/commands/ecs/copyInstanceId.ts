/** Copy Instance ID (from a node, an args object, or a quick pick). */
import * as vscode from 'vscode';
import { pickInstance } from '../../ui/pickers';
import { InstanceNode } from '../../views/ecsView';
import { argsOf, defineCommand } from '../command';
import { copyLines, selectedOf } from '../selection';

export const copyInstanceId = defineCommand('alibabaCloud.ecs.copyInstanceId', async (s, arg, args) => {
  const rows = selectedOf(arg, args, InstanceNode);
  if (rows.length > 1) {
    return copyLines(rows.map((n) => n.instance.instanceId));
  }
  const a = argsOf<{ instanceId: string }>(arg);
  let id = arg instanceof InstanceNode ? arg.instance.instanceId : a.instanceId;
  if (!id) {
    const { entry, cloud } = await s.cloud();
    id = (await pickInstance(s.prompt, cloud, vscode.l10n.t('Copy Instance ID'), entry.regionId)).instanceId;
  }
  return copyLines([id]);
});
