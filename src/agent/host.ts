/** The tools in the editor: input checked, contexts built from the services, answers as tool results. */
import * as vscode from 'vscode';
import type { Services } from '../services/services';
import { chosenRegions, maxInFlightPerRegion } from '../ui/settings';
import { inputProblems, TOOL_INPUTS } from './inputs';
import { resultText } from './results';
import type { AgentTool, PrepareContext } from './tool';

function prepareContext(s: Services): PrepareContext {
  const active = s.profiles.active();
  return {
    profileName: active?.name ?? vscode.l10n.t('(no profile)'),
    regionId: active?.regionId ?? 'cn-hangzhou',
    account: async () => {
      try {
        return (await (await s.cloud()).cloud.knownIdentity()).accountId;
      } catch {
        return '?';
      }
    },
  };
}

export async function prepare(s: Services, tool: AgentTool, input: object): Promise<vscode.PreparedToolInvocation> {
  if (inputProblems(TOOL_INPUTS[tool.name], input).length) {
    return {};
  }
  return tool.prepare(input as Record<string, unknown>, prepareContext(s));
}

export async function invoke(
  s: Services,
  tool: AgentTool,
  input: object,
  token: vscode.CancellationToken,
): Promise<vscode.LanguageModelToolResult> {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(await answer(s, tool, input, token))]);
}

/** The tool's answer; invalid input and failures are answers too (the model reads them). */
async function answer(s: Services, tool: AgentTool, input: object, token: vscode.CancellationToken): Promise<string> {
  const problems = inputProblems(TOOL_INPUTS[tool.name], input);
  if (problems.length) {
    return resultText({ error: 'invalid input', problems });
  }
  const abort = new AbortController();
  const sub = token.onCancellationRequested(() => abort.abort());
  try {
    const { entry, cloud } = await s.cloud();
    return await tool.run(
      {
        profile: entry,
        cloud,
        regions: chosenRegions(),
        maxInFlight: maxInFlightPerRegion(),
        instance: s.instance,
        confirm: (title, detail, action) => s.prompt.confirm(title, detail, action),
        recordRoleCheck: (r) => s.roleChecks.set(r),
        signal: abort.signal,
      },
      input as Record<string, unknown>,
    );
  } catch (e) {
    s.log.warn(`chat tool ${tool.name}: ${e instanceof Error ? e.message : String(e)}`);
    const code = (e as { code?: unknown }).code;
    return resultText(
      { error: 'failed', code: typeof code === 'string' ? code : undefined },
      { reason: e instanceof Error ? e.message : String(e) },
    );
  } finally {
    sub.dispose();
  }
}
