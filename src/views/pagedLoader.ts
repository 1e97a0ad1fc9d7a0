/**
 * The one paging loader of the trees: the vscode-free PagedList (pages loaded so far, "Load more",
 * serialised loads, reset) and the nodes it shows, "Load more…" among them.
 */
import * as vscode from 'vscode';
import { PagedList } from '../cloud/paging';
import { ContextValues } from './contextValues';
import { emptyNode, TreeNode } from './node';

/** The paging core (cloud/paging.ts) plus the nodes a tree shows for it. */
export class PagedLoader<T> extends PagedList<T> {
  /** The nodes for what is loaded so far: an "empty" node, or the items plus "Load more…" while pages remain. */
  async children(owner: PagedParent, toNode: (item: T) => TreeNode, emptyLabel: string): Promise<TreeNode[]> {
    const items = await this.current();
    if (!items.length) { return [emptyNode(owner.id, emptyLabel)]; }
    const nodes = items.map(toNode);
    return this.hasMore ? [...nodes, new LoadMoreNode(owner)] : nodes;
  }
}

export interface PagedParent extends TreeNode {
  loadMore(): Promise<void>;
}

export class LoadMoreNode extends TreeNode {
  readonly id: string;
  constructor(readonly owner: PagedParent) {
    super();
    this.id = `${owner.id}/loadMore`;
    this.parent = owner;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = ContextValues.loadMore;
    item.command = { command: 'alibabaCloud.loadMore', title: vscode.l10n.t('Load more…'), arguments: [this] };
    return item;
  }
}
