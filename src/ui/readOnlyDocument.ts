/**
 * Read-only generated documents (reports, guides, suggested statements, properties): a content
 * provider on its own scheme, so the editor offers no save, closing never asks to save, and the text
 * cannot drift from what produced it. The language follows the path's extension (`.md`, `.json`).
 * Registered on first use, so activation stays as it was. One instance, owned by Services.
 */
import * as vscode from 'vscode';

export const READ_ONLY_SCHEME = 'alibabacloud-properties';

/**
 * The column "beside the current editor": `Beside` when the active group shows something, else the
 * active group itself. `Beside` with nothing open makes a second group and leaves the first empty.
 */
export function besideColumn(): vscode.ViewColumn {
  return vscode.window.tabGroups.activeTabGroup.tabs.length ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
}

export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private registration: vscode.Disposable | undefined;
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
  /** The read-only document at `path` (e.g. `/ecs/cn-hangzhou/i-….md`) holding `text`, opened but not shown. */
  async open(path: string, text: string): Promise<vscode.TextDocument> {
    this.registration ??= vscode.workspace.registerTextDocumentContentProvider(READ_ONLY_SCHEME, this);
    const uri = vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return vscode.workspace.openTextDocument(uri);
  }

  /** Opens (or refreshes) the read-only document `path` in an editor. */
  async show(
    path: string,
    text: string,
    options: vscode.TextDocumentShowOptions = { preview: true },
  ): Promise<vscode.TextDocument> {
    const doc = await this.open(path, text);
    await vscode.window.showTextDocument(doc, options);
    return doc;
  }

  /**
   * Opens the read-only markdown document `path` rendered (the built-in Markdown preview, which runs
   * no script and follows the user's preview security setting); as text where no preview exists.
   * Cloud values in `text` must be escaped with `markdownCell` (cloud/inert).
   */
  async showRendered(path: string, text: string): Promise<vscode.TextDocument> {
    const doc = await this.open(path, text);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    } catch {
      await vscode.window.showTextDocument(doc, { preview: true });
    }
    return doc;
  }

  dispose(): void {
    this.registration?.dispose();
    this.changed.dispose();
  }
}
