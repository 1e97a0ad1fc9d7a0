/** Small helpers the RAM and ECS commands share: notices, JSON sameness. */
import { showNotice } from '../ui/prompt';

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
