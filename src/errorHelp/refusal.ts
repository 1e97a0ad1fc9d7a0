/**
 * A refused call in words a person reads without the code: who was refused ("Instance role
 * E2eOssReader", "RAM user alice") and what ("list RAM roles"), for tree error nodes.
 */
import * as vscode from 'vscode';
import { CloudError } from '../cloud/errors';
import type { Services } from '../services/services';

export const isRefusal = (e: unknown): e is CloudError =>
  e instanceof CloudError && /^(NoPermission|Forbidden|AccessDenied)/.test(e.code);

/** `ram:ListRoles` from the service and action an error carries (OSS actions come prefixed). */
export function ramActionOf(e: CloudError): string | undefined {
  if (!e.action) {
    return undefined;
  }
  return e.action.includes(':') ? e.action : e.service ? `${e.service}:${e.action}` : undefined;
}

/** What the tree asked for, as a phrase after "may not"; unknown actions are named as they are. */
export function refusedWhat(e: CloudError): string {
  const action = ramActionOf(e);
  const bucket = /^acs:oss:[^:]*:[^:]*:([^/]+)/.exec(e.resource ?? '')?.[1];
  switch (action) {
    case 'ram:ListRoles':
      return vscode.l10n.t('list RAM roles');
    case 'ram:GetRole':
      return vscode.l10n.t('read RAM roles');
    case 'ram:ListPolicies':
      return vscode.l10n.t('list RAM policies');
    case 'ram:ListPoliciesForRole':
      return vscode.l10n.t('list the policies attached to a role');
    case 'ram:ListPolicyVersions':
      return vscode.l10n.t('list policy versions');
    case 'ram:GetPolicy':
    case 'ram:GetPolicyVersion':
      return vscode.l10n.t('read RAM policies');
    case 'ram:ListEntitiesForPolicy':
      return vscode.l10n.t('list who uses a policy');
    case 'ecs:DescribeRegions':
      return vscode.l10n.t('list ECS regions');
    case 'ecs:DescribeInstances':
      return vscode.l10n.t('list ECS instances');
    case 'ecs:DescribeInstanceRamRole':
      return vscode.l10n.t('read the RAM roles of ECS instances');
    case 'oss:ListBuckets':
      return vscode.l10n.t('list OSS buckets');
    case 'oss:ListObjects':
      return bucket
        ? vscode.l10n.t('list objects in bucket {0}', bucket)
        : vscode.l10n.t('list objects in this bucket');
    case 'oss:GetBucketInfo':
    case 'oss:GetBucketLocation':
      return bucket
        ? vscode.l10n.t('read the settings of bucket {0}', bucket)
        : vscode.l10n.t("read this bucket's settings");
    default:
      return action ? vscode.l10n.t('call {0}', action) : vscode.l10n.t('do this');
  }
}

export interface RefusedIdentity {
  /** "Instance role E2eOssReader", "RAM user alice", "The root account", or the profile. */
  label: string;
  role?: string;
  user?: string;
}

/** Who the active profile is, asked once per cloud (GetCallerIdentity needs no permission). */
export async function refusedIdentity(s: Services): Promise<RefusedIdentity | undefined> {
  const { entry, cloud } = await s.cloud();
  const p = s.onDemand().accessDeniedReport.principalOf(await cloud.knownIdentity());
  if (p.kind === 'role' && p.name) {
    return {
      label:
        entry.source === 'instance' ? vscode.l10n.t('Instance role {0}', p.name) : vscode.l10n.t('Role {0}', p.name),
      role: p.name,
    };
  }
  if (p.kind === 'user' && p.name) {
    return { label: vscode.l10n.t('RAM user {0}', p.name), user: p.name };
  }
  if (p.kind === 'root') {
    return { label: vscode.l10n.t('The root account') };
  }
  return { label: vscode.l10n.t('Profile "{0}"', entry.name) };
}
