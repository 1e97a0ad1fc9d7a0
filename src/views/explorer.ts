/**
 * Creates the four tree views and keeps their roots per active profile: switching profile
 * rebuilds the roots, refreshing a node reloads only that subtree.
 */
import * as vscode from 'vscode';
import { ecsRoots } from './ecsView';
import { identityRoots } from './identityView';
import type { TreeNode } from './node';
import { ramRoots } from './ramView';
import type { Services, ViewId, ViewNode } from '../ui/services';
import { NodeTreeProvider } from './treeProvider';

export type RootFactory = (s: Services) => Promise<TreeNode[]> | TreeNode[];

export class Explorer implements vscode.Disposable {
  readonly providers = new Map<ViewId, NodeTreeProvider>();
  readonly views = new Map<ViewId, vscode.TreeView<TreeNode>>();
  private readonly roots = new Map<ViewId, { profile: string; nodes: TreeNode[] }>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Extra nodes at the top of the identity view (the instance role, when present). */
  identityExtras: () => TreeNode[] = () => [];

  constructor(private readonly s: Services, extraRoots: Partial<Record<ViewId, RootFactory>> = {}) {
    const factories: Record<ViewId, RootFactory> = {
      identity: (svc) => identityRoots(svc, () => this.identityExtras()),
      ram: ramRoots,
      ecs: (svc) => ecsRoots(svc, svc.profiles.active()?.regionId ?? 'cn-hangzhou'),
      oss: () => [],
      ...extraRoots,
    };
    for (const view of Object.keys(factories) as ViewId[]) {
      const provider = new NodeTreeProvider(() => this.rootsOf(view, factories[view]));
      this.providers.set(view, provider);
      const tree = vscode.window.createTreeView(`alibabaCloud.${view}`, { treeDataProvider: provider, showCollapseAll: view !== 'identity', canSelectMany: view === 'oss' });
      this.views.set(view, tree);
      this.disposables.push(provider, tree);
    }
    this.disposables.push(s.profiles.onDidChange(() => this.refreshAll()));
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('alibabaCloud.regions')) { this.refresh('ecs'); }
      if (e.affectsConfiguration('alibabaCloud.oss')) { this.refresh('oss'); }
    }));
  }

  private async rootsOf(view: ViewId, factory: RootFactory): Promise<TreeNode[]> {
    const profile = this.s.profiles.active()?.id;
    // Without a profile the resource views show their welcome content; the identity view still
    // asks its factory, which may have an instance-role problem to explain.
    if (!profile && view !== 'identity') { return []; }
    const key = profile ?? '';
    const cached = this.roots.get(view);
    if (cached?.profile === key) { return cached.nodes; }
    const nodes = await factory(this.s);
    this.roots.set(view, { profile: key, nodes });
    return nodes;
  }

  /** Reloads a subtree; with no node, rebuilds the view's roots. `reload: false` only redraws. */
  refresh(view: ViewId, node?: ViewNode, reload = true): void {
    if (!node && reload) { this.roots.delete(view); }
    // Every node handed to Services.refresh came from one of these trees.
    this.providers.get(view)?.refresh(node as TreeNode | undefined, reload);
  }

  refreshAll(): void {
    for (const view of this.providers.keys()) { this.refresh(view); }
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
