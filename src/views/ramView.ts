/** RAM → Roles (trust badge, trust policy, attached policies) and Policies (Custom/System → versions). */
import * as vscode from 'vscode';
import type { AttachedPolicy, PolicySummary, PolicyType, PolicyVersionInfo, Role } from '../cloud/ram';
import { ECS_SERVICE } from '../policy/builders';
import { trustsService } from '../policy/trust';
import { ContextValues } from './contextValues';
import { policyDocumentUri, trustPolicyUri } from '../fs/ramDocuments';
import { childrenOrError, emptyNode, TreeNode } from './node';
import { PagedNode, type PagedParent } from './pagedNode';
import { filteredPage, mapLimit, type Page } from '../cloud/paging';
import { PolicyUsedByNode } from './policyUsage';
import { RoleInstancesNode } from './roleInstances';
import type { Services } from '../services/services';
import { md, tooltip } from './tooltip';

const PAGE = 100;
/** ListRoles/ListPolicies take up to 1,000 per page (MaxItems); a filter reads that many at a time. */
const FILTER_PAGE = 1000;

/**
 * A RAM folder that can be filtered by name. ListRoles and ListPolicies take no name parameter
 * (SDK ListRolesRequest/ListPoliciesRequest: Marker, MaxItems, PolicyType, Tag only), so the
 * filter is applied to the listing pages as they arrive (cloud/paging.ts filteredPage): no second
 * pass over the API, and the per-role GetRole is asked only for roles that match.
 */
export interface FilterableFolder extends PagedParent {
  readonly filter: string | undefined;
  setFilter(filter: string | undefined): Promise<void>;
}

export class RolesFolderNode extends PagedNode<Role> implements FilterableFolder {
  readonly id = 'ram/roles';
  constructor(private readonly s: Services) {
    super();
  }
  protected async loadPage(marker: string | undefined): Promise<Page<Role>> {
    const { cloud } = await this.s.cloud();
    const page = await filteredPage(
      this.filter,
      marker,
      (m, max) => cloud.ram.listRoles(m, max),
      (r) => r.roleName,
      PAGE,
      FILTER_PAGE,
    );
    // ListRoles omits trust policies; fetch them so the ECS badge is right from the start.
    const full = await mapLimit(page.items, 8, (r) => cloud.ram.getRole(r.roleName).catch(() => r));
    return { items: full, next: page.next };
  }
  protected toNode(r: Role): TreeNode {
    return new RoleNode(this.s, r, this);
  }
  protected emptyLabel(): string {
    return this.filter ? vscode.l10n.t('No roles match "{0}"', this.filter) : vscode.l10n.t('No roles yet');
  }
  get filter(): string | undefined {
    return this.s.filters.get(`ram:${this.id}`);
  }
  async setFilter(filter: string | undefined): Promise<void> {
    await this.s.filters.set(`ram:${this.id}`, filter);
    this.pages.reset();
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Roles'), vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = this.filter ? vscode.l10n.t('filter: {0}', this.filter) : undefined;
    item.iconPath = new vscode.ThemeIcon('organization');
    item.contextValue = ContextValues.rolesFolder;
    return item;
  }
}

export class RoleNode extends TreeNode {
  readonly id: string;
  private policies?: AttachedPolicy[];
  constructor(
    private readonly s: Services,
    readonly role: Role,
    parent: TreeNode,
  ) {
    super();
    this.id = `ram/role/${role.roleName}`;
    this.parent = parent;
  }
  get trustsEcs(): boolean {
    return trustsService(this.role.trustPolicy, ECS_SERVICE);
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.role.roleName, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.trustsEcs ? vscode.l10n.t('ECS') : undefined;
    item.tooltip = tooltip([
      `**${md(this.role.roleName)}**`,
      md(this.role.description),
      md(this.role.arn),
      md(
        this.trustsEcs
          ? vscode.l10n.t('Trusted by ECS: can be attached to instances.')
          : vscode.l10n.t('Not trusted by ECS.'),
      ),
    ]);
    item.iconPath = new vscode.ThemeIcon(this.trustsEcs ? 'verified' : 'account');
    item.contextValue = ContextValues.role(this.trustsEcs);
    return item;
  }
  getChildren(): Promise<TreeNode[]> {
    return childrenOrError(this.id, async () => {
      const { cloud } = await this.s.cloud();
      this.policies ??= await cloud.ram.listPoliciesForRole(this.role.roleName);
      const trust = new DocumentNode(
        `${this.id}/trust`,
        vscode.l10n.t('Trust policy'),
        await trustPolicyUri(this.s, this.role.roleName),
        ContextValues.trustPolicy,
        'shield',
        this,
      );
      const attached = await Promise.all(
        this.policies.map(
          async (p) => new AttachedPolicyNode(this, p, await policyDocumentUri(this.s, p.policyType, p.policyName)),
        ),
      );
      const instances = this.trustsEcs ? [new RoleInstancesNode(this.s, this.role.roleName, this)] : [];
      return [
        trust,
        ...(attached.length ? attached : [emptyNode(this.id, vscode.l10n.t('No policies attached'))]),
        ...instances,
      ];
    });
  }
  invalidate(): void {
    this.policies = undefined;
  }
}

export class AttachedPolicyNode extends TreeNode {
  readonly id: string;
  constructor(
    readonly roleNode: RoleNode,
    readonly policy: AttachedPolicy,
    private readonly uri: vscode.Uri,
  ) {
    super();
    this.id = `${roleNode.id}/policy/${policy.policyType}/${policy.policyName}`;
    this.parent = roleNode;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.policy.policyName, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.policy.policyType;
    item.tooltip = this.policy.description;
    item.accessibilityInformation = {
      label:
        this.policy.policyType === 'System'
          ? vscode.l10n.t('System policy {0}, attached', this.policy.policyName)
          : vscode.l10n.t('Custom policy {0}, attached', this.policy.policyName),
    };
    item.iconPath = new vscode.ThemeIcon('law');
    item.contextValue = ContextValues.attachedPolicy;
    item.command = { command: 'vscode.open', title: vscode.l10n.t('Open Policy'), arguments: [this.uri] };
    return item;
  }
}

