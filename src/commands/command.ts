/** A command: its id and what it does given the services; the registry wires them all. */
import type { Services } from '../services/services';

export interface CommandDef {
  id: string;
  run(s: Services, ...args: unknown[]): unknown;
}

export const defineCommand = (id: string, run: CommandDef['run']): CommandDef => ({ id, run });

/** Commands accept either a tree node, or a plain object of arguments (automation and tests). */
export function argsOf<T extends object>(arg: unknown): Partial<T> {
  return arg && typeof arg === 'object' && !('getTreeItem' in arg) ? (arg as Partial<T>) : {};
}
