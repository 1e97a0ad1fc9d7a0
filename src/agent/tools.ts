/** Every chat tool (the lazy side of index.ts). */
import { checkAccess } from './checkAccess';
import { describeRole } from './describeRole';
import { diagnoseInstanceCredentials } from './diagnoseInstanceCredentials';
import { explainAccessDenied } from './explainAccessDenied';
import { findInstances } from './findInstances';
import { listRoles } from './listRoles';
import type { AgentTool } from './tool';
import { whoAmI } from './whoAmI';

export { invoke, prepare } from './host';

export const TOOLS: AgentTool[] = [
  whoAmI,
  listRoles,
  describeRole,
  findInstances,
  checkAccess,
  explainAccessDenied,
  diagnoseInstanceCredentials,
];
