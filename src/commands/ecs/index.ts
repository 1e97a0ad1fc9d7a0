/** ECS instances and the roles they carry (the ECS view). Each id's handler; src/commands/catalog.ts joins the folders' lists. */
import type { CommandDef } from '../command';
import { attachRole } from './attachRole';
import { detachRole } from './detachRole';
import { createInstance } from './createInstance';
import { copyInstanceId } from './copyInstanceId';
import { connectRemoteSsh } from './connectRemoteSsh';
import { forwardPortCommand } from './forwardPort';
import { openTerminalOnInstance } from './openTerminal';
import { verifyRole } from './verifyRole';
import { requireHardenedMetadata } from './requireHardenedMetadata';
import { rollBackMetadataMode } from './rollBackMetadataMode';
import { metadataModeReport } from './metadataModeReport';
import { exportGuardrailPolicy } from './exportGuardrailPolicy';
import {
  copyEip,
  copyPrivateIp,
  copyPublicIp,
  rebootInstance,
  releaseInstance,
  startInstance,
  stopInstance,
} from './instanceLifecycle';
import { instanceProperties } from './instanceProperties';
import { ecsClearFilter, ecsFilterInstances } from './filter';

export const ecsCommands: CommandDef[] = [
  attachRole,
  detachRole,
  createInstance,
  copyInstanceId,
  connectRemoteSsh,
  forwardPortCommand,
  openTerminalOnInstance,
  verifyRole,
  requireHardenedMetadata,
  rollBackMetadataMode,
  metadataModeReport,
  exportGuardrailPolicy,
  startInstance,
  stopInstance,
  rebootInstance,
  releaseInstance,
  copyPublicIp,
  copyPrivateIp,
  copyEip,
  instanceProperties,
  ecsFilterInstances,
  ecsClearFilter,
];
