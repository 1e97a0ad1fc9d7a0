/** A generic provider over TreeNode objects: one event emitter, subtree refresh. */
import * as vscode from 'vscode';
import type { TreeNode } from './node';

export class NodeTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly roots: () => Promise<TreeNode[]>, private readonly onShown?: (depth: number, children: TreeNode[]) => void) {}

  getTreeItem(node: TreeNode): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return node.getTreeItem();
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const children = node ? (await node.getChildren?.()) ?? [] : await this.roots();
    for (const c of children) { c.parent ??= node; }
    if (this.onShown) {
      let depth = 0;
      for (let n = node; n; n = n.parent) { depth++; }
      this.onShown(depth, children);
    }
    return children;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** Redraws a subtree (or everything); `reload` first drops its cached children. */
  refresh(node?: TreeNode, reload = true): void {
    if (reload) { node?.invalidate?.(); }
    this.changed.fire(node);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
