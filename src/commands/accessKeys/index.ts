/** AccessKeys in the workspace's code, and the instance-role code that replaces them. Each id's handler; src/commands/catalog.ts joins the folders' lists. */
import type { CommandDef } from '../command';
import { ignoreAccessKeyInWorkspace, scanAccessKeys } from './scan';
import { insertRoleCode } from './insertRoleCode';
import { createRoleForKey } from './createRoleForKey';

export const accessKeysCommands: CommandDef[] = [
  scanAccessKeys,
  ignoreAccessKeyInWorkspace,
  insertRoleCode,
  createRoleForKey,
];
