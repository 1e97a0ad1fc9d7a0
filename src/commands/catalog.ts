/**
 * Every command id → handler, in one list. package.json contributes the same ids. The list and the
 * implementations load on the first command call (registry.ts), not at activation.
 */
import type { CommandDef } from './command';
import { copyText, loadMore, refreshNode, refreshView, showLog } from './common';
import { copyInstanceEnvironment, detectInstance, diagnoseInstance, refreshInstanceCredentials, writeInstanceCliProfile } from './instanceCommands';
import { ossCopyPresignedUrl, ossCopyUri } from './ossCopy';
import { ossCreateBucket, ossDeleteBucket } from './ossBucket';
import { ossCreateFolder } from './ossCreateFolder';
import { ossCopyTo, ossMove, ossRename } from './ossMoveCopy';
import { ossEditObjectMetadata, ossObjectProperties } from './ossObjectProperties';
import { ossDelete } from './ossDelete';
import { ossDownload } from './ossDownload';
import { ossFilter } from './ossFilter';
import { ramFilter } from './ramFilter';
import { ecsClearFilter, ecsFilterInstances } from './ecsFilter';
import { ossOpenObject } from './ossOpen';
import { ossPin, ossUnpin } from './ossPin';
import { ossSave } from './ossSave';
import { ossUpload, ossUploadFolder, ossUploadTo } from './ossUpload';
import { ossOpenAsWorkspaceFolder } from './ossWorkspaceFolder';
import { addProfile, forgetApprovedCommands, importCliProfile, removeProfile, selectProfile, selectRegions } from './profileCommands';
import { startSandbox } from './startSandbox';
import { attachRole } from './ecsAttachRole';
import { checkAccess } from './checkAccess';
import { exportCliScript, exportTerraform } from './ramExportRole';
import { tearDownRole } from './ramTearDownRole';
import { createInstance } from './ecsCreateInstance';
import { copyInstanceId } from './ecsCopyInstanceId';
import { detachRole } from './ecsDetachRole';
import { connectRemoteSsh } from './instanceConnect';
import { verifyRole } from './instanceVerifyRole';
import { copyEip, copyPrivateIp, copyPublicIp, rebootInstance, releaseInstance, startInstance, stopInstance } from './ecsInstanceLifecycle';
import { instanceProperties } from './ecsInstanceProperties';
import { createPassRolePolicy } from './passRolePolicy';
import { attachPolicy, detachPolicy } from './ramAttachPolicy';
import { copyArn, openTrustPolicy } from './ramCopyArn';
import { createEcsRole } from './ramCreateEcsRole';
import { createPolicy } from './ramCreatePolicy';
import { createPolicyVersion } from './ramCreatePolicyVersion';
import { createPolicyFromDraft, rollBackPolicyVersion, setAsDefaultVersion, updateTrustPolicy } from './ramDeploy';
import { deletePolicy } from './ramDeletePolicy';
import { attachPolicyToRoleFromPolicy, copyAccountId, deletePolicyVersion } from './ramPolicyExtras';
import { deleteRole } from './ramDeleteRole';
import { setupInstanceRole } from './setupInstanceRole';
import { ignoreAccessKeyInWorkspace, scanAccessKeys } from './accessKeyCommands';
import { insertRoleCode } from './insertRoleCode';
import { openInApiExplorer, openInConsole } from './openInConsole';

export const COMMANDS: CommandDef[] = [
  // identity
  addProfile, removeProfile, selectProfile, importCliProfile, forgetApprovedCommands, selectRegions, startSandbox,
  // on an ECS instance
  detectInstance, refreshInstanceCredentials, diagnoseInstance, writeInstanceCliProfile, copyInstanceEnvironment,
  // RAM
  createEcsRole, createPolicy, createPolicyVersion, attachPolicy, detachPolicy, deleteRole, deletePolicy, copyArn, openTrustPolicy, createPassRolePolicy,
  createPolicyFromDraft, setAsDefaultVersion, updateTrustPolicy, rollBackPolicyVersion,
  checkAccess, tearDownRole, exportTerraform, exportCliScript,
  attachPolicyToRoleFromPolicy, deletePolicyVersion, copyAccountId,
  // ECS
  attachRole, detachRole, createInstance, copyInstanceId, connectRemoteSsh, verifyRole,
  startInstance, stopInstance, rebootInstance, releaseInstance, copyPublicIp, copyPrivateIp, copyEip, instanceProperties,
  ecsFilterInstances, ecsClearFilter,
  // the whole chain
  setupInstanceRole,
  // oss
  ossOpenObject, ossUpload, ossUploadFolder, ossDownload, ossCreateFolder, ossDelete, ossCopyUri, ossCopyPresignedUrl, ossFilter, ramFilter, ossPin, ossUnpin,
  ossCreateBucket, ossDeleteBucket, ossMove, ossCopyTo, ossRename, ossObjectProperties, ossEditObjectMetadata, ossSave,
  ossUploadTo, ossOpenAsWorkspaceFolder,
  // AccessKeys in code → the instance role; the console
  scanAccessKeys, ignoreAccessKeyInWorkspace, insertRoleCode, openInConsole, openInApiExplorer,
  // views
  refreshView('identity'), refreshView('ram'), refreshView('ecs'), refreshView('oss'), refreshNode, loadMore, showLog, copyText,
];
