/**
 * RAM policy problems in the editor: every lint finding of a policy document in the Problems panel
 * as the user types (debounced), with its range, and a quick fix wherever lint has an edit.
 *
 * Which documents: local `*.ram-policy.json` files, and the extension's own policy documents
 * (policy versions and trust policies under `alibabacloud-ram:`, drafts under
 * `alibabacloud-ram-draft:`). A trust policy is recognised by its path (`/roles/<name>/trust…`),
 * by a name ending in `.trust.ram-policy.json`, or, for an ECS instance role, in
 * `.ecs-trust.ram-policy.json` (or a `?ecsRole` query), which adds the rule that ECS must be trusted.
 */
import * as vscode from 'vscode';
import type { Diagnostic, PolicyKind } from '../policy/lint';
import type { RuleOptions } from '../policy/rules';

export const POLICY_DIAGNOSTIC_SOURCE = 'Alibaba Cloud RAM';
const SCHEMES = ['alibabacloud-ram', 'alibabacloud-ram-draft'];
export const POLICY_SELECTOR: vscode.DocumentSelector = [
  { pattern: '**/*.ram-policy.json' },
  ...SCHEMES.map((scheme) => ({ scheme })),
];
const DEBOUNCE_MS = 300;

/**
 * Lint and its catalogue (~70 KB) are in dist/lazy.js: they are passed in, so they load with the
 * first policy document (the extension hands PolicyDiagnostics its on-demand loader), not at activation.
 */
export type PolicyLint = typeof import('../policy/lint');

export function isPolicyDocument(doc: vscode.TextDocument): boolean {
  if (SCHEMES.includes(doc.uri.scheme)) {
    return doc.uri.path.endsWith('.json');
  }
  return /\.ram-policy\.json$/i.test(doc.uri.path);
}

/** How to lint a document: trust or permission, and whether it belongs to an ECS instance role. */
export function policyKindOf(uri: vscode.Uri): { kind: PolicyKind; opts: RuleOptions } {
  const path = uri.path.toLowerCase();
  const ecsRole = path.endsWith('.ecs-trust.ram-policy.json') || /(^|&)ecsRole\b/.test(uri.query);
  const trust =
    ecsRole ||
    path.endsWith('.trust.ram-policy.json') ||
    path.endsWith('.trust.policy.json') ||
    /\/roles\/[^/]+\/trust[^/]*\.json$/.test(path);
  return { kind: trust ? 'trust' : 'permission', opts: { ecsRole } };
}

const SEVERITY: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A lint message in the user's language (the English template is the l10n key). */
/**
 * Refuses a document with lint errors before any call, so malformed JSON never reaches RAM: the
 * first problems in the user's language, and (for a document in an editor) the Problems panel.
 */
export function assertValidPolicy(
  lint: PolicyLint,
  text: string,
  kind: PolicyKind = 'permission',
  showProblems = true,
): void {
  const errors = lint.policyErrors(text, kind);
  if (!errors.length) {
    return;
  }
  if (showProblems) {
    void vscode.commands.executeCommand('workbench.actions.view.problems');
  }
  // Each message is a sentence: joined by spaces, never ".;".
  const shown = errors
    .slice(0, 3)
    .map((d) => localizedMessage(lint, d))
    .join(' ');
  throw new Error(
    errors.length > 3
      ? vscode.l10n.t('The policy document has {0} problems; nothing was sent to RAM. {1} …', errors.length, shown)
      : vscode.l10n.t('The policy document has problems; nothing was sent to RAM. {0}', shown),
  );
}

export function localizedMessage(lint: PolicyLint, d: Pick<Diagnostic, 'code' | 'args' | 'message'>): string {
  const template = lint.LINT_MESSAGES[d.code];
  return template ? vscode.l10n.t(template, ...d.args) : d.message;
}

interface Tracked {
  version: number;
  items: { diagnostic: vscode.Diagnostic; lint: Diagnostic }[];
}

