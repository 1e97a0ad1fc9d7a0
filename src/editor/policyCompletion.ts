/**
 * Completion and hover in policy documents: action names inside Action/NotAction strings and
 * condition keys inside a Condition operator's object, each with its one-line description from
 * the catalogue (src/policy/actionCatalog.ts).
 */
import * as vscode from 'vscode';
import { inertMarkdown, md } from '../ui/markdown';
import { POLICY_SELECTOR } from './policyDiagnostics';

/** The catalogue (~60 KB), in dist/lazy.js: passed in, so it loads on the first completion or hover. */
export interface PolicyCatalog {
  actionCatalog: typeof import('../policy/actionCatalog');
  cursor: typeof import('../policy/cursor');
}

export class PolicyCompletion implements vscode.CompletionItemProvider, vscode.HoverProvider {
  private constructor(private readonly onDemand: () => PolicyCatalog) {}

  static register(onDemand: () => PolicyCatalog): vscode.Disposable {
    const p = new PolicyCompletion(onDemand);
    return vscode.Disposable.from(
      vscode.languages.registerCompletionItemProvider(POLICY_SELECTOR, p, '"', ':'),
      vscode.languages.registerHoverProvider(POLICY_SELECTOR, p),
    );
  }

  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const { actionCatalog, cursor } = this.onDemand();
    const { ACTION_CATALOG, CONDITION_KEYS } = actionCatalog;
    const place = cursor.placeAt(doc.getText(), doc.offsetAt(position));
    if (!place) {
      return [];
    }
    const range = new vscode.Range(doc.positionAt(place.offset), doc.positionAt(place.offset + place.length));
    if (place.kind === 'conditionKey') {
      return CONDITION_KEYS.map((c) => {
        const item = new vscode.CompletionItem(c.key, vscode.CompletionItemKind.Property);
        item.detail = c.type;
        item.documentation = vscode.l10n.t(c.description);
        item.range = range;
        return item;
      });
    }
    const typed = place.value.slice(0, doc.offsetAt(position) - place.offset);
    const colon = typed.indexOf(':');
    if (colon < 0) {
      return Object.entries(ACTION_CATALOG).map(([service, cat]) => {
        const item = new vscode.CompletionItem(`${service}:`, vscode.CompletionItemKind.Module);
        item.detail = cat.title;
        item.range = range;
        item.command = { command: 'editor.action.triggerSuggest', title: '' };
        return item;
      });
    }
    const cat = ACTION_CATALOG[typed.slice(0, colon).toLowerCase()];
    if (!cat) {
      return [];
    }
    return Object.entries(cat.actions).map(([name, description]) => {
      const item = new vscode.CompletionItem(`${typed.slice(0, colon)}:${name}`, vscode.CompletionItemKind.Function);
      item.detail = cat.title;
      item.documentation = vscode.l10n.t(description);
      item.range = range;
      return item;
    });
  }

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const { actionCatalog, cursor } = this.onDemand();
    const { ACTION_CATALOG, findAction, findConditionKey } = actionCatalog;
    const place = cursor.placeAt(doc.getText(), doc.offsetAt(position));
    if (!place) {
      return undefined;
    }
    const range = new vscode.Range(doc.positionAt(place.offset), doc.positionAt(place.offset + place.length));
    if (place.kind === 'conditionKey') {
      const key = findConditionKey(place.value);
      return (
        key &&
        // The key is the document's text (a tag key is anything after `acs:RequestTag/`): escaped.
        new vscode.Hover(
          inertMarkdown([`**${md(place.value, 256)}** (${key.type})`, vscode.l10n.t(key.description)]),
          range,
        )
      );
    }
    const action = findAction(place.value);
    if (action) {
      return new vscode.Hover(
        inertMarkdown([
          `**${action.service}:${action.name}** · ${ACTION_CATALOG[action.service].title}`,
          vscode.l10n.t(action.description),
        ]),
        range,
      );
    }
    return undefined;
  }
}
