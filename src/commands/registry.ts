/** Every command id → handler, in one list. package.json contributes the same ids. */
import type { Log } from '../ui/log';
import { registerCommand } from '../ui/command';
import type { Services } from '../views/services';
import type { CommandDef } from './command';
import { copyText, loadMore, refreshNode, refreshView, showLog } from './common';
import { addProfile, importCliProfile, removeProfile, selectProfile, selectRegions } from './profileCommands';
import { startSandbox } from './startSandbox';

export const COMMANDS: CommandDef[] = [
  // identity
  addProfile, removeProfile, selectProfile, importCliProfile, selectRegions, startSandbox,
  // views
  refreshView('identity'), refreshView('ram'), refreshView('ecs'), refreshView('oss'), refreshNode, loadMore, showLog, copyText,
];

export function registerCommands(s: Services, log: Log): { dispose(): void }[] {
  return COMMANDS.map((c) => registerCommand(log, c.id, (...args) => c.run(s, ...args)));
}
