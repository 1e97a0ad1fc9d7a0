/**
 * The entry of dist/lazy.js: what activation does not need (command implementations, the views'
 * nodes, the cloud clients, policy lint and its catalogue, the AccessDenied analysis, the chat tools).
 * src/lazyLoader.ts loads it on first use and calls activateLazy with main's process-wide state.
 *
 * This bundle has its own copy of the modules main also holds (esbuild bundles each entry whole). The
 * few with process-wide state take main's instance here, before any code of this bundle runs; the
 * classes both test with `instanceof` answer it by a shared mark (cloud/bundleMark.ts);
 * test/integration/bundles.test.ts holds both rules.
 */
import * as vscode from 'vscode';
import * as cloud from './cloud';
import { useServerClock, type ServerClock } from './cloud/clock';
import * as credentialSources from './cloud/credentialSources';
import { setTranslator } from './cloud/l10n';
import { adoptSecretRegistry, type SecretRegistry } from './cloud/secretValues';
import * as catalog from './commands/catalog';
import { startSandboxInHost } from './commands/identity/startSandbox';
import * as tools from './agent/tools';
import type { RefusedIdentity } from './errorHelp/refusal';
import * as actionCatalog from './policy/actionCatalog';
import * as cursor from './policy/cursor';
import * as lint from './policy/lint';
import * as accessDeniedReport from './setup/accessDeniedReport';
import * as accessKeyWorkspace from './setup/accessKeyWorkspace';
import * as credentialsChainRewrite from './setup/credentialsChainRewrite';
import { useErrorNotes, type ErrorNotes } from './ui/errorFunnel';
import * as ecsView from './views/ecsView';
import * as identityView from './views/identityView';
import { ErrorNode } from './views/node';
import * as ossDragAndDrop from './views/ossDragAndDrop';
import * as ossView from './views/ossView';
import * as ramView from './views/ramView';

/** Main's instances of the process-wide state, handed over by src/lazyLoader.ts. */
export interface Shared {
  /** The log's redaction: a credential met by this bundle's code is redacted by main's log. */
  secrets: SecretRegistry;
  /** The server's clock skew, whichever bundle's request revealed it. */
  clock: ServerClock;
  /** What failed and what a retry gets, written by this bundle's commands, read by main's error funnel. */
  errorNotes: ErrorNotes;
  /** Who the active identity is, for the tree's refusal rows (views/node.ts ErrorNode). */
  refusedIdentity: () => Promise<RefusedIdentity | undefined>;
}

let activated = false;

/** Installs main's state, once per loaded copy, and returns what main loads on demand. */
export function activateLazy(shared: Shared) {
  if (activated) {
    throw new Error('dist/lazy.js was already activated');
  }
  activated = true;
  setTranslator((message, ...args) => vscode.l10n.t(message, ...args));
  adoptSecretRegistry(shared.secrets);
  useServerClock(shared.clock);
  useErrorNotes(shared.errorNotes);
  ErrorNode.identity = shared.refusedIdentity;
  return {
    cloud,
    credentialSources,
    lint,
    accessDeniedReport,
    actionCatalog,
    cursor,
    accessKeyWorkspace,
    credentialsChainRewrite,
    catalog,
    startSandboxInHost,
    tools,
    views: { identityView, ramView, ecsView, ossView, ossDragAndDrop },
  };
}

export type Lazy = ReturnType<typeof activateLazy>;
