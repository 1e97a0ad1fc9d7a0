/**
 * AccessKeys in the workspace as warnings in the Problems panel (their own collection), with quick
 * fixes: use the credentials chain, set up an instance role, ignore here. Documents are scanned
 * when opened and when saved; the whole workspace in the background, `file:` folders only (files.exclude
 * through findFiles here; .gitignore, reading and matching in a worker thread, scanInWorker; binaries
 * and large files skipped) with progress in the status bar.
 * Messages show a key masked to its last 4 characters; the ignore list holds fingerprints only.
 */
import * as vscode from 'vscode';
import {
  IGNORE_MARKER,
  isScannableName,
  MAX_FINDINGS_PER_FILE,
  MAX_SCAN_BYTES,
  scanText,
  type Finding,
} from '../setup/accessKeyScan';
import type { ScanRoot, ScanStats } from '../setup/accessKeyWorkspace';
import type { Log } from '../ui/log';

/**
 * The workspace scan and the code rewrite, in dist/lazy.js: passed in, so they load when first used;
 * checking an open document needs only the scanner.
 */
export interface AccessKeyTools {
  accessKeyWorkspace: typeof import('../setup/accessKeyWorkspace');
  credentialsChainRewrite: typeof import('../setup/credentialsChainRewrite');
}

export const ACCESS_KEY_SOURCE = 'Alibaba Cloud AccessKey';
const IGNORED_KEY = 'alibabaCloud.accessKeys.ignored';
const SETUP_COMMAND = 'alibabaCloud.setupInstanceRole';
const IGNORE_COMMAND = 'alibabaCloud.accessKeys.ignoreInWorkspace';

export interface WorkspaceScan {
  stats: ScanStats;
  files: Array<{ uri: vscode.Uri; findings: Finding[] }>;
}

/** Only folders on disk: an `oss:` folder's findFiles lists a bucket (or never settles), and the worker reads with node fs. */
const fileFolders = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');

const enabled = () => vscode.workspace.getConfiguration('alibabaCloud.accessKeyScan').get<boolean>('enabled', true);

/** Line comment for a language; undefined where there is none (JSON): ignore through the list then. */
function lineComment(languageId: string, fileName: string): string | undefined {
  if (
    [
      'python',
      'shellscript',
      'yaml',
      'dockerfile',
      'properties',
      'ruby',
      'perl',
      'r',
      'makefile',
      'terraform',
      'toml',
      'dotenv',
      'powershell',
    ].includes(languageId)
  ) {
    return '#';
  }
  if (languageId === 'ini') {
    return ';';
  }
  if (
    [
      'javascript',
      'typescript',
      'javascriptreact',
      'typescriptreact',
      'java',
      'go',
      'c',
      'cpp',
      'csharp',
      'kotlin',
      'scala',
      'swift',
      'rust',
      'php',
      'groovy',
      'jsonc',
    ].includes(languageId)
  ) {
    return '//';
  }
  if (/(^|\/)(\.env[^/]*|[^/]*\.env|dockerfile[^/]*|[^/]*\.(sh|tf|tfvars|ya?ml|properties|toml))$/i.test(fileName)) {
    return '#';
  }
  return undefined;
}

