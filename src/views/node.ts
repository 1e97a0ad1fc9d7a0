/**
 * Tree nodes are small objects that know their TreeItem and children; providers only dispatch.
 * State nodes (loading errors, empty lists, "Load more") are nodes too, never toasts.
 */
import * as vscode from 'vscode';
import { describeError } from '../ui/errorFunnel';
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
  constructor(readonly id: string, private readonly label: string, private readonly icon = 'info', private readonly tooltip?: string, private readonly command?: vscode.Command) {
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

export class ErrorNode extends TreeNode {
  constructor(readonly id: string, private readonly error: unknown) {
    super();
  }
  getTreeItem(): vscode.TreeItem {
    const { message, fix } = describeError(this.error);
    const item = new vscode.TreeItem(vscode.l10n.t('Error: {0}', message), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.tooltip = fix ? `${message}\n\n${fix}` : message;
    item.contextValue = ContextValues.error;
    return item;
  }
}

export const emptyNode = (parentId: string, label: string) => new MessageNode(`${parentId}/empty`, label, 'circle-slash');

/** Runs a loader, turning a failure into an error node so a tree never throws at the user. */
export async function childrenOrError(parentId: string, load: () => Promise<TreeNode[]>): Promise<TreeNode[]> {
  try {
    return await load();
  } catch (e) {
    return [new ErrorNode(`${parentId}/error`, e)];
  }
}
