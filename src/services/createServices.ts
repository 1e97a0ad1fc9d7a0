/**
 * Builds `Services`: every state owner the extension keeps, made once per activation and passed
 * down rather than imported. The parts built above this layer (the views, the RAM documents, the
 * `oss:` file system) need `Services` to exist first, so extension.ts attaches them afterwards.
 */
import * as vscode from 'vscode';
import { setTranslator } from '../cloud/l10n';
import { AccessKeyDiagnostics, type AccessKeyTools } from '../editor/accessKeyDiagnostics';
import { PolicyCompletion, type PolicyCatalog } from '../editor/policyCompletion';
import { PolicyDiagnostics } from '../editor/policyDiagnostics';
import { watchClockSkew } from '../ui/clockSkew';
import { ErrorEnrichers } from '../ui/errorFunnel';
import { Log } from '../ui/log';
import { VsCodePrompter, type Prompter } from '../ui/prompt';
import { ReadOnlyDocuments } from '../ui/readOnlyDocument';
import { BindingTrust } from './bindingTrust';
import { InstanceIdentityService } from './instanceIdentity';
import { LocalSandbox, type SandboxStarter } from './localSandbox';
import type { OnDemandModules } from './onDemand';
import { ProfileStore } from './profiles';
import { RoleCheckStore } from './roleChecks';
import { SessionManagerState } from './sessionManagerState';
import type { OssFiles, PolicyDocuments, Services, ViewId, ViewNode } from './services';
import { ProfileStatusBar } from './statusBar';
import { ViewFilters } from './viewFilters';

/** dist/lazy.js, loaded on the first call (src/lazyLoader.ts): what the services and editor features use from it. */
export type ServiceModules = OnDemandModules & PolicyCatalog & AccessKeyTools & { startSandboxInHost: SandboxStarter };

/** The tree views as `Services` reaches them (views/explorer.ts). */
export interface Views {
  refresh(view: ViewId, node?: ViewNode, reload?: boolean): void;
  reveal(view: ViewId, node: ViewNode): Promise<void>;
}

export interface ServiceRoot {
  services: Services;
  /** Plugs in what is built on top of `services`; until then refresh/reveal do nothing and `documents` throws. */
  attach(parts: { views: Views; documents: PolicyDocuments; ossFiles: OssFiles }): void;
  /** Sends every question to `prompter` from now on (the scripted prompter of in-host tests); returns it. */
  usePrompter<P extends Prompter>(prompter: P): P;
  /** Starts what runs by itself once everything is registered: context keys, the instance role probe. */
  start(): void;
}

/** Builds the services and their editor features; their disposables join `context.subscriptions`. */
export function createServices(context: vscode.ExtensionContext, onDemand: () => ServiceModules): ServiceRoot {
  setTranslator((message, ...args) => vscode.l10n.t(message, ...args));
  const log = new Log();
  let prompt: Prompter = new VsCodePrompter();
  const profiles = new ProfileStore(context, log, onDemand);
  profiles.usePrompter(() => prompt);
  const statusBar = new ProfileStatusBar(profiles);
  const instance = new InstanceIdentityService({ context, log, profiles, prompt: () => prompt }, statusBar);
  // The sandbox's code is in dist/lazy.js, as is the Start Sandbox command that asks for it.
  const sandbox = new LocalSandbox((options) => onDemand().startSandboxInHost(options));
  const accessKeys = new AccessKeyDiagnostics(context, onDemand, log);
  const readOnly = new ReadOnlyDocuments();
  const roleChecks = new RoleCheckStore();
  const sessions = new SessionManagerState();
  const enrichers = new ErrorEnrichers();
  const filters = new ViewFilters(context.workspaceState);
  let parts: Parameters<ServiceRoot['attach']>[0] | undefined;
  let bindingTrust: BindingTrust | undefined;

  const services: Services = {
    context,
    log,
    profiles,
    instance,
    sandbox,
    accessKeys,
    readOnly,
    roleChecks,
    sessions,
    enrichers,
    filters,
    onDemand,
    get bindingTrust() {
      return (bindingTrust ??= new BindingTrust(services));
    },
    get prompt() {
      return prompt;
    },
    async cloud() {
      const active = await profiles.activeCloud();
      if (!active) {
        throw new Error(vscode.l10n.t('No Alibaba Cloud profile. Add one, or start the sandbox.'));
      }
      return active;
    },
    refresh: (view, node, reload) => parts?.views.refresh(view, node, reload),
    reveal: async (view, node) => parts?.views.reveal(view, node),
    get ossFiles() {
      return parts?.ossFiles;
    },
    get documents() {
      if (!parts) {
        throw new Error(
          vscode.l10n.t('Policy documents are not available yet; try again once the extension has started.'),
        );
      }
      return parts.documents;
    },
  };

  context.subscriptions.push(
    log,
    profiles,
    sandbox,
    statusBar,
    instance,
    watchClockSkew(log),
    readOnly,
    roleChecks,
    sessions,
    filters,
    roleChecks.onDidChange(() => services.refresh('identity')),
    accessKeys,
    new PolicyDiagnostics(() => onDemand().lint),
    PolicyCompletion.register(onDemand),
  );
  return {
    services,
    attach: (p) => {
      parts = p;
    },
    usePrompter: (p) => (prompt = p),
    start: () => {
      profiles.initContext();
      instance.start();
    },
  };
}
