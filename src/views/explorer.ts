/**
 * Creates the four tree views and keeps their roots per active profile: switching profile
 * rebuilds the roots, refreshing a node reloads only that subtree.
 */
import * as vscode from 'vscode';
import { SDKS_FOR_VIEW } from '../cloud/sdk';
import { OSS_TREE_MIME } from './contextValues';
import { ErrorNode, type TreeNode } from './node';
import type { InstanceIdentityService } from '../services/instanceIdentity';
import type { Services, ViewId, ViewNode } from '../services/services';
import { NodeTreeProvider } from './treeProvider';
import { refusedIdentity } from '../errorHelp/refusal';

export type RootFactory = (s: Services) => Promise<TreeNode[]> | TreeNode[];

/**
 * The views' nodes, in dist/lazy.js: passed in, so they load when a view first asks for its rows,
 * after activation. Only the providers and tree views are created at activation.
 */
export interface ViewModules {
  identityView: typeof import('./identityView');
  ramView: typeof import('./ramView');
  ecsView: typeof import('./ecsView');
  ossView: typeof import('./ossView');
  ossDragAndDrop: typeof import('./ossDragAndDrop');
}

/** How deep a view's first real rows sit: the ECS and RAM roots are folders (regions, Roles). */
const ROWS_DEPTH: Record<ViewId, number> = { identity: 0, ram: 1, ecs: 1, oss: 0 };

/**
 * When a view became visible and when its first rows were shown (ms, Date.now: `performance` would
 * load node:perf_hooks during activation in a bare Node, and whole milliseconds are all we report).
 */
export interface ViewTiming {
  visibleAt?: number;
  rowsAt?: number;
  sdkLoadMs?: number;
}

/** The OSS tree's drag and drop: VS Code needs the mime types now, the code loads on the first drag or drop. */
export interface OssDrops extends vscode.TreeDragAndDropController<TreeNode> {
  handleDrag(source: readonly TreeNode[], data: vscode.DataTransfer, token?: vscode.CancellationToken): void;
  handleDrop(target: TreeNode | undefined, data: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void>;
}

function lazyOssDragAndDrop(s: Services, views: () => ViewModules): OssDrops {
  let impl: import('./ossDragAndDrop').OssDragAndDrop | undefined;
  const get = () => (impl ??= new (views().ossDragAndDrop.OssDragAndDrop)(s));
  return {
    dragMimeTypes: [OSS_TREE_MIME],
    // 'application/vnd.code.uri-list' (ossDragAndDrop VSCODE_URI_LIST_MIME) tells VS Code's own drags apart; the workbench passes only listed types.
    dropMimeTypes: [OSS_TREE_MIME, 'text/uri-list', 'application/vnd.code.uri-list', 'files'],
    handleDrag: (source, data, token) => get().handleDrag(source, data, token),
    handleDrop: (target, data, token) => get().handleDrop(target, data, token),
  };
}

export class Explorer implements vscode.Disposable {
  readonly providers = new Map<ViewId, NodeTreeProvider>();
  readonly views = new Map<ViewId, vscode.TreeView<TreeNode>>();
  private readonly roots = new Map<ViewId, { profile: string; nodes: TreeNode[] }>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Per view: visible → first rows, the figure docs/PERFORMANCE.md reports. */
  readonly timings = new Map<ViewId, ViewTiming>();
  /** Extra nodes at the top of the identity view (the instance role, when present). */
  identityExtras: () => TreeNode[] = () => [];
  /** Drops on the OSS tree: local files upload, rows of the tree move. */
  readonly ossDragAndDrop: OssDrops;

