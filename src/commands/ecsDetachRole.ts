/** Detach RAM Role from Instance, after a modal confirm. */
import * as vscode from 'vscode';
import { withProgress } from '../ui/progress';
import { InstanceNode } from '../views/ecsView';
import { defineCommand } from './command';
import { instanceFor, refuseClassic } from './ecsAttachRole';
import { notify } from './ramCommon';

export const detachRole = defineCommand('alibabaCloud.ecs.detachRole', async (s, arg) => {
  const instance = await instanceFor(s, arg, vscode.l10n.t('Detach RAM Role from Instance'), 'detach');
  refuseClassic(instance);
  const roleName = instance.ramRoleName;
  if (!roleName) {
    notify(vscode.l10n.t('{0} has no RAM role.', instance.instanceId));
    return false;
  }
  const ok = await s.prompt.confirm(
    vscode.l10n.t('Detach role {0} from {1}?', roleName, instance.instanceName || instance.instanceId),
    vscode.l10n.t('Programs on the instance stop getting credentials from the metadata service; the ones they hold stop working when they expire.'),
    vscode.l10n.t('Detach'));
  if (!ok) { return false; }
  const { cloud } = await s.cloud();
  try {
    await withProgress(vscode.l10n.t('Detaching {0} from {1}…', roleName, instance.instanceId),
      () => cloud.ecs.detachRole(instance.regionId, instance.instanceId, roleName), false);
  } finally {
    s.refresh('ecs', arg instanceof InstanceNode ? arg.parent : undefined);
  }
  notify(vscode.l10n.t('Role {0} detached from {1}.', roleName, instance.instanceId));
  return true;
});
