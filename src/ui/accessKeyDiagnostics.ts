/**
 * AccessKeys in the workspace as warnings in the Problems panel (their own collection), with quick
 * fixes: use the credentials chain, set up an instance role, ignore here. Documents are scanned
 * when opened and when saved; the whole workspace in the background (files.exclude through
 * findFiles, then .gitignore; binaries and large files skipped) with progress in the status bar.
 * Messages show a key masked to its last 4 characters; the ignore list holds fingerprints only.
 */
import * as vscode from 'vscode';
import { IGNORE_MARKER, isScannableName, scanText, type Finding } from '../setup/accessKeyScan';
import type { GitignoreMatcher, ScanStats } from '../setup/accessKeyWorkspace';

// The workspace scan and the code rewrite load when first used (a require() puts them in the lazy
// bundle, esbuild.mjs); checking an open document needs only the scanner.
/* eslint-disable @typescript-eslint/no-require-imports */
const workspaceScan = () => require('../setup/accessKeyWorkspace') as typeof import('../setup/accessKeyWorkspace');
const chainRewrite = () => require('../setup/credentialsChainRewrite') as typeof import('../setup/credentialsChainRewrite');
/* eslint-enable @typescript-eslint/no-require-imports */

export const ACCESS_KEY_SOURCE = 'Alibaba Cloud AccessKey';
const IGNORED_KEY = 'alibabaCloud.accessKeys.ignored';
const SETUP_COMMAND = 'alibabaCloud.setupInstanceRole';
const IGNORE_COMMAND = 'alibabaCloud.accessKeys.ignoreInWorkspace';

export interface WorkspaceScan { stats: ScanStats; files: Array<{ uri: vscode.Uri; findings: Finding[] }> }

const enabled = () => vscode.workspace.getConfiguration('alibabaCloud.accessKeyScan').get<boolean>('enabled', true);

/** Line comment for a language; undefined where there is none (JSON): ignore through the list then. */
function lineComment(languageId: string, fileName: string): string | undefined {
  if (['python', 'shellscript', 'yaml', 'dockerfile', 'properties', 'ruby', 'perl', 'r', 'makefile', 'terraform', 'toml', 'dotenv', 'powershell'].includes(languageId)) { return '#'; }
  if (languageId === 'ini') { return ';'; }
  if (['javascript', 'typescript', 'javascriptreact', 'typescriptreact', 'java', 'go', 'c', 'cpp', 'csharp', 'kotlin', 'scala', 'swift', 'rust', 'php', 'groovy', 'jsonc'].includes(languageId)) { return '//'; }
  if (/(^|\/)(\.env[^/]*|[^/]*\.env|dockerfile[^/]*|[^/]*\.(sh|tf|tfvars|ya?ml|properties|toml))$/i.test(fileName)) { return '#'; }
  return undefined;
}

