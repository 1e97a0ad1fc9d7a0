/**
 * RAM documents in the editor, each bound to the profile it was opened with (see ui/liveBinding):
 * policy drafts, custom policy versions and role trust policies are editable, system policies are
 * read-only. Saving only validates (Problems panel) and keeps the text here: nothing reaches RAM
 * until the user runs the explicit deploy action in the editor title (commands/ramDeploy), so
 * autosave can never change permissions. The URI path names the profile, so the editor tab's
 * tooltip and description show whose account the document belongs to:
 *   /<profile>/drafts/<Policy>.policy.json
 *   /<profile>/policies/<Custom|System>/<Policy>[.<vN>].policy.json
 *   /<profile>/roles/<Role>.trust.policy.json
 * File names end in `.policy.json` so the contributed JSON schema applies.
 * The URIs this extension opens carry a MAC (services/bindingTrust): one from a workspace file or a
 * link names a profile, but is read only once the user allows that profile, never silently.
 */
import * as vscode from 'vscode';
import { statusMessage } from '../ui/prompt';
import type { PolicyType } from '../cloud/ram';
import type { PolicyKind } from '../policy/lint';
import {
  activeBinding,
  bindingFromUri,
  bindingQuery,
  cloudForRead,
  type LiveBinding,
  type LiveTarget,
} from '../services/liveBinding';
import type { PolicyDocuments, Services } from '../services/services';

export const RAM_SCHEME = 'alibabacloud-ram';
/** Read-only snapshots of what is live in RAM, the left side of the deploy diff. */
export const LIVE_SCHEME = 'alibabacloud-ram-live';

export type { LiveTarget };

/** A profile name as one path segment (it is only displayed; the binding is in the query). */
const segment = (name: string) => name.replace(/[\\/]/g, '∕') || '-';

function pathOf(b: LiveBinding, t: LiveTarget): string {
  const root = `/${segment(b.profileName)}`;
  switch (t.kind) {
    case 'newPolicy':
      return `${root}/drafts/${t.policyName}.policy.json`;
    case 'trust':
      return `${root}/roles/${t.roleName}.trust.policy.json`;
    default:
      return `${root}/policies/${t.policyType}/${t.policyName}${t.versionId ? `.${t.versionId}` : ''}.policy.json`;
  }
}

/** A draft's URI: drafts live only in memory, so nothing is read through it (no MAC needed). */
const draftUri = (b: LiveBinding, t: LiveTarget) =>
  vscode.Uri.from({ scheme: RAM_SCHEME, path: pathOf(b, t), query: bindingQuery(b) });

/** The URI of a document in RAM, signed so that opening it asks nothing. */
export async function liveUri(s: Pick<Services, 'bindingTrust'>, b: LiveBinding, t: LiveTarget): Promise<vscode.Uri> {
  const path = pathOf(b, t);
  return vscode.Uri.from({ scheme: RAM_SCHEME, path, query: await s.bindingTrust.signedRamQuery(b, path) });
}

/** The document in RAM for a policy (default version, or `version`), bound to the active profile. */
export const policyDocumentUri = (s: Services, type: PolicyType, name: string, version?: string) =>
  liveUri(s, activeBinding(s), { kind: 'policy', policyType: type, policyName: name, versionId: version });
export const trustPolicyUri = (s: Services, roleName: string) =>
  liveUri(s, activeBinding(s), { kind: 'trust', roleName });

/** What a live URI is about, or undefined when it is not one of ours. */
export function parseLiveUri(uri: vscode.Uri): { binding: LiveBinding; target: LiveTarget } | undefined {
  const binding = bindingFromUri(uri);
  if ((uri.scheme !== RAM_SCHEME && uri.scheme !== LIVE_SCHEME) || !binding) {
    return undefined;
  }
  const [, , area, ...rest] = uri.path.split('/');
  const file = rest.join('/');
  if (area === 'drafts') {
    const m = /^(.+)\.policy\.json$/.exec(file);
    return m ? { binding, target: { kind: 'newPolicy', policyName: m[1] } } : undefined;
  }
  if (area === 'roles') {
    const m = /^(.+)\.trust\.policy\.json$/.exec(file);
    return m ? { binding, target: { kind: 'trust', roleName: m[1] } } : undefined;
  }
  if (area === 'policies') {
    const m = /^(System|Custom)\/([A-Za-z0-9-]+)(?:\.(v\d+))?\.policy\.json$/.exec(file);
    return m
      ? { binding, target: { kind: 'policy', policyType: m[1] as PolicyType, policyName: m[2], versionId: m[3] } }
      : undefined;
  }
  return undefined;
}

export const lintKind = (t: LiveTarget): PolicyKind => (t.kind === 'trust' ? 'trust' : 'permission');

export function pretty(doc: string): string {
  try {
    return JSON.stringify(JSON.parse(doc), null, 2) + '\n';
  } catch {
    return doc;
  }
}

interface Entry {
  target: LiveTarget;
  binding: LiveBinding;
  data: Uint8Array;
  mtime: number;
  readonly: boolean;
}

/** Opens `text` as a new-policy draft bound to the active profile; "Create Policy" deploys it. */
export async function openPolicyDraft(
  s: Services,
  target: Extract<LiveTarget, { kind: 'newPolicy' }>,
  text: string,
  viewColumn?: vscode.ViewColumn,
): Promise<vscode.TextEditor> {
  const uri = s.documents.openDraft(activeBinding(s), target, text);
  return vscode.window.showTextDocument(uri, { preview: false, viewColumn });
}

