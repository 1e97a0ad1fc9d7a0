/**
 * "Used by" under a policy: the roles, users and groups it is attached to (ListEntitiesForPolicy),
 * so the blast radius of a change is visible before making it.
 */
import * as vscode from 'vscode';
import type { PolicySummary } from '../cloud/ram';
import { ContextValues } from './contextValues';
import { childrenOrError, MessageNode, TreeNode } from './node';
import type { Services } from '../services/services';

export class PolicyUsedByNode extends TreeNode {
  readonly id: string;
  constructor(
    private readonly s: Services,
    readonly policy: PolicySummary,
    parent: TreeNode,
  ) {
    super();
    this.id = `${parent.id}/usedBy`;
    this.parent = parent;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Used by'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('references');
    item.contextValue = ContextValues.policyUsedBy;
    return item;
  }
  getChildren(): Promise<TreeNode[]> {
    return childrenOrError(this.id, async () => {
      const { cloud } = await this.s.cloud();
      const e = await cloud.ram.listEntitiesForPolicy(this.policy.policyName, this.policy.policyType);
      const nodes = [
        ...e.roles.map((n) => new MessageNode(`${this.id}/role/${n}`, n, 'shield', vscode.l10n.t('role'))),
        ...e.users.map((n) => new MessageNode(`${this.id}/user/${n}`, n, 'person', vscode.l10n.t('user'))),
        ...e.groups.map((n) => new MessageNode(`${this.id}/group/${n}`, n, 'organization', vscode.l10n.t('group'))),
      ];
      return nodes.length
        ? nodes
        : [new MessageNode(`${this.id}/none`, vscode.l10n.t('Not attached to any role, user or group'), 'info')];
    });
  }
}