export class AccessKeyDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  readonly collection = vscode.languages.createDiagnosticCollection('alibabaCloud.accessKeys');
  private readonly findings = new Map<string, Finding[]>();
  private readonly disposables: vscode.Disposable[] = [];
  private running?: Promise<WorkspaceScan>;
  private startupTimer?: NodeJS.Timeout;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.checkDocument(d)),
      vscode.workspace.onDidSaveTextDocument((d) => this.checkDocument(d)),
      vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, this, { providedCodeActionKinds: AccessKeyDiagnostics.providedCodeActionKinds }),
    );
    vscode.workspace.textDocuments.forEach((d) => this.checkDocument(d));
    // Not during activation: the scan starts once the window has settled, in the background.
    if (enabled() && vscode.workspace.workspaceFolders?.length) {
      this.startupTimer = setTimeout(() => { void this.scanWorkspace().catch(() => undefined); }, 5000);
    }
  }

  private ignored(): Set<string> { return new Set(this.context.workspaceState.get<string[]>(IGNORED_KEY, [])); }

  private publish(uri: vscode.Uri, text: string | undefined, findings: Finding[]): void {
    const ignored = this.ignored();
    const kept = findings.filter((f) => !ignored.has(f.fingerprint));
    this.findings.set(uri.toString(), kept);
    if (!kept.length) { this.collection.delete(uri); return; }
    const lines = text?.split('\n');
    this.collection.set(uri, kept.map((f) => {
      // Without the text (workspace scan), the line is enough to place it; the column is found on open.
      const startCol = lines ? f.offset - lines.slice(0, f.line).reduce((n, l) => n + l.length + 1, 0) : 0;
      const range = new vscode.Range(f.line, startCol, f.line, lines ? startCol + f.length : Number.MAX_SAFE_INTEGER);
      const d = new vscode.Diagnostic(range, f.kind === 'accessKeyId'
        ? vscode.l10n.t('AccessKey ID {0} in plain text. Use the instance role (credentials chain) instead of an AccessKey.', f.masked)
        : vscode.l10n.t('AccessKey secret {0} in plain text. Use the instance role (credentials chain) instead of an AccessKey.', f.masked),
      vscode.DiagnosticSeverity.Warning);
      d.source = ACCESS_KEY_SOURCE;
      d.code = f.kind;
      return d;
    }));
  }

  /** Scans an open document now; returns its findings (tests and the events end here). */
  checkDocument(doc: vscode.TextDocument): Finding[] {
    if (!enabled() || doc.uri.scheme !== 'file' || !isScannableName(doc.uri.path) || doc.isClosed) { return []; }
    const text = doc.getText();
    if (text.length > 1024 * 1024) { return []; }
    const findings = scanText(text);
    this.publish(doc.uri, text, findings);
    return this.findings.get(doc.uri.toString()) ?? [];
  }

  /** The whole workspace, once at a time; progress in the status bar, cancellable from there. */
  scanWorkspace(): Promise<WorkspaceScan> {
    this.running ??= Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Scanning for AccessKeys'), cancellable: true }, async (progress, token) => {
      const { GitignoreMatcher, scanFiles } = workspaceScan();
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const uris = await vscode.workspace.findFiles('**/*', undefined, undefined, token);
      const gitignores = await vscode.workspace.findFiles('**/.gitignore', undefined, undefined, token);
      const matchers = new Map<string, GitignoreMatcher>();
      for (const gi of gitignores) {
        const folder = vscode.workspace.getWorkspaceFolder(gi);
        if (!folder) { continue; }
        const m = matchers.get(folder.uri.toString()) ?? new GitignoreMatcher();
        matchers.set(folder.uri.toString(), m);
        const rel = vscode.workspace.asRelativePath(gi, false);
        m.add(rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '', new TextDecoder().decode(await vscode.workspace.fs.readFile(gi)));
      }
      const byKey = new Map<string, vscode.Uri>();
      for (const uri of uris) {
        const folder = vscode.workspace.getWorkspaceFolder(uri);
        const m = folder && matchers.get(folder.uri.toString());
        if (m?.ignores(vscode.workspace.asRelativePath(uri, false))) { continue; }
        byKey.set(uri.toString(), uri);
      }
      let last = 0;
      const { results, stats } = await scanFiles([...byKey.keys()], {
        read: async (k) => vscode.workspace.fs.readFile(byKey.get(k)!),
        size: async (k) => (await vscode.workspace.fs.stat(byKey.get(k)!)).size,
        signal: abort.signal,
        onProgress: (done, total) => {
          const pct = Math.floor((done / total) * 100);
          progress.report({ message: `${done}/${total}`, increment: pct - last });
          last = pct;
        },
      });
      const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
      for (const r of results) {
        const uri = byKey.get(r.file)!;
        const doc = open.get(r.file);
        if (doc) { this.checkDocument(doc); } else { this.publish(uri, undefined, r.findings); }
      }
      return { stats, files: results.map((r) => ({ uri: byKey.get(r.file)!, findings: this.findings.get(r.file) ?? [] })).filter((f) => f.findings.length) };
    })).finally(() => { this.running = undefined; });
    return this.running;
  }

  async ignoreInWorkspace(uri: vscode.Uri, fingerprint: string): Promise<void> {
    await this.context.workspaceState.update(IGNORED_KEY, [...this.ignored(), fingerprint]);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc) { this.checkDocument(doc); } else { this.publish(uri, undefined, this.findings.get(uri.toString()) ?? []); }
  }

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === ACCESS_KEY_SOURCE);
    if (!ours.length) { return []; }
    const findings = this.checkDocument(doc);
    const actions: vscode.CodeAction[] = [];
    for (const d of ours) {
      const f = findings.find((x) => x.line === d.range.start.line && x.kind === d.code);
      if (!f) { continue; }
      const { chainLanguageOf, credentialsChainEdits } = chainRewrite();
      const edits = chainLanguageOf(doc.languageId) ? credentialsChainEdits(doc.languageId, doc.getText(), f.offset) : undefined;
      if (edits && !actions.some((a) => a.title === CHAIN_TITLE())) {
        const a = new vscode.CodeAction(CHAIN_TITLE(), vscode.CodeActionKind.QuickFix);
        a.edit = new vscode.WorkspaceEdit();
        for (const e of edits) { a.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.text); }
        a.diagnostics = ours;
        a.isPreferred = true;
        actions.push(a);
      }
      const comment = lineComment(doc.languageId, doc.uri.path);
      if (comment) {
        const a = new vscode.CodeAction(vscode.l10n.t('Ignore here (comment {0})', IGNORE_MARKER), vscode.CodeActionKind.QuickFix);
        const line = doc.lineAt(f.line);
        a.edit = new vscode.WorkspaceEdit();
        a.edit.insert(doc.uri, new vscode.Position(f.line, 0), `${line.text.slice(0, line.firstNonWhitespaceCharacterIndex)}${comment} ${IGNORE_MARKER}\n`);
        a.diagnostics = [d];
        actions.push(a);
      }
      const list = new vscode.CodeAction(vscode.l10n.t('Ignore {0} in this workspace', f.masked), vscode.CodeActionKind.QuickFix);
      list.command = { command: IGNORE_COMMAND, title: list.title, arguments: [doc.uri, f.fingerprint] };
      list.diagnostics = [d];
      actions.push(list);
    }
    if (actions.length) {
      const setup = new vscode.CodeAction(vscode.l10n.t('Set up an instance role for this code'), vscode.CodeActionKind.QuickFix);
      setup.command = { command: SETUP_COMMAND, title: setup.title };
      setup.diagnostics = ours;
      actions.splice(actions[0].isPreferred ? 1 : 0, 0, setup);
    }
    return actions;
  }

  dispose(): void {
    clearTimeout(this.startupTimer);
    this.disposables.forEach((d) => d.dispose());
  }
}

const CHAIN_TITLE = () => vscode.l10n.t('Use the credentials chain (instance role on ECS)');