export class AccessKeyDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  readonly collection = vscode.languages.createDiagnosticCollection('alibabaCloud.accessKeys');
  private readonly findings = new Map<string, Finding[]>();
  private readonly disposables: vscode.Disposable[] = [];
  private running?: Promise<WorkspaceScan>;
  private startupTimer?: NodeJS.Timeout;

  /** `log` hears of .gitignore rules the scan skipped (a reversed range such as `[z-a]`). */
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly onDemand: () => AccessKeyTools,
    private readonly log?: Pick<Log, 'warn'>,
  ) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.checkDocument(d)),
      vscode.workspace.onDidSaveTextDocument((d) => this.checkDocument(d)),
      vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, this, {
        providedCodeActionKinds: AccessKeyDiagnostics.providedCodeActionKinds,
      }),
    );
    vscode.workspace.textDocuments.forEach((d) => this.checkDocument(d));
    // Not during activation: the scan starts once the window has settled, in the background.
    if (enabled() && fileFolders().length) {
      this.startupTimer = setTimeout(() => {
        void this.scanWorkspace().catch(() => undefined);
      }, 5000);
    }
  }

  private ignored(): Set<string> {
    return new Set(this.context.workspaceState.get<string[]>(IGNORED_KEY, []));
  }

  private publish(uri: vscode.Uri, findings: Finding[], truncated = false): void {
    const ignored = this.ignored();
    const kept = findings.filter((f) => !ignored.has(f.fingerprint));
    this.findings.set(uri.toString(), kept);
    if (!kept.length) {
      this.collection.delete(uri);
      return;
    }
    // Line and column come with each finding (computed from line starts by the scanner).
    const diagnostics = kept.map((f) => {
      const d = new vscode.Diagnostic(
        new vscode.Range(f.line, f.column, f.line, f.column + f.length),
        f.kind === 'accessKeyId'
          ? vscode.l10n.t(
              'AccessKey ID {0} in plain text. Use the instance role (credentials chain) instead of an AccessKey.',
              f.masked,
            )
          : vscode.l10n.t(
              'AccessKey secret {0} in plain text. Use the instance role (credentials chain) instead of an AccessKey.',
              f.masked,
            ),
        vscode.DiagnosticSeverity.Warning,
      );
      d.source = ACCESS_KEY_SOURCE;
      d.code = f.kind;
      return d;
    });
    if (truncated) {
      const last = kept[kept.length - 1];
      const more = new vscode.Diagnostic(
        new vscode.Range(last.line, last.column, last.line, last.column + last.length),
        vscode.l10n.t(
          'This file holds more AccessKeys than the {0} shown; the scan stopped there.',
          MAX_FINDINGS_PER_FILE,
        ),
        vscode.DiagnosticSeverity.Information,
      );
      more.source = ACCESS_KEY_SOURCE;
      diagnostics.push(more);
    }
    this.collection.set(uri, diagnostics);
  }

  /** Scans an open document now; returns its findings (tests and the events end here). */
  checkDocument(doc: vscode.TextDocument): Finding[] {
    if (!enabled() || doc.uri.scheme !== 'file' || !isScannableName(doc.uri.path) || doc.isClosed) {
      return [];
    }
    const text = doc.getText();
    // The workspace scan's limit (a generated file, not hand-written): not scanned on the host either.
    if (text.length > MAX_SCAN_BYTES) {
      this.publish(doc.uri, []);
      return [];
    }
    const findings = scanText(text);
    this.publish(doc.uri, findings, findings.truncated);
    return this.findings.get(doc.uri.toString()) ?? [];
  }

  /** The whole workspace (its `file:` folders), once at a time; progress in the status bar, cancellable from there. */
  scanWorkspace(): Promise<WorkspaceScan> {
    const folders = fileFolders();
    if (!folders.length) {
      return Promise.resolve({ stats: this.onDemand().accessKeyWorkspace.emptyStats(), files: [] });
    }
    this.running ??= Promise.resolve(
      vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Window,
          title: vscode.l10n.t('Scanning for AccessKeys'),
          cancellable: true,
        },
        async (progress, token) => {
          const { scanInWorker } = this.onDemand().accessKeyWorkspace;
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          // findFiles applies files.exclude (in VS Code's search process); the rest is the worker's.
          const roots: ScanRoot[] = [];
          for (const folder of folders) {
            const uris = await vscode.workspace.findFiles(
              new vscode.RelativePattern(folder, '**/*'),
              undefined,
              undefined,
              token,
            );
            const prefix = `${folder.uri.path.replace(/\/$/, '')}/`;
            roots.push({
              root: folder.uri.fsPath,
              files: uris
                .filter((u) => u.scheme === 'file' && u.path.startsWith(prefix))
                .map((u) => u.path.slice(prefix.length)),
            });
          }
          let last = 0;
          const { results, stats, skippedRules } = await scanInWorker(
            vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'accessKeyScanWorker.js').fsPath,
            { roots },
            {
              signal: abort.signal,
              onProgress: (done, total) => {
                const pct = Math.floor((done / Math.max(1, total)) * 100);
                progress.report({ message: `${done}/${total}`, increment: pct - last });
                last = pct;
              },
            },
          );
          for (const r of skippedRules) {
            this.log?.warn(`AccessKey scan: skipped the .gitignore rule ${r}`);
          }
          const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
          const files: WorkspaceScan['files'] = [];
          for (const r of results) {
            const uri = vscode.Uri.joinPath(folders[r.root].uri, r.file);
            const doc = open.get(uri.toString());
            if (doc) {
              this.checkDocument(doc);
            } else {
              this.publish(uri, r.findings, r.truncated);
            }
            const kept = this.findings.get(uri.toString()) ?? [];
            if (kept.length) {
              files.push({ uri, findings: kept });
            }
          }
          return { stats, files };
        },
      ),
    ).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async ignoreInWorkspace(uri: vscode.Uri, fingerprint: string): Promise<void> {
    await this.context.workspaceState.update(IGNORED_KEY, [...this.ignored(), fingerprint]);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc) {
      this.checkDocument(doc);
    } else {
      this.publish(uri, this.findings.get(uri.toString()) ?? []);
    }
  }

  provideCodeActions(
    doc: vscode.TextDocument,
    range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === ACCESS_KEY_SOURCE);
    if (!ours.length) {
      return [];
    }
    const findings = this.checkDocument(doc);
    const actions: vscode.CodeAction[] = [];
    for (const d of ours) {
      const f = findings.find((x) => x.line === d.range.start.line && x.kind === d.code);
      if (!f) {
        continue;
      }
      const { chainLanguageOf, credentialsChainEdits } = this.onDemand().credentialsChainRewrite;
      // Not offered when the rewrite cannot be made safely (credentialsChainEdits answers undefined).
      const chain = chainLanguageOf(doc.languageId)
        ? credentialsChainEdits(doc.languageId, doc.getText(), f.offset)
        : undefined;
      if (chain && !actions.some((a) => a.isPreferred)) {
        const a = new vscode.CodeAction(
          vscode.l10n.t('Use the credentials chain (instance role on ECS); needs {0}', chain.install),
          vscode.CodeActionKind.QuickFix,
        );
        a.edit = new vscode.WorkspaceEdit();
        // Shown in the refactor preview before it is applied: it rewrites code around the key.
        const metadata: vscode.WorkspaceEditEntryMetadata = {
          needsConfirmation: true,
          label: vscode.l10n.t('Use the credentials chain'),
          description: chain.install,
        };
        for (const e of chain.edits) {
          a.edit.replace(
            doc.uri,
            new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)),
            e.text,
            metadata,
          );
        }
        a.diagnostics = ours;
        a.isPreferred = true;
        actions.push(a);
      }
      const comment = lineComment(doc.languageId, doc.uri.path);
      if (comment) {
        const a = new vscode.CodeAction(
          vscode.l10n.t('Ignore here (comment {0})', IGNORE_MARKER),
          vscode.CodeActionKind.QuickFix,
        );
        const line = doc.lineAt(f.line);
        a.edit = new vscode.WorkspaceEdit();
        a.edit.insert(
          doc.uri,
          new vscode.Position(f.line, 0),
          `${line.text.slice(0, line.firstNonWhitespaceCharacterIndex)}${comment} ${IGNORE_MARKER}\n`,
        );
        a.diagnostics = [d];
        actions.push(a);
      }
      const list = new vscode.CodeAction(
        vscode.l10n.t('Ignore {0} in this workspace', f.masked),
        vscode.CodeActionKind.QuickFix,
      );
      list.command = { command: IGNORE_COMMAND, title: list.title, arguments: [doc.uri, f.fingerprint] };
      list.diagnostics = [d];
      actions.push(list);
      if (f.kind === 'accessKeyId') {
        // The key's recent use (ActionTrail) becomes the policy of the role that replaces it.
        const role = new vscode.CodeAction(
          vscode.l10n.t("Create a role for this key's use"),
          vscode.CodeActionKind.QuickFix,
        );
        role.command = {
          command: 'alibabaCloud.accessKeys.createRoleForKey',
          title: role.title,
          arguments: [{ uri: doc.uri.toString(), offset: f.offset, length: f.length }],
        };
        role.diagnostics = [d];
        actions.push(role);
      }
    }
    if (actions.length) {
      const setup = new vscode.CodeAction(
        vscode.l10n.t('Set up an instance role for this code'),
        vscode.CodeActionKind.QuickFix,
      );
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
