/**
 * Read-only generated documents (instance and object properties): a content provider on its own
 * scheme, so the editor offers no save and the text cannot drift from what the cloud returned.
 * Registered on first use, so activation stays as it was.
 */
import * as vscode from 'vscode';
import type { Services } from '../ui/services';

export const PROPERTIES_SCHEME = 'alibabacloud-properties';

class PropertiesDocuments implements vscode.TextDocumentContentProvider {
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

let provider: PropertiesDocuments | undefined;

/** Opens (or refreshes) the read-only document `path` (e.g. `/ecs/cn-hangzhou/i-….md`). */
export async function showPropertiesDocument(s: Services, path: string, text: string): Promise<vscode.TextDocument> {
  if (!provider) {
    provider = new PropertiesDocuments();
    s.context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(PROPERTIES_SCHEME, provider));
  }
  const uri = vscode.Uri.from({ scheme: PROPERTIES_SCHEME, path });
  provider.set(uri, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}
