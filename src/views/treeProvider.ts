/** A generic provider over TreeNode objects: one event emitter, subtree refresh. */
import * as vscode from 'vscode';
import type { TreeNode } from './node';
import { withReadableDefaults } from './readable';

export class NodeTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Per refreshed node id ('' for the roots): settles when the view asks for its children again. */
  private readonly redraws = new Map<string, { done: Promise<void>; settle: () => void }>();

  constructor(
    private readonly roots: () => Promise<TreeNode[]>,
    private readonly onShown?: (depth: number, children: TreeNode[]) => void,
  ) {}

  async getTreeItem(node: TreeNode): Promise<vscode.TreeItem> {
    return withReadableDefaults(await node.getTreeItem());
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const children = node ? ((await node.getChildren?.()) ?? []) : await this.roots();
    for (const c of children) {
      c.parent ??= node;
    }
    this.redraws.get(node?.id ?? '')?.settle();
    if (this.onShown) {
      let depth = 0;
      for (let n = node; n; n = n.parent) {
        depth++;
      }
      this.onShown(depth, children);
    }
    return children;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** Redraws a subtree (or everything); `reload` first drops its cached children. */
  refresh(node?: TreeNode, reload = true): void {
    if (reload) {
      node?.invalidate?.();
    }
    const key = node?.id ?? '';
    if (!this.redraws.has(key)) {
      let settle = () => {};
      const done = new Promise<void>((r) => {
        settle = () => {
          this.redraws.delete(key);
          r();
        };
      });
      this.redraws.set(key, { done, settle });
    }
    this.changed.fire(node);
  }

  /**
   * Settles once the view has asked again for the children of a refreshed node, or after `capMs`
   * (a hidden view does not ask). Revealing a row before that races VS Code's debounced refresh,
   * which drops the rows it knew and fails the reveal ("Cannot resolve tree item").
   */
  redrawn(node: TreeNode | undefined, capMs = 1000): Promise<void> {
    const pending = this.redraws.get(node?.id ?? '');
    if (!pending) {
      return Promise.resolve();
    }
    return Promise.race([
      pending.done,
      new Promise<void>((r) => {
        setTimeout(r, capMs).unref?.();
      }),
    ]);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
