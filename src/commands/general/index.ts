/** Commands of every view: refresh, load more, copy, the log, the console. Each id's handler; src/commands/catalog.ts joins the folders' lists. */
import type { CommandDef } from '../command';
import { openInApiExplorer, openInConsole } from './openInConsole';
import { copyText, loadMore, refreshNode, refreshView, showLog } from './views';

export const generalCommands: CommandDef[] = [
  openInConsole,
  openInApiExplorer,
  refreshView('identity'),
  refreshView('ram'),
  refreshView('ecs'),
  refreshView('oss'),
  refreshNode,
  loadMore,
  showLog,
  copyText,
];
