/**
 * A small wizard runner: prompt steps over one typed context. Steps skip themselves when the
 * context already holds their answer (prefilled from a tree node or an args object), and a step
 * may add sub-steps after itself ("Create a new instance…" → region, zone, …). All questions go
 * through the injected Prompter, so in-host tests script the answers (after vscode-azuretools'
 * AzureWizard, at a tenth of the size). The doing part is not here: it lives in vscode-free
 * engines (src/setup) that plan, then apply step by step with hooks the commands turn into progress.
 */
import * as vscode from 'vscode';
import { UserCancelled } from '../errorFunnel';
import { GoBack, type InputOptions, type PickOptions, type Prompter } from '../prompt';

export interface WizardPromptStep<C> {
  /** False when the context already has the answer. */
  shouldPrompt(ctx: C): boolean;
  /** Asks and stores the answer in the context; `title` carries "(k/n)". */
  prompt(ctx: C, prompt: Prompter, title: string): Promise<void>;
  /** Steps to run right after this one, decided by its answer. */
  subSteps?(ctx: C): WizardPromptStep<C>[] | undefined;
  /** What the sub-steps make ("New instance"): their titles read "Title (3/3) · New instance (2/9)". */
  subStepsTitle?: string;
}

interface Queued<C> {
  step: WizardPromptStep<C>;
  sub: boolean;
}
/** Where the runner is: what is left, and the counters, so Back can return to any earlier point. */
interface RunState<C> {
  queue: Queued<C>[];
  top: { asked: number; total: number };
  sub?: { label?: string; asked: number; total: number };
}
const copyState = <C>(st: RunState<C>): RunState<C> => ({
  queue: [...st.queue],
  top: { ...st.top },
  sub: st.sub && { ...st.sub },
});

/**
 * Runs every prompt step that still needs an answer, in order, including sub-steps. Every step
 * after the first offers Back, which restores the context as it was before the previous question
 * and asks that again. Counters never jump: the top-level count is fixed by the top-level steps,
 * and steps an answer adds (a new instance's nine questions) count on their own after it.
 */
export async function runPromptSteps<C extends object>(
  ctx: C,
  title: string,
  steps: WizardPromptStep<C>[],
  prompt: Prompter,
): Promise<C> {
  let st: RunState<C> = { queue: steps.map((step) => ({ step, sub: false })), top: { asked: 0, total: 0 } };
  const history: Array<{ ctx: C; st: RunState<C> }> = [];
  while (st.queue.length) {
    const before = { ctx: { ...ctx }, st: copyState(st) };
    const { step, sub } = st.queue.shift()!;
    const asks = step.shouldPrompt(ctx);
    if (asks) {
      let label: string;
      if (!sub) {
        st.sub = undefined;
        st.top.asked++;
        st.top.total = st.top.asked + st.queue.filter((q) => !q.sub && q.step.shouldPrompt(ctx)).length;
        label = vscode.l10n.t('{0} ({1}/{2})', title, st.top.asked, st.top.total);
      } else {
        const g = (st.sub ??= { asked: 0, total: 1 });
        g.asked++;
        const head = vscode.l10n.t('{0} ({1}/{2})', title, st.top.asked, st.top.total);
        label =
          g.total > 1
            ? vscode.l10n.t('{0} · {1} ({2}/{3})', head, g.label ?? '', g.asked, g.total)
            : g.label
              ? vscode.l10n.t('{0} · {1}', head, g.label)
              : head;
      }
      history.push(before);
      try {
        await step.prompt(ctx, history.length > 1 ? withBack(prompt) : prompt, label);
      } catch (e) {
        if (!(e instanceof GoBack)) {
          throw e;
        }
        history.pop();
        const previous = history.pop();
        if (!previous) {
          throw new UserCancelled();
        }
        restore(ctx, previous.ctx);
        st = previous.st;
        continue;
      }
    }
    const extra = step.subSteps?.(ctx);
    if (extra?.length && !asks && !sub) {
      // The answer came with the call (args, a tree node): its questions are plain steps.
      st.queue.unshift(...extra.map((x) => ({ step: x, sub: false })));
    } else if (extra?.length) {
      // Nested sub-steps keep counting within the group they belong to.
      if (!sub) {
        st.sub = { label: step.subStepsTitle, asked: 0, total: extra.filter((x) => x.shouldPrompt(ctx)).length };
      } else if (st.sub) {
        st.sub.total += extra.filter((x) => x.shouldPrompt(ctx)).length;
      }
      st.queue.unshift(...extra.map((x) => ({ step: x, sub: true })));
    }
  }
  return ctx;
}

function restore<C extends object>(ctx: C, saved: C): void {
  for (const k of Object.keys(ctx)) {
    if (!(k in saved)) {
      delete (ctx as Record<string, unknown>)[k];
    }
  }
  Object.assign(ctx, saved);
}

/** The same prompter, with a Back button on every pick and input. */
function withBack(p: Prompter): Prompter {
  return {
    pick: (items, options: PickOptions) => p.pick(items, { ...options, back: true }),
    pickMany: (items, options: PickOptions) => p.pickMany(items, { ...options, back: true }),
    input: (options: InputOptions) => p.input({ ...options, back: true }),
    confirm: (m, d, a) => p.confirm(m, d, a),
    choose: (m, d, a) => p.choose(m, d, a),
    notify: (m, a) => p.notify(m, a),
    openWindow: (u) => p.openWindow(u),
    installExtension: (id) => p.installExtension(id),
    openExternal: (u) => p.openExternal(u),
    done: (m) => p.done(m),
  };
}

/** A prompt step from two functions (most steps need nothing more). */
export function promptStep<C>(
  shouldPrompt: (ctx: C) => boolean,
  prompt: (ctx: C, p: Prompter, title: string) => Promise<void>,
  subSteps?: (ctx: C) => WizardPromptStep<C>[] | undefined,
  subStepsTitle?: string,
): WizardPromptStep<C> {
  return { shouldPrompt, prompt, subSteps, subStepsTitle };
}
