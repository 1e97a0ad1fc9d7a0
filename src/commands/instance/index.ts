/** Commands run on an ECS instance: detect it, read its role's credentials, diagnose. Each id's handler; src/commands/catalog.ts joins the folders' lists. */
import type { CommandDef } from '../command';
import {
  copyInstanceEnvironment,
  detectInstance,
  diagnoseInstance,
  refreshInstanceCredentials,
  writeInstanceCliProfile,
} from './onInstance';

export const instanceCommands: CommandDef[] = [
  detectInstance,
  refreshInstanceCredentials,
  diagnoseInstance,
  writeInstanceCliProfile,
  copyInstanceEnvironment,
];
