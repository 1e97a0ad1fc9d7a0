/** Composition root: build the services, register views, file systems and commands. Nothing else lives here. */
import * as vscode from 'vscode';
import { invokeAgentTool, registerAgentTools } from './agent';
import { contributedCommands, registerCommands } from './commands/registry';
import { accessDeniedEnricher } from './errorHelp/accessDenied';
import { outcomeUnknownEnricher } from './errorHelp/outcomeUnknown';
import { refusedIdentity } from './errorHelp/refusal';
import { registerOssFileSystem } from './fs/ossFileSystem';
import { registerRamDocuments } from './fs/ramDocuments';
import { lazyLoader } from './lazyLoader';
import { createServices } from './services/createServices';
import type { Services } from './services/services';
import { ScriptedPrompter } from './ui/prompt';
import { testApiFor } from './ui/testApi';
import { walkthroughStepsDone } from './ui/walkthrough';
import { Explorer } from './views/explorer';

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
  // dist/lazy.js, loaded by the first call that needs it, never during activation.
  const onDemand = lazyLoader(() => refusedIdentity(s));
  const root = createServices(context, onDemand);
  const { services: s } = root;
  const explorer = new Explorer(s, () => onDemand().views);
  const ram = registerRamDocuments(s);
  const oss = registerOssFileSystem(s);
  root.attach({ views: explorer, documents: ram.documents, ossFiles: oss.fs });
  context.subscriptions.push(
    explorer,
    explorer.bindInstanceIdentity(s.instance),
    ram.registration,
    oss.registration,
    s.enrichers.register('AccessDenied', accessDeniedEnricher(s)),
    s.enrichers.register('OutcomeUnknown', outcomeUnknownEnricher(s)),
    ...registerCommands(s, s.log, contributedCommands(context), context.extension.id, () => onDemand().catalog),
    ...registerAgentTools(s, () => onDemand().tools),
  );
  root.start();

  return testApiFor(context.extensionMode, () => ({
    services: s,
    explorer,
    useScriptedPrompter: () => root.usePrompter(new ScriptedPrompter()),
    treatAsDefaultMetadataUrl: (url) => s.instance.treatAsDefaultAddressForTests(url),
    walkthroughStepsDone,
    invokeAgentTool: (name, input) => invokeAgentTool(s, () => onDemand().tools, name, input),
  }));
}

export function deactivate(): void {}
