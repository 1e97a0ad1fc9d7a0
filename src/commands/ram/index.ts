/** RAM roles and policies (the RAM view). Each id's handler; src/commands/catalog.ts joins the folders' lists. */
import type { CommandDef } from '../command';
import { createEcsRole } from './createEcsRole';
import { createPolicy } from './createPolicy';
import { createPolicyVersion } from './createPolicyVersion';
import { attachPolicy, detachPolicy } from './attachPolicy';
import { deleteRole } from './deleteRole';
import { deletePolicy } from './deletePolicy';
import { copyArn, openTrustPolicy } from './copyArn';
import { createPassRolePolicy } from './passRolePolicy';
import { createPolicyFromDraft, rollBackPolicyVersion, setAsDefaultVersion, updateTrustPolicy } from './deploy';
import { checkAccess } from './checkAccess';
import { tearDownRole } from './tearDownRole';
import { exportCliScript, exportTerraform } from './exportRole';
import { attachPolicyToRoleFromPolicy, copyAccountId, deletePolicyVersion } from './policyExtras';
import { ramFilter } from './filter';
import { showRoleActivity } from './showActivity';
import { proposeLeastPrivilege } from './proposeLeastPrivilege';
import { applyLeastPrivilege } from './applyLeastPrivilege';
import { exportLeastPrivilegeCli, exportLeastPrivilegeTerraform } from './exportLeastPrivilege';

export const ramCommands: CommandDef[] = [
  createEcsRole,
  createPolicy,
  createPolicyVersion,
  attachPolicy,
  detachPolicy,
  deleteRole,
  deletePolicy,
  copyArn,
  openTrustPolicy,
  createPassRolePolicy,
  createPolicyFromDraft,
  setAsDefaultVersion,
  updateTrustPolicy,
  rollBackPolicyVersion,
  checkAccess,
  tearDownRole,
  exportTerraform,
  exportCliScript,
  attachPolicyToRoleFromPolicy,
  deletePolicyVersion,
  copyAccountId,
  ramFilter,
  showRoleActivity,
  proposeLeastPrivilege,
  applyLeastPrivilege,
  exportLeastPrivilegeTerraform,
  exportLeastPrivilegeCli,
];
