/** One chat tool: its name, what it tells the user before it runs, and what it answers. */
import * as vscode from 'vscode';
import type { Cloud } from '../cloud';
import type { ProfileEntry } from '../ui/profiles';
import type { Services } from '../ui/services';
import { inputProblems, TOOL_INPUTS, type ToolName } from './inputs';
import { resultText } from './results';

/** The active profile and its cloud; the tools never switch profile. */
export interface ToolContext {
  s: Services;
  entry: ProfileEntry;
  cloud: Cloud;
  token: vscode.CancellationToken;
}

export interface AgentTool<I = Record<string, unknown>> {
  name: ToolName;
  /** The progress line, and for a tool that runs something anywhere, the confirmation. */
  prepare(s: Services, input: I): Promise<vscode.PreparedToolInvocation> | vscode.PreparedToolInvocation;
  /** The answer's text (see results.ts). */
  run(c: ToolContext, input: I): Promise<string>;
}

export const defineTool = <I>(t: AgentTool<I>): AgentTool => t as unknown as AgentTool;

/** `Profile "x"`, for progress lines. */
export const activeProfileName = (s: Services): string => s.profiles.active()?.name ?? vscode.l10n.t('(no profile)');

export async function prepare(s: Services, tool: AgentTool, input: object, _token: vscode.CancellationToken): Promise<vscode.PreparedToolInvocation> {
  if (inputProblems(TOOL_INPUTS[tool.name], input).length) { return {}; }
  return tool.prepare(s, input as Record<string, unknown>);
}

export async function invoke(s: Services, tool: AgentTool, input: object, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
  const text = await answer(s, tool, input, token);
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

/** The tool's answer; invalid input and failures are answers too (the model reads them). */
async function answer(s: Services, tool: AgentTool, input: object, token: vscode.CancellationToken): Promise<string> {
  const problems = inputProblems(TOOL_INPUTS[tool.name], input);
  if (problems.length) { return resultText({ error: 'invalid input', problems }); }
  try {
    const { entry, cloud } = await s.cloud();
    return await tool.run({ s, entry, cloud, token }, input as Record<string, unknown>);
  } catch (e) {
    s.log.warn(`chat tool ${tool.name}: ${e instanceof Error ? e.message : String(e)}`);
    const code = (e as { code?: unknown }).code;
    return resultText({ error: 'failed', code: typeof code === 'string' ? code : undefined }, { reason: e instanceof Error ? e.message : String(e) });
  }
}
