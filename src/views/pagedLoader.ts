/**
 * The one paging loader: keeps the pages loaded so far for a parent node, loads the next page on
 * "Load more", and serialises loads so a double click cannot fetch a page twice.
 */
import * as vscode from 'vscode';
import type { Page } from '../cloud/paging';
import { ContextValues } from './contextValues';
import { emptyNode, TreeNode } from './node';

export class PagedLoader<T> {
  private items: T[] = [];
  private next?: string;
  private loaded = false;
  private running?: Promise<void>;

  constructor(private readonly loadPage: (token: string | undefined) => Promise<Page<T>>) {}

  get hasMore(): boolean {
    return !this.loaded || this.next !== undefined;
  }

  /** Items loaded so far, loading the first page if nothing is loaded yet. */
  async current(): Promise<T[]> {
    if (!this.loaded) { await this.loadMore(); }
    return this.items;
  }

  loadMore(): Promise<void> {
    this.running ??= (async () => {
      try {
        if (this.loaded && this.next === undefined) { return; }
        const page = await this.loadPage(this.loaded ? this.next : undefined);
        this.items = [...this.items, ...page.items];
        this.next = page.next;
        this.loaded = true;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** The nodes for what is loaded so far: an "empty" node, or the items plus "Load more…" while pages remain. */
  async children(owner: PagedParent, toNode: (item: T) => TreeNode, emptyLabel: string): Promise<TreeNode[]> {
    const items = await this.current();
    if (!items.length) { return [emptyNode(owner.id, emptyLabel)]; }
    const nodes = items.map(toNode);
    return this.hasMore ? [...nodes, new LoadMoreNode(owner)] : nodes;
  }

  reset(): void {
    this.items = [];
    this.next = undefined;
    this.loaded = false;
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
