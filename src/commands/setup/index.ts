/** The whole chain in one wizard: role, policy, instance. Each id's handler; src/commands/catalog.ts joins the folders' lists. */
import type { CommandDef } from '../command';
import { setupInstanceRole } from './setupInstanceRole';

export const setupCommands: CommandDef[] = [setupInstanceRole];
