/**
 * One chat tool: its name, what it tells the user before it runs, and what it answers. The tools
 * see the editor only through these contexts (host.ts builds them), so they load without `vscode`
 * and the node tests run them against the sandbox.
 */
import type { Cloud } from '../cloud';
import type { VerifyRoleResult } from '../setup/verifyRole';
import type { InstanceIdentityService } from '../services/instanceIdentity';
import type { ProfileEntry } from '../services/profiles';
import type { ToolName } from './inputs';

/** What a tool's progress line and confirmation may name. */
export interface PrepareContext {
  profileName: string;
  regionId: string;
  /** The active account's ID (read-only GetCallerIdentity), '?' when unknown. */
  account(): Promise<string>;
}

/** The active profile and its cloud (tools never switch profile), and what else a tool may use. */
export interface ToolContext {
  profile: Pick<ProfileEntry, 'name' | 'source' | 'mode' | 'regionId'>;
  cloud: Cloud;
  /** The regions the user chose to see (alibabaCloud.regions); empty: every region. */
  regions: string[];
  /** Requests in flight at most per region endpoint (alibabaCloud.maxConcurrentRequests). */
  maxInFlight: number;
  instance: Pick<InstanceIdentityService, 'state' | 'mayProbe' | 'configured' | 'sandboxUrl' | 'environment'>;
  /** Our own modal confirmation (scripted in tests). */
  confirm(title: string, detail: string, action: string): Promise<boolean>;
  /** Shows a Verify Role result in the identity view, as the command does. */
  recordRoleCheck(r: VerifyRoleResult): void;
  signal: AbortSignal;
}

/** What a tool says before it runs: a progress line, and a confirmation when it runs anything anywhere. */
export interface Prepared {
  invocationMessage: string;
  confirmationMessages?: { title: string; message: string };
}

export interface AgentTool<I = Record<string, unknown>> {
  name: ToolName;
  prepare(input: I, c: PrepareContext): Prepared | Promise<Prepared>;
  /** The answer's text (see results.ts). */
  run(c: ToolContext, input: I): Promise<string>;
}

export const defineTool = <I>(t: AgentTool<I>): AgentTool => t as unknown as AgentTool;
