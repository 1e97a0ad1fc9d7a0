/**
 * ECS → regions → instances (name, id, status, network, IPs, attached role). By default the view
 * shows every region that has instances (found by probing all regions at once, bounded) and folds
 * the rest into one "N empty regions" node; a list in `alibabaCloud.regions` shows just those.
 */
import * as vscode from 'vscode';
import type { EcsInstance } from '../cloud/ecs';
import { TRANSITIONAL_STATES } from '../cloud/waiting';
import type { RegionProbe } from '../cloud/inventory';
import type { Page } from '../cloud/paging';
import { ContextValues } from './contextValues';
import { instanceMatches } from './ecsFilter';
import { childrenOrError, TreeNode } from './node';
import { PagedNode } from './pagedNode';
import type { Services } from '../services/services';
import { chosenRegions, ecsRegions } from '../ui/settings';
import { md, tooltip } from './tooltip';
import { regionName } from '../cloud/regionNames';
import { metadataModeLabel, metadataModeOf } from '../setup/metadataHardening';

/** Polling while an instance is in transition: first after 2 s, then less often, at most every 15 s. */
const POLL_FIRST_MS = 2000;
const POLL_MAX_MS = 15_000;

const PAGE = 50;

export class RegionNode extends PagedNode<EcsInstance> {
  readonly id: string;
  private pollDelay = POLL_FIRST_MS;
  private pollTimer?: ReturnType<typeof setTimeout>;
  /** A first page the region probe already fetched, used once instead of asking again. */
  private first?: Page<EcsInstance> | Error;
  constructor(
    private readonly s: Services,
    readonly regionId: string,
    probe?: RegionProbe,
    parent?: TreeNode,
  ) {
    super();
    this.id = `ecs/${regionId}`;
    this.parent = parent;
    this.first = probe?.error ?? probe?.first;
  }
  protected async loadPage(token: string | undefined): Promise<Page<EcsInstance>> {
    const { cloud } = await this.s.cloud();
    const prefetched = token === undefined ? this.first : undefined;
    this.first = undefined;
    if (prefetched instanceof Error) {
      throw prefetched;
    }
    let page = prefetched ?? (await cloud.ecs.listInstances(this.regionId, token, PAGE));
    // A filter reads on until a page's worth matches (DescribeInstances filters by tag only by key
    // and value, not by part of a name), so "Load more" is not a row of empty pages.
    const filter = this.s.filters.get('ecs');
    const items = page.items.filter((i) => instanceMatches(i, filter));
    while (filter && items.length < PAGE && page.next) {
      page = await cloud.ecs.listInstances(this.regionId, page.next, PAGE);
      items.push(...page.items.filter((i) => instanceMatches(i, filter)));
    }
    // ECS returns roles separately, and refuses classic instances in that call.
    const vpc = items.filter((i) => i.networkType === 'vpc').map((i) => i.instanceId);
    const roles = vpc.length ? await cloud.ecs.describeInstanceRoles(this.regionId, vpc) : new Map<string, string>();
    return { items: items.map((i) => ({ ...i, ramRoleName: roles.get(i.instanceId) })), next: page.next };
  }
  protected toNode(i: EcsInstance): TreeNode {
    return new InstanceNode(i, this);
  }
  protected emptyLabel(): string {
    const filter = this.s.filters.get('ecs');
    return filter
      ? vscode.l10n.t('No instances in {0} match "{1}"', this.regionId, filter)
      : vscode.l10n.t('No instances in {0}', this.regionId);
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.regionId, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = regionName(this.regionId, vscode.env.language);
    item.iconPath = new vscode.ThemeIcon('globe');
    item.contextValue = ContextValues.region;
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    const children = await super.getChildren();
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
    if (!moving) {
      this.pollDelay = POLL_FIRST_MS;
      return;
    }
    if (this.pollTimer) {
      return;
    }
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      this.s.refresh('ecs', this);
    }, this.pollDelay);
    this.pollDelay = Math.min(POLL_MAX_MS, this.pollDelay * 2);
  }
}

const statusIcon: Record<string, string> = {
  Running: 'vm-running',
  Stopped: 'vm-outline',
  Starting: 'loading~spin',
  Stopping: 'loading~spin',
  Pending: 'loading~spin',
};

