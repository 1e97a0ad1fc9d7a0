/**
 * Tree nodes are small objects that know their TreeItem and children; providers only dispatch.
 * State nodes (loading errors, empty lists, "Load more") are nodes too, never toasts.
 */
import * as vscode from 'vscode';
import { CloudError } from '../cloud/errors';
import { SetupError } from '../setup/setupError';
import { describeError } from '../ui/errorFunnel';
import { isRefusal, ramActionOf, refusedWhat, type RefusedIdentity } from '../errorHelp/refusal';
import { ContextValues } from './contextValues';

export abstract class TreeNode {
  parent?: TreeNode;
  abstract readonly id: string;
  abstract getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;
  getChildren?(): Promise<TreeNode[]>;
  /** Drops cached children so the next getChildren reloads. */
  invalidate?(): void;
}

export class MessageNode extends TreeNode {
  constructor(
    readonly id: string,
    private readonly label: string,
    private readonly icon = 'info',
    private readonly tooltip?: string,
    private readonly command?: vscode.Command,
  ) {
    super();
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.tooltip = this.tooltip;
    item.command = this.command;
    item.contextValue = ContextValues.message;
    return item;
  }
}

/**
 * A failed load, in words: a refusal says who may not do what ("Instance role E2eOssReader may not
 * list RAM roles") and offers Switch Profile, Check Access and Show Log below it; anything else
 * shows the funnel's message ("ecs.cn-hangzhou answered HTTP 500 with an empty body") with Retry
 * and Show Log.
 */
export class ErrorNode extends TreeNode {
  /** Names the active identity; set by the explorer, since nodes get no services of their own. */
  static identity?: () => Promise<RefusedIdentity | undefined>;
  private who?: Promise<RefusedIdentity | undefined>;
  constructor(
    readonly id: string,
    private readonly error: unknown,
  ) {
    super();
  }
  private get cause(): unknown {
    return this.error instanceof SetupError ? this.error.error : this.error;
  }
  private identity(): Promise<RefusedIdentity | undefined> {
    this.who ??= (ErrorNode.identity?.() ?? Promise.resolve(undefined)).catch(() => undefined);
    return this.who;
  }
  async getTreeItem(): Promise<vscode.TreeItem> {
    const { message, fix } = describeError(this.error);
    const err = this.cause;
    const requestId =
      err instanceof CloudError && err.requestId ? vscode.l10n.t('Request id: {0}', err.requestId) : undefined;
    const details = [message, fix, requestId].filter(Boolean).join('\n\n');
    let item: vscode.TreeItem;
    if (isRefusal(err)) {
      const who = await this.identity();
      const label = vscode.l10n.t('{0} may not {1}', who?.label ?? vscode.l10n.t('This identity'), refusedWhat(err));
      item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
      item.description = ramActionOf(err);
      item.iconPath = new vscode.ThemeIcon('lock', new vscode.ThemeColor('errorForeground'));
      item.tooltip = `${label}${item.description ? ` (${item.description})` : ''}.\n\n${details}`;
      item.contextValue = ContextValues.refusal;
      item.accessibilityInformation = { label: vscode.l10n.t('Refused: {0}. {1}', label, details) };
    } else {
      item = new vscode.TreeItem(message, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.tooltip = details;
      item.contextValue = ContextValues.error;
      item.accessibilityInformation = { label: vscode.l10n.t('Error: {0}', details) };
    }
    item.id = this.id;
    return item;
  }
  async getChildren(): Promise<TreeNode[]> {
    const showLog = new MessageNode(`${this.id}/log`, vscode.l10n.t('Show Log'), 'output', undefined, {
      command: 'alibabaCloud.showLog',
      title: vscode.l10n.t('Show Log'),
    });
    const err = this.cause;
    if (!isRefusal(err)) {
      // Under a node: reload that node. At the top of a view: reload the view (ids start with it).
      const reload = this.parent
        ? { command: 'alibabaCloud.refreshNode', arguments: [this.parent] }
        : { command: `alibabaCloud.${this.id.split('/')[0]}.refresh` };
      return [
        new MessageNode(`${this.id}/retry`, vscode.l10n.t('Retry'), 'refresh', undefined, {
          ...reload,
          title: vscode.l10n.t('Retry'),
        }),
        showLog,
      ];
    }
    const who = await this.identity();
    const action = ramActionOf(err);
    // Check Access for the refused identity and action, when both are known; otherwise it asks.
    const checkArgs =
      action && (who?.role || who?.user)
        ? [{ roleName: who.role, userName: who.user, action, resource: err.resource ?? '*' }]
        : [];
    return [
      new MessageNode(
        `${this.id}/switch`,
        vscode.l10n.t('Switch Profile…'),
        'account',
        vscode.l10n.t('Use another identity for the extension'),
        { command: 'alibabaCloud.selectProfile', title: vscode.l10n.t('Switch Profile…') },
      ),
      new MessageNode(
        `${this.id}/check`,
        action ? vscode.l10n.t('Check Access for {0}…', action) : vscode.l10n.t('Check Access…'),
        'shield',
        vscode.l10n.t('Which policy would allow it, and the statement to add'),
        { command: 'alibabaCloud.ram.checkAccess', title: vscode.l10n.t('Check Access…'), arguments: checkArgs },
      ),
      showLog,
    ];
  }
}

export const emptyNode = (parentId: string, label: string) =>
  new MessageNode(`${parentId}/empty`, label, 'circle-slash');

/** Runs a loader, turning a failure into an error node so a tree never throws at the user. */
export async function childrenOrError(parentId: string, load: () => Promise<TreeNode[]>): Promise<TreeNode[]> {
  try {
    return await load();
  } catch (e) {
    return [new ErrorNode(`${parentId}/error`, e)];
  }
}
