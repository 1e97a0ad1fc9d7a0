/**
 * The warning before a powerful policy goes on an ECS instance role: it names what any program on
 * those instances (and anyone who can log in) could then do. Modal, default Cancel, args or not.
 */
import * as vscode from 'vscode';
import type { Cloud } from '../../cloud';
import type { PolicyType } from '../../cloud/ram';
import { instanceRoleRisk, type InstanceRoleRisk } from '../../setup/powerfulPolicy';
import type { Services } from '../../services/services';

/** Undefined when nothing powerful is attached (no warning shown); else whether the user chose "Attach Anyway". */
export async function confirmPowerfulAttach(
  s: Services,
  cloud: Cloud,
  roleName: string,
  policy: { policyName: string; policyType: PolicyType },
): Promise<boolean | undefined> {
  const risk = await instanceRoleRisk(cloud, roleName, policy.policyName, policy.policyType);
  return risk ? confirmPowerfulRisk(s, risk) : undefined;
}

/** The warning itself, for a risk found by the caller (the set-up wizard, before its plan is applied). */
export async function confirmPowerfulRisk(s: Services, risk: InstanceRoleRisk): Promise<boolean> {
  const { roleName, policyName } = risk;
  const what = risk.grants.includes('everything')
    ? vscode.l10n.t(
        '{0} allows every action on every resource. Any program on an instance with role {1}, and anyone who can log in to one, could then delete instances, buckets and their data, read every secret and database, and manage RAM: create users and AccessKeys that outlive the instance.',
        policyName,
        roleName,
      )
    : vscode.l10n.t(
        '{0} allows managing RAM. Any program on an instance with role {1}, and anyone who can log in to one, could then create users and AccessKeys that outlive the instance and attach any policy to them or to this role, which amounts to every permission in the account.',
        policyName,
        roleName,
      );
  const anyway = vscode.l10n.t('Attach Anyway');
  return await s.prompt.confirm(
    vscode.l10n.t('Give ECS instances with role {0} the powers of {1}?', roleName, policyName),
    `${what}\n\n${vscode.l10n.t('Prefer a policy that allows only what the programs need (for example OSS read-only on one bucket).')}`,
    anyway,
  );
}
