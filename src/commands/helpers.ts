/** Small helpers the RAM and ECS commands share: args detection, notices, JSON sameness. */
import { showNotice } from '../ui/prompt';

/**
 * True when the command got a plain args object (keybindings, automation, other extensions): optional,
 * harmless prompts (a description, a preview) are skipped. Nothing an args object says skips a
 * confirmation of something destructive, billable or permission-granting: any extension can call
 * executeCommand, so those always go through the Prompter (scripted only in a test host).
 */
export const isArgs = (a: object): boolean => Object.keys(a).length > 0;

/** A non-blocking notice: the command returns at once, buttons run when chosen. */
export function notify(message: string, actions: Record<string, () => unknown> = {}): void {
  void showNotice('info', message, ...Object.keys(actions)).then((choice) => {
    if (choice) {
      void Promise.resolve(actions[choice]()).catch(() => undefined);
    }
  });
}

/** Same JSON value, whitespace aside (false when either side does not parse). */
export function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}