export class DocumentNode extends TreeNode {
  constructor(
    readonly id: string,
    private readonly label: string,
    readonly uri: vscode.Uri,
    private readonly contextValue: string,
    private readonly icon: string,
    parent: TreeNode,
    private readonly spoken?: string,
  ) {
    super();
    this.parent = parent;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    if (this.spoken) {
      item.accessibilityInformation = { label: this.spoken };
    }
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.contextValue = this.contextValue;
    item.command = { command: 'vscode.open', title: this.label, arguments: [this.uri] };
    return item;
  }
}

export class PoliciesFolderNode extends TreeNode {
  readonly id = 'ram/policies';
  private readonly groups: PolicyGroupNode[];
  constructor(s: Services) {
    super();
    this.groups = [new PolicyGroupNode(s, 'Custom', this), new PolicyGroupNode(s, 'System', this)];
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Policies'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('law');
    item.contextValue = ContextValues.policiesFolder;
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    return this.groups;
  }
  invalidate(): void {
    this.groups.forEach((g) => g.invalidate());
  }
}

export class PolicyGroupNode extends PagedNode<PolicySummary> implements FilterableFolder {
  readonly id: string;
  constructor(
    private readonly s: Services,
    readonly type: PolicyType,
    parent: TreeNode,
  ) {
    super();
    this.id = `ram/policies/${type}`;
    this.parent = parent;
  }
  protected async loadPage(marker: string | undefined): Promise<Page<PolicySummary>> {
    const { cloud } = await this.s.cloud();
    return filteredPage(
      this.filter,
      marker,
      (m, max) => cloud.ram.listPolicies(this.type, m, max),
      (p) => p.policyName,
      PAGE,
      FILTER_PAGE,
    );
  }
  protected toNode(p: PolicySummary): TreeNode {
    return new PolicyNode(this.s, p, this);
  }
  protected emptyLabel(): string {
    return this.filter ? vscode.l10n.t('No policies match "{0}"', this.filter) : vscode.l10n.t('No policies');
  }
  get filter(): string | undefined {
    return this.s.filters.get(`ram:${this.id}`);
  }
  async setFilter(filter: string | undefined): Promise<void> {
    await this.s.filters.set(`ram:${this.id}`, filter);
    this.pages.reset();
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(
      this.type === 'Custom' ? vscode.l10n.t('Custom') : vscode.l10n.t('System'),
      this.type === 'Custom' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = this.id;
    item.description = this.filter ? vscode.l10n.t('filter: {0}', this.filter) : undefined;
    item.iconPath = new vscode.ThemeIcon(this.type === 'Custom' ? 'folder-library' : 'library');
    item.contextValue = ContextValues.policyGroup(this.type);
    return item;
  }
}

export class PolicyNode extends TreeNode {
  readonly id: string;
  constructor(
    private readonly s: Services,
    readonly policy: PolicySummary,
    parent: TreeNode,
  ) {
    super();
    this.id = `ram/policy/${policy.policyType}/${policy.policyName}`;
    this.parent = parent;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.policy.policyName, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.description = this.policy.defaultVersion;
    item.tooltip = this.policy.description;
    item.accessibilityInformation = {
      label:
        this.policy.policyType === 'System'
          ? vscode.l10n.t('System policy {0}, default version {1}', this.policy.policyName, this.policy.defaultVersion)
          : vscode.l10n.t('Custom policy {0}, default version {1}', this.policy.policyName, this.policy.defaultVersion),
    };
    item.iconPath = new vscode.ThemeIcon('law');
    item.contextValue = ContextValues.policy(this.policy.policyType);
    return item;
  }
  getChildren(): Promise<TreeNode[]> {
    return childrenOrError(this.id, async () => {
      const { cloud } = await this.s.cloud();
      const versions = await cloud.ram.listPolicyVersions(this.policy.policyName, this.policy.policyType);
      return [
        ...(await Promise.all(
          versions.map(
            async (v) =>
              new PolicyVersionNode(
                await policyDocumentUri(this.s, this.policy.policyType, this.policy.policyName, v.versionId),
                this.policy,
                v,
                this,
              ),
          ),
        )),
        new PolicyUsedByNode(this.s, this.policy, this),
      ];
    });
  }
}

/** One version of a policy; a custom policy's non-default versions can be made the default again. */
export class PolicyVersionNode extends DocumentNode {
  constructor(
    uri: vscode.Uri,
    readonly policy: PolicySummary,
    readonly version: PolicyVersionInfo,
    parent: PolicyNode,
  ) {
    super(
      `${parent.id}/${version.versionId}`,
      version.isDefault ? vscode.l10n.t('{0} (default)', version.versionId) : version.versionId,
      uri,
      policy.policyType === 'Custom'
        ? ContextValues.policyVersion(version.isDefault)
        : ContextValues.systemPolicyVersion,
      'file-code',
      parent,
      // The row shows only "v2 (default)"; a screen reader moving through the tree hears whose version it is.
      version.isDefault
        ? vscode.l10n.t('Policy {0}, version {1}, default', policy.policyName, version.versionId)
        : vscode.l10n.t('Policy {0}, version {1}', policy.policyName, version.versionId),
    );
  }
}

export function ramRoots(s: Services): TreeNode[] {
  return [new RolesFolderNode(s), new PoliciesFolderNode(s)];
}
