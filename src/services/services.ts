/**
 * What nodes and commands need, passed in rather than imported as singletons: every piece of state
 * the extension keeps lives in an object reachable from here, not in a module variable.
 */
import type * as vscode from 'vscode';
import type { Cloud } from '../cloud';
import type { AccessKeyDiagnostics } from '../editor/accessKeyDiagnostics';
import type { ErrorEnrichers } from '../ui/errorFunnel';
import type { InstanceIdentityService } from './instanceIdentity';
import type { LiveBinding, LiveTarget } from './liveBinding';
import type { LocalSandbox } from './localSandbox';
import type { OnDemandModules } from './onDemand';
import type { Log } from '../ui/log';
import type { Prompter } from '../ui/prompt';
import type { ProfileEntry, ProfileStore } from './profiles';
import type { ReadOnlyDocuments } from '../ui/readOnlyDocument';
import type { BindingTrust } from './bindingTrust';
import type { RoleCheckStore } from './roleChecks';
import type { SessionManagerState } from './sessionManagerState';
import type { ViewFilters } from './viewFilters';

/** A tree node as the layers under the views see it: opaque, handed back to refresh. */
export interface ViewNode {
  readonly id: string;
}

export interface Services {
  context: vscode.ExtensionContext;
  log: Log;
  profiles: ProfileStore;
  prompt: Prompter;
  /** The active profile's cloud, or an error telling the user to add a profile. */
  cloud(): Promise<{ entry: ProfileEntry; cloud: Cloud }>;
  /** Reloads a subtree (or the whole view). */
  refresh(view: ViewId, node?: ViewNode, reload?: boolean): void;
  /** Selects and focuses a row (keyboard users land where the action left them). */
  reveal(view: ViewId, node: ViewNode): Promise<void>;
  /** The instance role of the machine the extension runs on (IMDS). */
  readonly instance: InstanceIdentityService;
  /** The sandbox started in this extension host (Start Sandbox), if any. */
  readonly sandbox: LocalSandbox;
  /** The RAM documents in the editor (fs/ramDocuments.ts). */
  readonly documents: PolicyDocuments;
  /** AccessKeys found in the workspace (Problems panel) and the scan behind them. */
  readonly accessKeys: AccessKeyDiagnostics;
  /** Generated read-only documents (reports, properties, suggested statements). */
  readonly readOnly: ReadOnlyDocuments;
  /** The last Verify Role on Instance result per instance (identity view). */
  readonly roleChecks: RoleCheckStore;
  /** Session Manager's channel and temporary keys (commands/ecs/sessionManagerSupport.ts). */
  readonly sessions: SessionManagerState;
  /** Which `oss://` bindings act without asking: the signing key and this session's answers. */
  readonly bindingTrust: BindingTrust;
  /** What the error funnel adds to an error code (AccessDenied, OutcomeUnknown). */
  readonly enrichers: ErrorEnrichers;
  /** The tree views' filters (ECS, RAM folders, OSS locations), kept in workspace state. */
  readonly filters: ViewFilters;
  /** Modules kept out of activation (services/onDemand.ts): the first call loads dist/lazy.js. */
  readonly onDemand: () => OnDemandModules;
  /** The `oss:` file system (fs/ossFileSystem.ts), for "Save OSS Object"; set once registered. */
  readonly ossFiles: OssFiles | undefined;
}

/** What commands do with the `oss:` file system. */
export interface OssFiles {
  /** Uploads `content` for the editor's save; false when the upload was refused or abandoned. */
  uploadBeforeSave(uri: vscode.Uri, content: Uint8Array): Promise<boolean>;
}

/** What commands do with the RAM documents: open drafts, show what is live, record deploys. */
export interface PolicyDocuments {
  openDraft(binding: LiveBinding, target: Extract<LiveTarget, { kind: 'newPolicy' }>, text: string): vscode.Uri;
  /** A read-only snapshot of what RAM holds, for the left side of a diff. */
  snapshot(uri: vscode.Uri, label: string, text: string): vscode.Uri;
  /** Drops what is kept for `uri`, so the next read reloads it from RAM. */
  forget(uri: vscode.Uri): void;
  /** Records that the text of `uri` is now what RAM holds. */
  deployed(uri: vscode.Uri): void;
}

export type ViewId = 'identity' | 'ram' | 'ecs' | 'oss';
