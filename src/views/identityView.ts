/** Who am I: the active profile, its caller identity (account, user or role), and how to switch. */
import * as vscode from 'vscode';
import type { CallerIdentity } from '../cloud/sts';
import type { ProfileEntry } from '../ui/profiles';
import { ContextValues } from './contextValues';
import { ErrorNode, MessageNode, TreeNode } from './node';
import type { Services } from './services';

const sourceLabel = (e: ProfileEntry): string => ({
  extension: vscode.l10n.t('AccessKey profile'), cli: vscode.l10n.t('aliyun CLI profile'), env: vscode.l10n.t('environment'),
  sandbox: vscode.l10n.t('local sandbox'), instance: vscode.l10n.t('ECS instance role'),
})[e.source];

export class ProfileNode extends TreeNode {
  readonly id: string;
  private identity?: CallerIdentity;
  private error?: unknown;
  constructor(private readonly s: Services, readonly entry: ProfileEntry) {
    super();
    this.id = `identity/${entry.id}`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.entry.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.description = `${sourceLabel(this.entry)} · ${this.entry.regionId}`;
    item.iconPath = new vscode.ThemeIcon('account');
    item.contextValue = ContextValues.profile;
    item.command = { command: 'alibabaCloud.selectProfile', title: vscode.l10n.t('Switch Profile') };
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    if (!this.identity && !this.error) {
      try {
        this.identity = await (await this.s.cloud()).cloud.whoAmI();
      } catch (e) {
        this.error = e;
      }
    }
    if (this.error) { return [new ErrorNode(`${this.id}/error`, this.error)]; }
    const id = this.identity!;
    const kind = id.identityType === 'Account' ? vscode.l10n.t('root account') : id.identityType === 'RAMUser' ? vscode.l10n.t('RAM user') : vscode.l10n.t('assumed role');
    return [
      new MessageNode(`${this.id}/account`, vscode.l10n.t('Account: {0}', id.accountId), 'key'),
      new MessageNode(`${this.id}/principal`, `${kind}: ${id.arn}`, id.identityType === 'AssumedRoleUser' ? 'shield' : 'person', id.arn),
    ];
  }
  invalidate(): void { this.identity = undefined; this.error = undefined; }
}

export async function identityRoots(s: Services, extra: () => TreeNode[]): Promise<TreeNode[]> {
  const entry = s.profiles.active();
  // With no profile, the view's welcome content (viewsWelcome) takes over.
  if (!entry) { return []; }
  return [...extra(), new ProfileNode(s, entry)];
}
