/**
 * A small wizard runner: prompt steps over one typed context. Steps skip themselves when the
 * context already holds their answer (prefilled from a tree node or an args object), and a step
 * may add sub-steps after itself ("Create a new instance…" → region, zone, …). All questions go
 * through the injected Prompter, so in-host tests script the answers (after vscode-azuretools'
 * AzureWizard, at a tenth of the size). The doing part is not here: it lives in vscode-free
 * engines (src/setup) that plan, then apply step by step with hooks the commands turn into progress.
 */
import * as vscode from 'vscode';
import type { Prompter } from './prompt';

export interface WizardPromptStep<C> {
  /** False when the context already has the answer. */
  shouldPrompt(ctx: C): boolean;
  /** Asks and stores the answer in the context; `title` carries "(k/n)". */
  prompt(ctx: C, prompt: Prompter, title: string): Promise<void>;
  /** Steps to run right after this one, decided by its answer. */
  subSteps?(ctx: C): WizardPromptStep<C>[] | undefined;
}

/** Runs every prompt step that still needs an answer, in order, including sub-steps. */
export async function runPromptSteps<C>(ctx: C, title: string, steps: WizardPromptStep<C>[], prompt: Prompter): Promise<C> {
  const queue = [...steps];
  let asked = 0;
  while (queue.length) {
    const step = queue.shift()!;
    if (step.shouldPrompt(ctx)) {
      asked++;
      // The total is an estimate: later answers can add steps.
      const total = asked + queue.filter((s) => s.shouldPrompt(ctx)).length;
      await step.prompt(ctx, prompt, vscode.l10n.t('{0} ({1}/{2})', title, asked, total));
    }
    const extra = step.subSteps?.(ctx);
    if (extra?.length) { queue.unshift(...extra); }
  }
  return ctx;
}

/** A prompt step from two functions (most steps need nothing more). */
export function promptStep<C>(
  shouldPrompt: (ctx: C) => boolean,
  prompt: (ctx: C, p: Prompter, title: string) => Promise<void>,
  subSteps?: (ctx: C) => WizardPromptStep<C>[] | undefined,
): WizardPromptStep<C> {
  return { shouldPrompt, prompt, subSteps };
}
