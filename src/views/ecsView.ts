/** ECS → chosen regions → instances (name, id, status, network, IPs, attached role). */
import * as vscode from 'vscode';
import type { EcsInstance } from '../cloud/ecs';
import { TRANSITIONAL_STATES } from '../cloud/waiting';
import { ContextValues } from './contextValues';
import { childrenOrError, TreeNode } from './node';
import { PagedLoader, type PagedParent } from './pagedLoader';
import type { Services } from '../ui/services';
import { visibleRegions } from '../ui/settings';

/** Polling while an instance is in transition: first after 2 s, then less often, at most every 15 s. */
const POLL_FIRST_MS = 2000;
const POLL_MAX_MS = 15_000;

export class RegionNode extends TreeNode implements PagedParent {
  readonly id: string;
  private readonly loader: PagedLoader<EcsInstance>;
  private pollDelay = POLL_FIRST_MS;
  private pollTimer?: ReturnType<typeof setTimeout>;
  constructor(private readonly s: Services, readonly regionId: string) {
    super();
    this.id = `ecs/${regionId}`;
    this.loader = new PagedLoader(async (token) => {
      const { cloud } = await s.cloud();
      const page = await cloud.ecs.listInstances(regionId, token, 50);
      // ECS returns roles separately, and refuses classic instances in that call.
      const vpc = page.items.filter((i) => i.networkType === 'vpc').map((i) => i.instanceId);
      const roles = vpc.length ? await cloud.ecs.describeInstanceRoles(regionId, vpc) : new Map<string, string>();
      return { items: page.items.map((i) => ({ ...i, ramRoleName: roles.get(i.instanceId) })), next: page.next };
    });
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.regionId, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('globe');
    item.contextValue = ContextValues.region;
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    const children = await childrenOrError(this.id, () => this.loader.children(this, (i) => new InstanceNode(i, this), vscode.l10n.t('No instances in {0}', this.regionId)));
    this.pollWhileTransitional(children);
    return children;
  }

  /**
   * Reloads this region by itself while an instance is Pending, Starting or Stopping, backing off
   * until they settle. VS Code asks a hidden view for children only once it shows again, so the
   * polling pauses while the view is hidden and resumes when it is visible.
   */
  private pollWhileTransitional(children: TreeNode[]): void {
    const moving = children.some((c) => c instanceof InstanceNode && TRANSITIONAL_STATES.has(c.instance.status));
    if (!moving) { this.pollDelay = POLL_FIRST_MS; return; }
    if (this.pollTimer) { return; }
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      this.s.refresh('ecs', this);
    }, this.pollDelay);
    this.pollDelay = Math.min(POLL_MAX_MS, this.pollDelay * 2);
  }
  loadMore(): Promise<void> { return this.loader.loadMore(); }
  invalidate(): void { this.loader.reset(); }
}

const statusIcon: Record<string, string> = { Running: 'vm-running', Stopped: 'vm-outline', Starting: 'loading~spin', Stopping: 'loading~spin', Pending: 'loading~spin' };

/** "Starting…" for states that will change by themselves; the API's word otherwise. */
function statusLabel(status: string): string {
  switch (status) {
    case 'Pending': return vscode.l10n.t('Pending…');
    case 'Starting': return vscode.l10n.t('Starting…');
    case 'Stopping': return vscode.l10n.t('Stopping…');
    default: return status;
  }
}

export class InstanceNode extends TreeNode {
  readonly id: string;
  constructor(readonly instance: EcsInstance, parent: RegionNode) {
    super();
    this.id = `ecs/${instance.regionId}/${instance.instanceId}`;
    this.parent = parent;
  }
  getTreeItem(): vscode.TreeItem {
    const i = this.instance;
    const item = new vscode.TreeItem(i.instanceName || i.instanceId, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const role = i.ramRoleName ? vscode.l10n.t('role: {0}', i.ramRoleName) : i.networkType === 'vpc' ? vscode.l10n.t('no role') : vscode.l10n.t('classic');
    item.description = `${i.instanceId} · ${statusLabel(i.status)} · ${role}`;
    item.tooltip = new vscode.MarkdownString([
      `**${i.instanceName}** (${i.instanceId})`,
      TRANSITIONAL_STATES.has(i.status) ? vscode.l10n.t('Status: {0} (refreshes by itself until it settles)', i.status) : vscode.l10n.t('Status: {0}', i.status),
      vscode.l10n.t('Network: {0}', i.networkType === 'vpc' ? `VPC ${i.vpcId ?? ''}` : vscode.l10n.t('classic (RAM roles not supported)')),
      vscode.l10n.t('Private IP: {0}', i.privateIps.join(', ') || '-'),
      vscode.l10n.t('Public IP: {0}', i.publicIps.join(', ') || '-'),
      vscode.l10n.t('RAM role: {0}', i.ramRoleName ?? '-'),
      `${i.instanceType} · ${i.zoneId} · ${i.osName}`,
    ].join('\n\n'));
    item.iconPath = new vscode.ThemeIcon(statusIcon[i.status] ?? 'vm');
    item.contextValue = ContextValues.instance(i.networkType, !!i.ramRoleName);
    return item;
  }
}

export function ecsRoots(s: Services, defaultRegion: string): TreeNode[] {
  return visibleRegions(defaultRegion).map((r) => new RegionNode(s, r));
}
