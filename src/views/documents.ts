/**
 * Policy documents in the editor:
 * - read-only views of trust policies and policy versions (`alibabacloud-ram:`), pretty-printed;
 * - drafts (`alibabacloud-ram-draft:`) that become a new custom policy or a new policy version
 *   when saved — linted first, so malformed JSON never reaches RAM. File names end in
 *   `.policy.json` so the contributed JSON schema applies.
 */
import * as vscode from 'vscode';
import type { PolicyType } from '../cloud/ram';
import { lintPolicy } from '../policy/lint';
import type { Services } from './services';

export const RAM_SCHEME = 'alibabacloud-ram';
export const DRAFT_SCHEME = 'alibabacloud-ram-draft';

export const trustPolicyUri = (roleName: string) => vscode.Uri.from({ scheme: RAM_SCHEME, path: `/roles/${roleName}/trust.policy.json` });
export const policyDocumentUri = (type: PolicyType, name: string, version?: string) =>
  vscode.Uri.from({ scheme: RAM_SCHEME, path: `/policies/${type}/${name}${version ? `/${version}` : ''}.policy.json` });

function pretty(doc: string): string {
  try { return JSON.stringify(JSON.parse(doc), null, 2) + '\n'; } catch { return doc; }
}

export class RamDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly s: Services) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { cloud } = await this.s.cloud();
    const parts = uri.path.replace(/\.policy\.json$/, '').split('/').filter(Boolean);
    if (parts[0] === 'roles') {
      return pretty((await cloud.ram.getRole(parts[1])).trustPolicy ?? '');
    }
    const [, type, name, version] = parts as [string, PolicyType, string, string?];
    if (version) { return pretty((await cloud.ram.getPolicyVersion(name, type, version)).document); }
    return pretty((await cloud.ram.getPolicy(name, type)).document);
  }
}

/** What saving a draft does. */
export type DraftTarget = { kind: 'newPolicy'; policyName: string; description?: string } | { kind: 'newVersion'; policyName: string };

export const draftUri = (target: DraftTarget) => vscode.Uri.from({ scheme: DRAFT_SCHEME, path: `/${target.kind}/${target.policyName}.policy.json` });

/** The provider registered at activation, so commands can open drafts without a new service. */
let registeredDrafts: PolicyDraftFileSystem | undefined;

/** Opens `text` as a draft in an editor; saving it creates the policy (or version) in RAM. */
export async function openPolicyDraft(target: DraftTarget, text: string): Promise<vscode.TextEditor> {
  if (!registeredDrafts) { throw new Error(vscode.l10n.t('Policy drafts are not available yet; try again once the extension has started.')); }
  const uri = registeredDrafts.open(target, text);
  return vscode.window.showTextDocument(uri, { preview: false });
}

/** In-memory drafts; writeFile lints and creates the policy (or version) in RAM. */
export class PolicyDraftFileSystem implements vscode.FileSystemProvider {
  private readonly files = new Map<string, { data: Uint8Array; mtime: number; target: DraftTarget; created?: boolean }>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** Fires after RAM accepted a saved draft. */
  private readonly savedEmitter = new vscode.EventEmitter<DraftTarget>();
  readonly onDidCreate = this.savedEmitter.event;

  constructor(private readonly s: Services) {
    registeredDrafts = this;
  }

  open(target: DraftTarget, text: string): vscode.Uri {
    const uri = draftUri(target);
    const reopened = this.files.has(uri.path);
    this.files.set(uri.path, { data: Buffer.from(text), mtime: Date.now(), target });
    // An editor still showing an older draft of the same name reloads the new text.
    if (reopened) { this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]); }
    return uri;
  }

  watch(): vscode.Disposable { return new vscode.Disposable(() => undefined); }

  stat(uri: vscode.Uri): vscode.FileStat {
    const f = this.files.get(uri.path);
    if (!f) { throw vscode.FileSystemError.FileNotFound(uri); }
    return { type: vscode.FileType.File, ctime: f.mtime, mtime: f.mtime, size: f.data.byteLength };
  }

  readDirectory(): [string, vscode.FileType][] { return []; }
  createDirectory(): void { throw vscode.FileSystemError.NoPermissions(); }

  readFile(uri: vscode.Uri): Uint8Array {
    const f = this.files.get(uri.path);
    if (!f) { throw vscode.FileSystemError.FileNotFound(uri); }
    return f.data;
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const f = this.files.get(uri.path);
    if (!f) { throw vscode.FileSystemError.FileNotFound(uri); }
    const text = Buffer.from(content).toString('utf8');
    const errors = lintPolicy(text, 'permission').filter((d) => d.severity === 'error');
    if (errors.length) {
      // Refusing the save keeps the editor dirty, so nothing typed is lost.
      throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('The policy was not saved: {0}', errors.map((e) => e.message).join('; ')));
    }
    const { cloud } = await this.s.cloud();
    if (f.target.kind === 'newPolicy' && !f.created) {
      await cloud.ram.createPolicy(f.target.policyName, text, f.target.description);
      f.created = true;
    } else {
      // Saving again after creation adds a version rather than failing on "already exists".
      await cloud.ram.createPolicyVersion(f.target.policyName, text, true);
    }
    f.data = content;
    f.mtime = Date.now();
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    this.savedEmitter.fire(f.target);
  }

  delete(uri: vscode.Uri): void { this.files.delete(uri.path); }
  rename(): void { throw vscode.FileSystemError.NoPermissions(); }
}
