/**
 * Every command id → handler: the lists of the command folders (each folder's index.ts) joined.
 * package.json contributes the same ids. The list and the implementations load on the first command
 * call (registry.ts), not at activation.
 */

import type { CommandDef } from './command';
import { identityCommands } from './identity';
import { instanceCommands } from './instance';
import { ramCommands } from './ram';
import { ecsCommands } from './ecs';
import { setupCommands } from './setup';
import { ossCommands } from './oss';
import { accessKeysCommands } from './accessKeys';
import { generalCommands } from './general';

export const COMMANDS: CommandDef[] = [
  ...identityCommands,
  ...instanceCommands,
  ...ramCommands,
  ...ecsCommands,
  ...setupCommands,
  ...ossCommands,
  ...accessKeysCommands,
  ...generalCommands,
];
