/**
 * The walkthrough's steps complete on context keys set here once the step's command succeeded
 * (package.json completionEvents `onContext:`). `onCommand:` fired when the command started, so a
 * cancelled command ticked its step. VS Code keeps a completed step itself, across sessions, so
 * earlier progress stays; a key is only ever set, never cleared.
 */
import * as vscode from 'vscode';

type Succeeded = (result: unknown) => boolean;

/** A command that returns nothing was cancelled or refused (UserCancelled and errors never get here). */
const returned: Succeeded = (r) => r !== undefined && r !== null && r !== false;
const field = (r: unknown, key: string): unknown => (r && typeof r === 'object' ? (r as Record<string, unknown>)[key] : undefined);
/** The whole chain did every step (or found them done); a failed step is not progress. */
const setUp: Succeeded = (r) => returned(r) && !field(r, 'failed');

/** Walkthrough step → the commands that complete it, each with what counts as success. */
const STEPS: Record<string, Record<string, Succeeded>> = {
  createRole: { 'alibabaCloud.ram.createEcsRole': returned, 'alibabaCloud.setupInstanceRole': setUp },
  createPolicy: { 'alibabaCloud.ram.attachPolicy': returned, 'alibabaCloud.setupInstanceRole': setUp },
  // A declined Replace returns changed: false.
  attachRole: { 'alibabaCloud.ecs.attachRole': (r) => field(r, 'changed') === true, 'alibabaCloud.ecs.createInstance': returned, 'alibabaCloud.setupInstanceRole': setUp },
  onInstance: { 'alibabaCloud.instance.diagnose': returned, 'alibabaCloud.instance.detect': (r) => field(r, 'kind') === 'found' },
};

/** The context key of a step, as package.json's completionEvents name it. */
export const stepDoneKey = (step: string): string => `alibabaCloud.walkthrough.${step}Done`;

/** Steps completed in this session (what in-host tests read: context keys cannot be read back). */
const done = new Set<string>();

export function walkthroughStepsDone(): string[] {
  return [...done];
}

/** Called with every command's result: sets the keys of the steps it completed. */
export async function recordWalkthroughProgress(commandId: string, result: unknown): Promise<void> {
  for (const [step, commands] of Object.entries(STEPS)) {
    if (done.has(step) || !commands[commandId]?.(result)) { continue; }
    await vscode.commands.executeCommand('setContext', stepDoneKey(step), true);
    done.add(step);
  }
}

/** Every step and command in the table (the manifest test checks package.json against it). */
export const WALKTHROUGH_STEPS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(Object.entries(STEPS).map(([k, v]) => [k, Object.keys(v)]));