  constructor(
    private readonly s: Services,
    private readonly nodes: () => ViewModules,
  ) {
    ErrorNode.identity = () => refusedIdentity(s);
    this.ossDragAndDrop = lazyOssDragAndDrop(s, nodes);
    const factories: Record<ViewId, RootFactory> = {
      identity: (svc) => nodes().identityView.identityRoots(svc, () => this.identityExtras()),
      ram: (svc) => nodes().ramView.ramRoots(svc),
      ecs: (svc) => nodes().ecsView.ecsRoots(svc, svc.profiles.active()?.regionId ?? 'cn-hangzhou'),
      oss: (svc) => nodes().ossView.ossRoots(svc),
    };
    for (const view of Object.keys(factories) as ViewId[]) {
      const provider = new NodeTreeProvider(
        () => this.rootsOf(view, factories[view]),
        (depth, children) => this.shown(view, depth, children),
      );
      this.providers.set(view, provider);
      const tree = vscode.window.createTreeView(`alibabaCloud.${view}`, {
        treeDataProvider: provider,
        showCollapseAll: view !== 'identity',
        canSelectMany: view !== 'identity',
        dragAndDropController: view === 'oss' ? this.ossDragAndDrop : undefined,
      });
      this.views.set(view, tree);
      this.disposables.push(
        provider,
        tree,
        tree.onDidChangeVisibility((e) => {
          if (e.visible) {
            this.becameVisible(view);
          }
        }),
      );
      if (tree.visible) {
        this.becameVisible(view);
      }
    }
    this.disposables.push(s.profiles.onDidChange(() => this.refreshAll()));
    const describeEcsFilter = () => {
      const filter = s.filters.get('ecs');
      this.views.get('ecs')!.description = filter ? vscode.l10n.t('filter: {0}', filter) : undefined;
    };
    describeEcsFilter();
    this.disposables.push(
      s.filters.onDidChange((key) => {
        if (key === 'ecs') {
          describeEcsFilter();
          this.refresh('ecs');
        }
      }),
    );
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('alibabaCloud.regions')) {
          this.refresh('ecs');
        }
        if (e.affectsConfiguration('alibabaCloud.oss')) {
          this.refresh('oss');
        }
      }),
    );
  }

  /**
   * Loads the view's SDK bundles once, when it first becomes visible: never inside activate() (a
   * view visible at start-up gets a timer, which runs after activation returns), and before its
   * first expansion needs them.
   */
  private becameVisible(view: ViewId): void {
    if (this.timings.has(view)) {
      return;
    }
    const timing: ViewTiming = { visibleAt: Date.now() };
    this.timings.set(view, timing);
    setTimeout(() => {
      const started = Date.now();
      try {
        [this.s.onDemand, ...SDKS_FOR_VIEW[view]].forEach((load) => load());
      } catch (e) {
        this.s.log.warn(`SDK prefetch for the ${view} view failed: ${(e as Error).message}`);
      }
      timing.sdkLoadMs = Math.round(Date.now() - started);
    }, 0);
  }

  private shown(view: ViewId, depth: number, children: TreeNode[]): void {
    const timing = this.timings.get(view);
    if (!timing?.visibleAt || timing.rowsAt !== undefined || depth < ROWS_DEPTH[view] || !children.length) {
      return;
    }
    timing.rowsAt = Date.now();
    this.s.log.info(
      `${view} view: first rows ${Math.round(timing.rowsAt - timing.visibleAt)} ms after it became visible (SDK prefetch ${timing.sdkLoadMs ?? '-'} ms)`,
    );
  }

  private async rootsOf(view: ViewId, factory: RootFactory): Promise<TreeNode[]> {
    const profile = this.s.profiles.active()?.id;
    // Without a profile the resource views show their welcome content; the identity view still
    // asks its factory, which may have an instance-role problem to explain.
    if (!profile && view !== 'identity') {
      return [];
    }
    const key = profile ?? '';
    const cached = this.roots.get(view);
    if (cached?.profile === key) {
      return cached.nodes;
    }
    const nodes = await factory(this.s);
    this.roots.set(view, { profile: key, nodes });
    return nodes;
  }

  /** Reloads a subtree; with no node, rebuilds the view's roots. `reload: false` only redraws. */
  refresh(view: ViewId, node?: ViewNode, reload = true): void {
    if (!node && reload) {
      this.roots.delete(view);
    }
    // Every node handed to Services.refresh came from one of these trees.
    this.providers.get(view)?.refresh(node as TreeNode | undefined, reload);
  }

  /** Selects and focuses a row; a view that cannot show it (hidden, row gone) is not an error. */
  async reveal(view: ViewId, node: ViewNode): Promise<void> {
    try {
      await this.providers.get(view)?.redrawn((node as TreeNode).parent);
      await this.views.get(view)?.reveal(node as TreeNode, { select: true, focus: true });
    } catch (e) {
      this.s.log.info(`${view} view: could not reveal ${node.id}: ${(e as Error).message}`);
    }
  }

  /**
   * Puts the instance node at the top of the identity view and keeps it current: a state change
   * rebuilds the view's roots, a tick (every 30 s) re-renders just the node's countdown.
   */
  bindInstanceIdentity(svc: InstanceIdentityService): vscode.Disposable {
    let node: TreeNode | undefined;
    this.identityExtras = () => {
      node = this.nodes().identityView.instanceNode(this.s, svc.state);
      return node ? [node] : [];
    };
    return svc.onDidChange((what) =>
      what === 'tick' && node ? this.s.refresh('identity', node) : this.s.refresh('identity'),
    );
  }

  refreshAll(): void {
    for (const view of this.providers.keys()) {
      this.refresh(view);
    }
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