export class PolicyDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  readonly collection = vscode.languages.createDiagnosticCollection('alibabaCloud.policy');
  private readonly tracked = new Map<string, Tracked>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly lint: () => PolicyLint) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.languages.registerCodeActionsProvider(POLICY_SELECTOR, this, {
        providedCodeActionKinds: PolicyDiagnostics.providedCodeActionKinds,
      }),
    );
    vscode.workspace.textDocuments.forEach((d) => this.check(d));
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isPolicyDocument(doc)) {
      return;
    }
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.check(doc);
      }, DEBOUNCE_MS),
    );
  }

  /** Lints now; returns the diagnostics (tests and the debounce both end here). */
  check(doc: vscode.TextDocument): vscode.Diagnostic[] {
    if (!isPolicyDocument(doc) || doc.isClosed) {
      return [];
    }
    const { kind, opts } = policyKindOf(doc.uri);
    const text = doc.getText();
    const linter = this.lint();
    const items = linter.lintPolicy(text, kind, opts).map((lint) => {
      const range = new vscode.Range(doc.positionAt(lint.offset), doc.positionAt(lint.offset + lint.length));
      const diagnostic = new vscode.Diagnostic(range, localizedMessage(linter, lint), SEVERITY[lint.severity]);
      diagnostic.source = POLICY_DIAGNOSTIC_SOURCE;
      diagnostic.code = lint.code;
      return { diagnostic, lint };
    });
    this.tracked.set(doc.uri.toString(), { version: doc.version, items });
    const list = items.map((i) => i.diagnostic);
    this.collection.set(doc.uri, list);
    return list;
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.tracked.delete(key);
    this.collection.delete(uri);
  }

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    let tracked = this.tracked.get(doc.uri.toString());
    // Typing since the last lint moved the offsets: lint again before offering edits.
    if (!tracked || tracked.version !== doc.version) {
      this.check(doc);
      tracked = this.tracked.get(doc.uri.toString());
    }
    if (!tracked) {
      return [];
    }
    const wanted = context.diagnostics.filter((d) => d.source === POLICY_DIAGNOSTIC_SOURCE);
    const actions: vscode.CodeAction[] = [];
    for (const { diagnostic, lint } of tracked.items) {
      if (!lint.fix || !wanted.some((w) => w.code === diagnostic.code && w.range.isEqual(diagnostic.range))) {
        continue;
      }
      const action = new vscode.CodeAction(fixTitle(lint), vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(
        doc.uri,
        new vscode.Range(doc.positionAt(lint.fix.offset), doc.positionAt(lint.fix.offset + lint.fix.length)),
        lint.fix.text,
      );
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      actions.push(action);
    }
    const all = tracked.items.filter((i) => i.lint.fix);
    if (actions.length && all.length > 1) {
      const fixAll = new vscode.CodeAction(
        vscode.l10n.t('Fix all auto-fixable policy problems'),
        vscode.CodeActionKind.QuickFix,
      );
      fixAll.edit = new vscode.WorkspaceEdit();
      // Fixes never overlap except by position; applying from the end keeps earlier offsets valid.
      let lastStart = Infinity;
      for (const { lint } of [...all].sort((a, b) => b.lint.fix!.offset - a.lint.fix!.offset)) {
        const f = lint.fix!;
        if (f.offset + f.length > lastStart) {
          continue;
        }
        fixAll.edit.replace(
          doc.uri,
          new vscode.Range(doc.positionAt(f.offset), doc.positionAt(f.offset + f.length)),
          f.text,
        );
        lastStart = f.offset;
      }
      fixAll.diagnostics = all.map((i) => i.diagnostic);
      actions.push(fixAll);
    }
    return actions;
  }

  dispose(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.disposables.forEach((d) => d.dispose());
  }
}

/** The quick fix's title: what the edit does, from the edit itself. */
function fixTitle(d: Diagnostic): string {
  const f = d.fix!;
  if (f.text === '') {
    return d.code === 'statement-duplicate'
      ? vscode.l10n.t('Remove the repeated statement')
      : vscode.l10n.t('Remove it');
  }
  if (f.length === 0) {
    return vscode.l10n.t('Insert {0}', f.text.length > 40 ? `${f.text.slice(0, 37).trim()}…` : f.text.trim());
  }
  if (d.code === 'list-objects-on-objects') {
    return vscode.l10n.t('Grant oss:ListObjects on the bucket with an oss:Prefix condition');
  }
  return vscode.l10n.t('Change to {0}', f.text.length > 60 ? `${f.text.slice(0, 57)}…` : f.text);
}
