/** Shows only the roles (or policies of one type) whose names contain a text; empty clears it. */
import * as vscode from 'vscode';
import { PolicyGroupNode, RolesFolderNode } from '../../views/ramView';
import { defineCommand } from '../command';
import { onClickedRow } from '../selection';

export const ramFilter = defineCommand({
  id: 'alibabaCloud.ram.filter',
  node: [RolesFolderNode, PolicyGroupNode],
  run: onClickedRow(
    () => vscode.l10n.t('Filter by Name'),
    async (s, { node }) => {
      if (!node) {
        return undefined;
      }
      const filter = await s.prompt.input({
        title: node instanceof RolesFolderNode ? vscode.l10n.t('Filter Roles') : vscode.l10n.t('Filter Policies'),
        value: node.filter ?? '',
        prompt: vscode.l10n.t('Show only names that contain this text. Leave empty to show everything.'),
      });
      await node.setFilter(filter || undefined);
      s.refresh('ram', node, false);
      return filter || undefined;
    },
  ),
});
