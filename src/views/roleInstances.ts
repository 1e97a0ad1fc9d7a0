/**
 * "Instances" under a role: the ECS instances that hold it, so detaching, deleting or tightening a
 * role shows first who would lose it. Found with DescribeInstanceRamRole by RamRoleName in each
 * region the ECS view shows (alibabaCloud.regions, or every region ECS lists).
 */
import * as vscode from 'vscode';
import type { EcsInstance } from '../cloud/ecs';
import { ecsKey } from '../cloud/inventory';
import { chosenRegions, requestLimiter } from '../ui/settings';
import type { Services } from '../services/services';
import { ContextValues } from './contextValues';
import { InstanceNode } from './ecsView';
import { childrenOrError, MessageNode, TreeNode } from './node';

/** DescribeInstances takes up to 100 ids in InstanceIds (API reference). */
const IDS_PER_CALL = 100;

/** An instance shown under a role: the ECS view's node (same commands), with an id of this tree. */
class RoleInstanceNode extends InstanceNode {
  override readonly id: string;
  constructor(instance: EcsInstance, parent: TreeNode) {
    super(instance, parent);
    this.id = `${parent.id}/${instance.regionId}/${instance.instanceId}`;
  }
  override getTreeItem(): vscode.TreeItem {
    const item = super.getTreeItem();
    item.id = this.id;
    item.description = `${this.instance.instanceId} · ${this.instance.regionId} · ${this.instance.status}`;
    return item;
  }
}

export class RoleInstancesNode extends TreeNode {
  readonly id: string;
  constructor(
    private readonly s: Services,
    readonly roleName: string,
    parent: TreeNode,
  ) {
    super();
    this.id = `${parent.id}/instances`;
    this.parent = parent;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Instances'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('vm');
    item.tooltip = vscode.l10n.t('ECS instances this role is attached to');
    item.contextValue = ContextValues.roleInstances;
    return item;
  }
  getChildren(): Promise<TreeNode[]> {
    return childrenOrError(this.id, async () => {
      const { cloud } = await this.s.cloud();
      const chosen = chosenRegions();
      const regions = chosen.length ? chosen : (await cloud.ecs.describeRegions()).map((r) => r.regionId);
      // Every region at once, bounded per region and in all like the ECS view's region probe.
      const limiter = requestLimiter();
      const inRegion = <T>(regionId: string, read: () => Promise<T>) => limiter.run(read, 0, ecsKey(regionId));
      const perRegion = await Promise.all(
        regions.map(async (regionId) => {
          const ids = await inRegion(regionId, () => cloud.ecs.instancesWithRole(regionId, this.roleName));
          const found: EcsInstance[] = [];
          // The names and status, which DescribeInstanceRamRole does not return.
          for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
            const chunk = ids.slice(i, i + IDS_PER_CALL);
            const page = await inRegion(regionId, () =>
              cloud.ecs.listInstances(regionId, undefined, IDS_PER_CALL, { instanceIds: chunk }),
            );
            const byId = new Map(page.items.map((x) => [x.instanceId, x]));
            // An instance released between the two calls is gone: it no longer holds the role.
            for (const id of chunk) {
              const x = byId.get(id);
              if (x) {
                found.push({ ...x, ramRoleName: this.roleName });
              }
            }
          }
          return found;
        }),
      );
      const nodes = perRegion.flat().map((i) => new RoleInstanceNode(i, this));
      return nodes.length
        ? nodes
        : [new MessageNode(`${this.id}/none`, vscode.l10n.t('No instance has this role'), 'info')];
    });
  }
}