/** "Starting…" for states that will change by themselves; the API's word otherwise. */
function statusLabel(status: string): string {
  switch (status) {
    case 'Pending':
      return vscode.l10n.t('Pending…');
    case 'Starting':
      return vscode.l10n.t('Starting…');
    case 'Stopping':
      return vscode.l10n.t('Stopping…');
    default:
      return status;
  }
}

export class InstanceNode extends TreeNode {
  readonly id: string;
  constructor(
    readonly instance: EcsInstance,
    parent: TreeNode,
  ) {
    super();
    this.id = `ecs/${instance.regionId}/${instance.instanceId}`;
    this.parent = parent;
  }
  getTreeItem(): vscode.TreeItem {
    const i = this.instance;
    const item = new vscode.TreeItem(i.instanceName || i.instanceId, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const role = i.ramRoleName
      ? vscode.l10n.t('role: {0}', i.ramRoleName)
      : i.networkType === 'vpc'
        ? vscode.l10n.t('no role')
        : vscode.l10n.t('classic');
    const metadata = metadataModeOf(i);
    // Only the modes that say something: an instance whose options were not returned shows nothing.
    const mode = metadata === 'unknown' ? '' : ` · ${metadataModeLabel(metadata)}`;
    item.description = `${i.instanceId} · ${statusLabel(i.status)}${mode} · ${role}`;
    item.tooltip = tooltip(
      [
        `**${md(i.instanceName)}** ${md(`(${i.instanceId})`)}`,
        TRANSITIONAL_STATES.has(i.status)
          ? vscode.l10n.t('Status: {0} (refreshes by itself until it settles)', i.status)
          : vscode.l10n.t('Status: {0}', i.status),
        vscode.l10n.t(
          'Network: {0}',
          i.networkType === 'vpc' ? `VPC ${i.vpcId ?? ''}` : vscode.l10n.t('classic (RAM roles not supported)'),
        ),
        vscode.l10n.t('Private IP: {0}', i.privateIps.join(', ') || '-'),
        vscode.l10n.t('Public IP: {0}', i.publicIps.join(', ') || '-'),
        vscode.l10n.t('RAM role: {0}', i.ramRoleName ?? '-'),
        vscode.l10n.t('Metadata: {0}', metadataModeLabel(metadata)),
        `${i.instanceType} · ${i.zoneId} · ${i.osName}`,
      ].map((line, n) => (n ? md(line) : line)),
    );
    item.iconPath = new vscode.ThemeIcon(statusIcon[i.status] ?? 'vm');
    item.contextValue = ContextValues.instance(i.networkType, !!i.ramRoleName, i.status, {
      publicIp: i.publicIps.some((ip) => ip !== i.eip),
      eip: !!i.eip,
    });
    return item;
  }
}

/** Regions without instances, folded so a 24-region account shows the few that matter. */
export class EmptyRegionsNode extends TreeNode {
  readonly id = 'ecs/emptyRegions';
  constructor(
    private readonly s: Services,
    private readonly probes: RegionProbe[],
  ) {
    super();
  }
  getTreeItem(): vscode.TreeItem {
    const n = this.probes.length;
    const item = new vscode.TreeItem(
      n === 1 ? vscode.l10n.t('1 empty region') : vscode.l10n.t('{0} empty regions', n),
      vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('globe');
    item.tooltip = this.probes.map((p) => p.regionId).join(', ');
    item.contextValue = ContextValues.emptyRegions;
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    return this.probes.map((p) => new RegionNode(this.s, p.regionId, p, this));
  }
}

export async function ecsRoots(s: Services, defaultRegion: string): Promise<TreeNode[]> {
  const chosen = chosenRegions();
  if (chosen.length) {
    return chosen.map((r) => new RegionNode(s, r));
  }
  return childrenOrError('ecs', async () => {
    const { cloud } = await s.cloud();
    const { regions, probes = [] } = await ecsRegions(cloud.ecs, defaultRegion, PAGE);
    const shown = probes.filter((p) => regions.includes(p.regionId));
    const empty = probes.filter((p) => !regions.includes(p.regionId));
    return [
      ...shown.map((p) => new RegionNode(s, p.regionId, p)),
      ...(empty.length ? [new EmptyRegionsNode(s, empty)] : []),
    ];
  });
}