export class LiveRamDocuments
  implements PolicyDocuments, vscode.FileSystemProvider, vscode.TextDocumentContentProvider, vscode.Disposable
{
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  /** LIVE_SCHEME snapshots: what RAM held when a diff was opened. */
  private readonly snapshots = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly snapshotEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.snapshotEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly s: Services) {
    this.subscriptions.push(
      // Problems as you type come from ui/policyDiagnostics (one linter, one collection).
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
  }

  openDraft(binding: LiveBinding, target: Extract<LiveTarget, { kind: 'newPolicy' }>, text: string): vscode.Uri {
    const uri = draftUri(binding, target);
    const reopened = this.entries.has(uri.toString());
    this.entries.set(uri.toString(), { target, binding, data: Buffer.from(text), mtime: Date.now(), readonly: false });
    // An editor still showing an older draft of the same name reloads the new text.
    if (reopened) {
      this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    }
    return uri;
  }

  /** A read-only snapshot of `text` for the left side of a diff. */
  snapshot(uri: vscode.Uri, label: string, text: string): vscode.Uri {
    const snap = uri.with({ scheme: LIVE_SCHEME, path: uri.path.replace(/\.policy\.json$/, `.${label}.policy.json`) });
    this.snapshots.set(snap.toString(), text);
    this.snapshotEmitter.fire(snap);
    return snap;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.snapshots.get(uri.toString()) ?? '';
  }

  /**
   * Drops a policy or trust document that no editor holds unsaved, so opening it again shows what
   * RAM has now. Drafts stay: they exist nowhere else.
   */
  forget(uri: vscode.Uri): void {
    const e = this.entries.get(uri.toString());
    if (!e || e.target.kind === 'newPolicy') {
      return;
    }
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) {
      return;
    }
    this.entries.delete(uri.toString());
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  /** After a deploy, the document now matches RAM; forget a draft that became a policy. */
  deployed(uri: vscode.Uri): void {
    const e = this.entries.get(uri.toString());
    if (e?.target.kind === 'newPolicy') {
      this.entries.delete(uri.toString());
    }
  }

  private async entry(uri: vscode.Uri): Promise<Entry> {
    const key = uri.toString();
    const known = this.entries.get(key);
    if (known) {
      return known;
    }
    let p = this.loading.get(key);
    if (!p) {
      p = this.load(uri).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private async load(uri: vscode.Uri): Promise<Entry> {
    const parsed = parseLiveUri(uri);
    // Drafts live only in memory: after a reload there is nothing to restore.
    if (!parsed || parsed.target.kind === 'newPolicy') {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
    const { target, binding } = parsed;
    // Nothing is sent with a profile the URI chose until the user allows it.
    await this.s.bindingTrust.admitRam(uri, binding);
    const bound = await cloudForRead(this.s, binding).catch((e: Error) => {
      throw vscode.FileSystemError.Unavailable(e.message);
    });
    try {
      let text: string;
      if (target.kind === 'trust') {
        text = (await bound.cloud.ram.getRole(target.roleName)).trustPolicy ?? '';
      } else if (target.versionId) {
        text = (await bound.cloud.ram.getPolicyVersion(target.policyName, target.policyType, target.versionId))
          .document;
      } else {
        text = (await bound.cloud.ram.getPolicy(target.policyName, target.policyType)).document;
      }
      const e: Entry = {
        target,
        binding,
        data: Buffer.from(pretty(text)),
        mtime: Date.now(),
        readonly: target.kind === 'policy' && target.policyType === 'System',
      };
      this.entries.set(uri.toString(), e);
      return e;
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('EntityNotExist')) {
        throw vscode.FileSystemError.FileNotFound(uri);
      }
      throw vscode.FileSystemError.Unavailable((e as Error).message);
    } finally {
      bound.release();
    }
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const e = await this.entry(uri);
    return {
      type: vscode.FileType.File,
      ctime: e.mtime,
      mtime: e.mtime,
      size: e.data.byteLength,
      permissions: e.readonly ? vscode.FilePermission.Readonly : undefined,
    };
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions();
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return (await this.entry(uri)).data;
  }

  /** Keeps the text and validates it; RAM is changed only by the deploy commands. */
  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    const e = this.entries.get(uri.toString());
    if (!e) {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
    if (e.readonly) {
      throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('System policies cannot be changed.'));
    }
    e.data = content;
    e.mtime = Date.now();
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    statusMessage(
      e.target.kind === 'newPolicy'
        ? vscode.l10n.t('Saved in the editor only. "Create Policy" in the editor title creates it in RAM.')
        : e.target.kind === 'trust'
          ? vscode.l10n.t('Saved in the editor only. "Update Trust Policy" in the editor title changes the role.')
          : vscode.l10n.t(
              'Saved in the editor only. "Deploy as New Default RAM Policy Version" in the editor title deploys it.',
            ),
      5000,
    );
  }

  delete(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions();
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    this.emitter.dispose();
    this.snapshotEmitter.dispose();
  }
}

/** The RAM documents and their two schemes' registrations (disposing it also disposes the documents). */
export function registerRamDocuments(s: Services): { documents: LiveRamDocuments; registration: vscode.Disposable } {
  const documents = new LiveRamDocuments(s);
  return {
    documents,
    registration: vscode.Disposable.from(
      documents,
      vscode.workspace.registerFileSystemProvider(RAM_SCHEME, documents),
      vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, documents),
    ),
  };
}
