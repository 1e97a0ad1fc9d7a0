/** Profiles, regions and the local sandbox (the Identity view). Each id's handler; src/commands/catalog.ts joins the folders' lists. */
import type { CommandDef } from '../command';
import {
  addProfile,
  forgetApprovedCommands,
  importCliProfile,
  removeProfile,
  selectProfile,
  selectRegions,
} from './profiles';
import { startSandbox } from './startSandbox';

export const identityCommands: CommandDef[] = [
  addProfile,
  removeProfile,
  selectProfile,
  importCliProfile,
  forgetApprovedCommands,
  selectRegions,
  startSandbox,
];
