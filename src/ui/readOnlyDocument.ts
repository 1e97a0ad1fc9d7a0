/**
 * Read-only generated documents (reports, guides, suggested statements, properties): a content
 * provider on its own scheme, so the editor offers no save, closing never asks to save, and the text
 * cannot drift from what produced it. The language follows the path's extension (`.md`, `.json`).
 * Registered on first use, so activation stays as it was.
 */
import * as vscode from 'vscode';

export const READ_ONLY_SCHEME = 'alibabacloud-properties';

class ReadOnlyDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }
}

let provider: ReadOnlyDocuments | undefined;

/** The read-only document at `path` (e.g. `/ecs/cn-hangzhou/i-….md`) holding `text`, opened but not shown. */
export async function readOnlyDocument(path: string, text: string): Promise<vscode.TextDocument> {
  if (!provider) {
    provider = new ReadOnlyDocuments();
    // Lives as long as the extension host; nothing else registers this scheme.
    vscode.workspace.registerTextDocumentContentProvider(READ_ONLY_SCHEME, provider);
  }
  const uri = vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path });
  provider.set(uri, text);
  return vscode.workspace.openTextDocument(uri);
}

/** Opens (or refreshes) the read-only document `path` in an editor. */
export async function showReadOnlyDocument(path: string, text: string, options: vscode.TextDocumentShowOptions = { preview: true }): Promise<vscode.TextDocument> {
  const doc = await readOnlyDocument(path, text);
  await vscode.window.showTextDocument(doc, options);
  return doc;
}
