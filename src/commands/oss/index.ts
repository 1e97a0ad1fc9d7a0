/** Buckets and objects (the OSS view and oss:// files). Each id's handler; src/commands/catalog.ts joins the folders' lists. */
import type { CommandDef } from '../command';
import { ossOpenObject } from './open';
import { ossUpload, ossUploadFolder, ossUploadTo } from './upload';
import { ossDownload } from './download';
import { ossCreateFolder } from './createFolder';
import { ossDelete } from './delete';
import { ossCopyPresignedUrl, ossCopyUri } from './copy';
import { ossFilter } from './filter';
import { ossPin, ossUnpin } from './pin';
import { ossCreateBucket, ossDeleteBucket } from './bucket';
import { ossCopyTo, ossMove, ossRename } from './moveCopy';
import { ossEditObjectMetadata, ossObjectProperties } from './objectProperties';
import { ossSave } from './save';
import { ossOpenAsWorkspaceFolder } from './workspaceFolder';
import { ossTurnOffAccessLogDump, ossTurnOnAccessLogDump } from './accessLogDump';

export const ossCommands: CommandDef[] = [
  ossOpenObject,
  ossUpload,
  ossUploadFolder,
  ossDownload,
  ossCreateFolder,
  ossDelete,
  ossCopyUri,
  ossCopyPresignedUrl,
  ossFilter,
  ossPin,
  ossUnpin,
  ossCreateBucket,
  ossDeleteBucket,
  ossMove,
  ossCopyTo,
  ossRename,
  ossObjectProperties,
  ossEditObjectMetadata,
  ossSave,
  ossUploadTo,
  ossOpenAsWorkspaceFolder,
  ossTurnOnAccessLogDump,
  ossTurnOffAccessLogDump,
];
