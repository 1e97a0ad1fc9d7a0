/** ECS → chosen regions → instances (name, id, status, network, IPs, attached role). */
import * as vscode from 'vscode';
import type { EcsInstance } from '../cloud/ecs';
import { ContextValues } from './contextValues';
import { childrenOrError, TreeNode } from './node';
import { PagedLoader, type PagedParent } from './pagedLoader';
import type { Services } from '../ui/services';
import { visibleRegions } from '../ui/settings';

export class RegionNode extends TreeNode implements PagedParent {
  readonly id: string;
  private readonly loader: PagedLoader<EcsInstance>;
  constructor(s: Services, readonly regionId: string) {
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
  getChildren(): Promise<TreeNode[]> {
    return childrenOrError(this.id, () => this.loader.children(this, (i) => new InstanceNode(i, this), vscode.l10n.t('No instances in {0}', this.regionId)));
  }
  loadMore(): Promise<void> { return this.loader.loadMore(); }
  invalidate(): void { this.loader.reset(); }
}

const statusIcon: Record<string, string> = { Running: 'vm-running', Stopped: 'vm-outline', Starting: 'vm-active', Stopping: 'vm-active', Pending: 'loading~spin' };

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
    item.description = `${i.instanceId} · ${i.status} · ${role}`;
    item.tooltip = new vscode.MarkdownString([
      `**${i.instanceName}** (${i.instanceId})`,
      vscode.l10n.t('Status: {0}', i.status),
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
