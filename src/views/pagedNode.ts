/**
 * The one paged node of the trees: a node whose children are a listing read page by page through
 * the vscode-free PagedList (pages loaded so far, "Load more", serialised loads, reset), shown as
 * the items plus "Load more…" while pages remain, or one "empty" node.
 */
import * as vscode from 'vscode';
import { loadMoreLabel, PagedList, type Page } from '../cloud/paging';
import { ContextValues } from './contextValues';
import { childrenOrError, emptyNode, TreeNode } from './node';

export interface PagedParent extends TreeNode {
  /** Loads the next page; resolves to the node of its first item (where keyboard focus goes), if any. */
  loadMore(): Promise<TreeNode | undefined>;
  /** How many are loaded (and the total, where known), for the "Load more" row. */
  loadedCount?(): { loaded: number; total?: number };
}

/** Subclasses say how to load a page, how to show an item and what an empty listing says. */
export abstract class PagedNode<T> extends TreeNode implements PagedParent {
  protected readonly pages = new PagedList<T>((token) => this.loadPage(token));
  /**
   * One node per loaded item, so a redraw (Load more) hands the view the objects it already knows:
   * VS Code tracks rows by object, and refreshing or revealing an object it never saw does nothing.
   * A reload brings new items, hence new nodes.
   */
  private readonly nodes = new WeakMap<object, TreeNode>();

  protected abstract loadPage(token: string | undefined): Promise<Page<T>>;
  protected abstract toNode(item: T): TreeNode;
  protected abstract emptyLabel(): string;

  /** The nodes for what is loaded so far; a failure becomes an error node. */
  getChildren(): Promise<TreeNode[]> {
    return childrenOrError(this.id, () => this.pagedChildren());
  }

  /** The nodes for what is loaded so far, loading the first page if needed; a failure throws. */
  protected async pagedChildren(): Promise<TreeNode[]> {
    const items = await this.pages.current();
    if (!items.length) {
      return [emptyNode(this.id, this.emptyLabel())];
    }
    const nodes = items.map((i) => this.nodeOf(i));
    return this.pages.hasMore ? [...nodes, new LoadMoreNode(this)] : nodes;
  }

  private nodeOf(item: T): TreeNode {
    if (typeof item !== 'object' || item === null) {
      return this.toNode(item);
    }
    let node = this.nodes.get(item);
    if (!node) {
      node = this.toNode(item);
      this.nodes.set(item, node);
    }
    return node;
  }

  async loadMore(): Promise<TreeNode | undefined> {
    const before = (await this.pages.current()).length;
    await this.pages.loadMore();
    const items = await this.pages.current();
    if (items.length <= before) {
      return undefined;
    }
    const first = this.nodeOf(items[before]);
    first.parent ??= this;
    return first;
  }
  loadedCount(): { loaded: number; total?: number } {
    return this.pages.count;
  }
  invalidate(): void {
    this.pages.reset();
  }
}

export class LoadMoreNode extends TreeNode {
  readonly id: string;
  constructor(readonly owner: PagedParent) {
    super();
    this.id = `${owner.id}/loadMore`;
    this.parent = owner;
  }
  getTreeItem(): vscode.TreeItem {
    const count = this.owner.loadedCount?.();
    const item = new vscode.TreeItem(
      count ? loadMoreLabel(count) : vscode.l10n.t('Load more…'),
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = ContextValues.loadMore;
    item.command = { command: 'alibabaCloud.loadMore', title: vscode.l10n.t('Load more…'), arguments: [this] };
    return item;
  }
}
