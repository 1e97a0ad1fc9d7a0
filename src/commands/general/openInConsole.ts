/**
 * "Open in Console" on role, policy, instance and bucket nodes, and "Open in OpenAPI Explorer" for
 * the API behind a command. Both through the Prompter's openExternal (vscode.env.openExternal), so
 * in-host tests see the address without a browser. Args: a node, or { target: ConsoleTarget } /
 * { command: 'alibabaCloud.…' }.
 */
import * as vscode from 'vscode';
import { COMMAND_APIS, consoleUrl, openApiExplorerUrl, type ConsoleTarget } from '../../cloud/consoleUrls';
import { InstanceNode } from '../../views/ecsView';
import { OssBucketNode } from '../../views/ossView';
import { AttachedPolicyNode, PolicyNode, RoleNode } from '../../views/ramView';
import { is, defineCommand, isPlainObject } from '../command';
import { onClickedRow } from '../selection';
import { showNotice } from '../../ui/prompt';

function targetOf(arg: unknown): ConsoleTarget | undefined {
  if (arg instanceof RoleNode) {
    return { kind: 'role', roleName: arg.role.roleName };
  }
  if (arg instanceof PolicyNode) {
    return { kind: 'policy', policyName: arg.policy.policyName, policyType: arg.policy.policyType };
  }
  if (arg instanceof AttachedPolicyNode) {
    return { kind: 'policy', policyName: arg.policy.policyName, policyType: arg.policy.policyType };
  }
  if (arg instanceof InstanceNode) {
    return { kind: 'instance', instanceId: arg.instance.instanceId, regionId: arg.instance.regionId };
  }
  if (arg instanceof OssBucketNode) {
    return { kind: 'bucket', bucket: arg.info.name, regionId: arg.info.region };
  }
  return undefined;
}

const nameOf = (t: ConsoleTarget): string =>
  t.kind === 'role' ? t.roleName : t.kind === 'policy' ? t.policyName : t.kind === 'instance' ? t.instanceId : t.bucket;

export const openInConsole = defineCommand({
  id: 'alibabaCloud.openInConsole',
  node: [RoleNode, PolicyNode, AttachedPolicyNode, InstanceNode, OssBucketNode],
  // consoleUrl checks the rest of the target.
  args: {
    target: is.shaped('a console target', (v): v is ConsoleTarget => isPlainObject(v) && typeof v.kind === 'string'),
  },
  run: onClickedRow(
    () => vscode.l10n.t('Open in Console'),
    async (s, { node, args }) => {
      const target = targetOf(node) ?? args.target;
      if (!target) {
        throw new Error(vscode.l10n.t('Open in Console works on a role, policy, instance or bucket.'));
      }
      if (s.profiles.inSandboxMode || s.profiles.active()?.source === 'sandbox') {
        // The real console would show another account's page, or a "not found", for a sandbox name.
        void showNotice(
          'info',
          vscode.l10n.t(
            '{0} is in the local sandbox, not in Alibaba Cloud, so the console has no page for it. Its details are in VS Code: expand its row or use Properties.',
            nameOf(target),
          ),
        );
        return undefined;
      }
      const url = consoleUrl(target);
      await s.prompt.openExternal(vscode.Uri.parse(url, true));
      return url;
    },
  ),
});

export const openInApiExplorer = defineCommand({
  id: 'alibabaCloud.openInApiExplorer',
  args: { command: is.string },
  run: async (s, { args }) => {
    let command = args.command;
    if (!command || !COMMAND_APIS[command]) {
      const items = Object.entries(COMMAND_APIS).map(([id, api]) => ({
        label: api.action,
        description: `${api.product} · ${id}`,
        id,
      }));
      command = (
        await s.prompt.pick(items, {
          title: vscode.l10n.t('Open in OpenAPI Explorer'),
          placeHolder: vscode.l10n.t('Which API?'),
          matchOnDescription: true,
        })
      ).id;
    }
    const api = COMMAND_APIS[command];
    const region = api.product === 'Ecs' ? s.profiles.active()?.regionId : undefined;
    const url = openApiExplorerUrl(api.product, api.action, region);
    await s.prompt.openExternal(vscode.Uri.parse(url, true));
    return url;
  },
});
