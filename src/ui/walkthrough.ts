/**
 * Ticks the walkthrough's steps once the step's command succeeded. `onCommand:` completion fires
 * when the command starts, so a cancelled command ticked its step. `onContext:` alone never ticks in
 * practice: VS Code's walkthroughs service (gettingStartedService, created only when the walkthrough
 * or welcome page is first opened) records a key that is already true at registration as seen
 * without ticking the step, and a key set again fires no change. So each step is also marked
 * complete directly with VS Code's `welcome.markStepComplete` (its argument is the step's id,
 * `<extension id>#<walkthrough id>#<step id>`), which stores the tick even before the service has
 * registered the walkthrough. The context key stays for the manifest's completionEvents (an empty
 * list would make VS Code tick on the step's button at once). A step is only ever ticked, never
 * cleared; VS Code keeps it across sessions.
 */
import * as vscode from 'vscode';

type Succeeded = (result: unknown) => boolean;

/** A command that returns nothing was cancelled or refused (UserCancelled and errors never get here). */
const returned: Succeeded = (r) => r !== undefined && r !== null && r !== false;
const field = (r: unknown, key: string): unknown =>
  r && typeof r === 'object' ? (r as Record<string, unknown>)[key] : undefined;
/** The whole chain did every step (or found them done); a failed step is not progress. */
const setUp: Succeeded = (r) => returned(r) && !field(r, 'failed');

/** Walkthrough step → the commands that complete it, each with what counts as success. */
const STEPS: Record<string, Record<string, Succeeded>> = {
  createRole: { 'alibabaCloud.ram.createEcsRole': returned, 'alibabaCloud.setupInstanceRole': setUp },
  createPolicy: { 'alibabaCloud.ram.attachPolicy': returned, 'alibabaCloud.setupInstanceRole': setUp },
  // A declined Replace returns changed: false.
  attachRole: {
    'alibabaCloud.ecs.attachRole': (r) => field(r, 'changed') === true,
    'alibabaCloud.ecs.createInstance': returned,
    'alibabaCloud.setupInstanceRole': setUp,
  },
  onInstance: {
    'alibabaCloud.instance.diagnose': returned,
    'alibabaCloud.instance.detect': (r) => field(r, 'kind') === 'found',
  },
};

/** The context key of a step, as package.json's completionEvents name it. */
export const stepDoneKey = (step: string): string => `alibabaCloud.walkthrough.${step}Done`;

/** Steps completed in this session (what in-host tests read: context keys cannot be read back). */
const done = new Set<string>();

export function walkthroughStepsDone(): string[] {
  return [...done];
}

/** The walkthrough in package.json (contributes.walkthroughs[0].id). */
export const WALKTHROUGH_ID = 'instanceRole';

/** Called with every command's result (and this extension's id): ticks the steps it completed. */
export async function recordWalkthroughProgress(
  extensionId: string,
  commandId: string,
  result: unknown,
): Promise<void> {
  for (const [step, commands] of Object.entries(STEPS)) {
    if (!commands[commandId]?.(result)) {
      continue;
    }
    done.add(step);
    await vscode.commands.executeCommand('setContext', stepDoneKey(step), true);
    // Rejects when the service has not registered the step yet, after storing the tick.
    await Promise.resolve(
      vscode.commands.executeCommand('welcome.markStepComplete', `${extensionId}#${WALKTHROUGH_ID}#${step}`),
    ).catch(() => undefined);
  }
}

/** Every step and command in the table (the manifest test checks package.json against it). */
export const WALKTHROUGH_STEPS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(STEPS).map(([k, v]) => [k, Object.keys(v)]),
);
