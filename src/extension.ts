/** Composition root: build the services, register views and commands. Nothing else lives here. */
import * as vscode from 'vscode';
import { invokeAgentTool, registerAgentTools } from './agent';
import { serverClock } from './cloud/clock';
import { setTranslator } from './cloud/l10n';
import { secretRegistry } from './cloud/secretValues';
import { contributedCommands, registerCommands } from './commands/registry';
import { startSandboxInHost } from './commands/identity/startSandbox';
import { registerOssFileSystem, type OssFileSystem } from './fs/ossFileSystem';
import { accessDeniedEnricher } from './errorHelp/accessDenied';
import { refusedIdentity } from './errorHelp/refusal';
import { lazyLoader } from './lazyLoader';
import { AccessKeyDiagnostics } from './editor/accessKeyDiagnostics';
import { watchClockSkew } from './ui/clockSkew';
import { ErrorEnrichers, errorNotes } from './ui/errorFunnel';
import { outcomeUnknownEnricher } from './errorHelp/outcomeUnknown';
import { InstanceIdentityService } from './services/instanceIdentity';
import { LocalSandbox } from './services/localSandbox';
import { Log } from './ui/log';
import { PolicyCompletion } from './editor/policyCompletion';
import { PolicyDiagnostics } from './editor/policyDiagnostics';
import { ProfileStore } from './services/profiles';
import { ReadOnlyDocuments } from './ui/readOnlyDocument';
import { RoleCheckStore } from './services/roleChecks';
import { SessionManagerState } from './services/sessionManagerState';
import { BindingTrust } from './services/bindingTrust';
import { ViewFilters } from './services/viewFilters';
import { ScriptedPrompter, VsCodePrompter, type Prompter } from './ui/prompt';
import { ProfileStatusBar } from './services/statusBar';
import { testApiFor } from './ui/testApi';
import { walkthroughStepsDone } from './ui/walkthrough';
import { LIVE_SCHEME, LiveRamDocuments, RAM_SCHEME } from './fs/ramDocuments';
import { Explorer } from './views/explorer';
import type { Services } from './services/services';

/** What in-host tests reach through `extension.exports`; only in a test host (see testApiFor). */
export interface ExtensionApi {
  services: Services;
  explorer: Explorer;
  /** Set to script answers to every prompt (in-host tests). */
  useScriptedPrompter(): ScriptedPrompter;
  /** Takes this metadata URL as the real address (unreachable in tests) for the instance role's takeover rules. */
  treatAsDefaultMetadataUrl(url: string | undefined): void;
  /** Walkthrough steps whose context key was set in this session. */
  walkthroughStepsDone(): string[];
  /** A chat tool called through its own invoke (where the host's lm.invokeTool fails). */
  invokeAgentTool(name: string, input: object): Promise<vscode.LanguageModelToolResult>;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi | undefined {
  setTranslator((message, ...args) => vscode.l10n.t(message, ...args));
  const log = new Log();
  // dist/lazy.js, loaded by the first call that needs it (src/lazyLoader.ts), never during activation.
  const onDemand = lazyLoader(() => ({
    secrets: secretRegistry(),
    clock: serverClock,
    errorNotes: errorNotes(),
    refusedIdentity: () => refusedIdentity(services),
  }));
  const profiles = new ProfileStore(context, log, onDemand);
  let prompt: Prompter = new VsCodePrompter();
  profiles.usePrompter(() => prompt);
  const statusBar = new ProfileStatusBar(profiles);
  const instance = new InstanceIdentityService({ context, log, profiles, prompt: () => prompt }, statusBar);
  const sandbox = new LocalSandbox(startSandboxInHost);
  const accessKeys = new AccessKeyDiagnostics(context, onDemand, log);
  const readOnly = new ReadOnlyDocuments();
  const roleChecks = new RoleCheckStore();
  const sessions = new SessionManagerState();
  const enrichers = new ErrorEnrichers();
  const filters = new ViewFilters(context.workspaceState);
  let explorer: Explorer | undefined;
  let documents: LiveRamDocuments | undefined;
  let ossFiles: OssFileSystem | undefined;

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
    refresh: (view, node, reload) => explorer?.refresh(view, node, reload),
    reveal: async (view, node) => explorer?.reveal(view, node),
    get ossFiles() {
      return ossFiles;
    },
    get documents() {
      if (!documents) {
        throw new Error(
          vscode.l10n.t('Policy documents are not available yet; try again once the extension has started.'),
        );
      }
      return documents;
    },
  };

  explorer = new Explorer(services, () => onDemand().views);
  const ramDocuments = new LiveRamDocuments(services);
  documents = ramDocuments;
  const oss = registerOssFileSystem(services);
  ossFiles = oss.fs;
  context.subscriptions.push(
    log,
    profiles,
    sandbox,
    explorer,
    statusBar,
    instance,
    explorer.bindInstanceIdentity(instance),
    watchClockSkew(log),
    ramDocuments,
    vscode.workspace.registerFileSystemProvider(RAM_SCHEME, ramDocuments),
    vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, ramDocuments),
    oss.registration,
    enrichers.register('AccessDenied', accessDeniedEnricher(services)),
    enrichers.register('OutcomeUnknown', outcomeUnknownEnricher(services)),
    readOnly,
    roleChecks,
    sessions,
    filters,
    roleChecks.onDidChange(() => services.refresh('identity')),
    new PolicyDiagnostics(() => onDemand().lint),
    accessKeys,
    PolicyCompletion.register(onDemand),
    ...registerCommands(services, log, contributedCommands(context), context.extension.id, () => onDemand().catalog),
  );
  context.subscriptions.push(...registerAgentTools(services, () => onDemand().tools));
  profiles.initContext();
  instance.start();

  return testApiFor(context.extensionMode, () => ({
    services,
    explorer,
    useScriptedPrompter: () => {
      const p = new ScriptedPrompter();
      prompt = p;
      return p;
    },
    treatAsDefaultMetadataUrl: (url) => instance.treatAsDefaultAddressForTests(url),
    walkthroughStepsDone,
    invokeAgentTool: (name, input) => invokeAgentTool(services, () => onDemand().tools, name, input),
  }));
}

export function deactivate(): void {}
