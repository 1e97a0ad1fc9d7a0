/**
 * The chat tools (package.json `languageModelTools`): registered at activation with a stub per
 * contributed name that loads the implementations (tools.ts, in the lazy bundle) on first use.
 * A host without the language-model API (older, or chat disabled) simply gets no tools: nothing
 * here may break activation.
 */
import * as vscode from 'vscode';
import type { Services } from '../services/services';
import type { AgentTool } from './tool';

/** The implementations, in dist/lazy.js: the extension passes their loader in (first use loads them). */
export type LoadTools = () => typeof import('./tools');

/** A tool called through its own invoke, as lm.invokeTool would (in-host tests, where that API fails). */
export function invokeAgentTool(
  s: Services,
  loadTools: LoadTools,
  name: string,
  input: object,
): Promise<vscode.LanguageModelToolResult> {
  const tools = loadTools();
  const t = tools.TOOLS.find((x) => x.name === name);
  if (!t) {
    return Promise.reject(
      new Error(vscode.l10n.t('The chat tool {0} has no implementation in this version of the extension.', name)),
    );
  }
  return tools.invoke(s, t, input, new vscode.CancellationTokenSource().token);
}

export function registerAgentTools(s: Services, loadTools: LoadTools): vscode.Disposable[] {
  try {
    const lm = (vscode as { lm?: Partial<typeof vscode.lm> }).lm;
    if (typeof lm?.registerTool !== 'function') {
      return [];
    }
    const manifest = s.context.extension.packageJSON as {
      contributes?: { languageModelTools?: Array<{ name: string }> };
    };
    const tool = (name: string): AgentTool => {
      const t = loadTools().TOOLS.find((x) => x.name === name);
      if (!t) {
        throw new Error(
          vscode.l10n.t('The chat tool {0} has no implementation in this version of the extension.', name),
        );
      }
      return t;
    };
    return (manifest.contributes?.languageModelTools ?? []).map(({ name }) =>
      lm.registerTool!<object>(name, {
        prepareInvocation: (options) => loadTools().prepare(s, tool(name), options.input),
        invoke: (options, token) => loadTools().invoke(s, tool(name), options.input, token),
      }),
    );
  } catch (e) {
    s.log.warn(`chat tools not registered: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
}
