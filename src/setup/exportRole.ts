/**
 * Export a role as Terraform or as an aliyun CLI script: the role with its trust policy, its custom
 * policies with their documents, its policy attachments and the instances it is attached to.
 * Output is deterministic (sorted, no timestamps) so two exports of the same role diff clean.
 *
 * Terraform resources and arguments (terraform-provider-alicloud docs, website/docs/r/):
 * alicloud_ram_role (name, document, description), alicloud_ram_policy (policy_name,
 * policy_document, description), alicloud_ram_role_policy_attachment (policy_name, policy_type,
 * role_name), alicloud_ecs_ram_role_attachment (ram_role_name, instance_id; since provider 1.250.0).
 * The CLI script calls the same RPC actions with the parameters the API reference names, and
 * tolerates "already exists" answers, so it can be run again.
 */
import type { Cloud } from '../cloud';
import { collectAll } from '../cloud/paging';
import type { PolicyType } from '../cloud/ram';

export interface RoleSnapshot {
  roleName: string;
  description?: string;
  trustPolicy: string;
  policies: { policyName: string; policyType: PolicyType; description?: string; document?: string }[];
  instances: { regionId: string; instanceId: string }[];
}

/** One RPC call of the CLI script: `aliyun <product> <action> --Key=value …`. */
export interface CliCall {
  product: 'ram' | 'ecs';
  action: string;
  params: Record<string, string>;
}

const pretty = (doc: string) => {
  try {
    return JSON.stringify(JSON.parse(doc), null, 2);
  } catch {
    return doc;
  }
};
const compact = (doc: string) => {
  try {
    return JSON.stringify(JSON.parse(doc));
  } catch {
    return doc;
  }
};

export async function readRoleSnapshot(cloud: Cloud, roleName: string, regions: string[]): Promise<RoleSnapshot> {
  const role = await cloud.ram.getRole(roleName);
  const attached = await cloud.ram.listPoliciesForRole(roleName);
  const policies = await Promise.all(
    attached.map(async (p) => {
      if (p.policyType === 'System') {
        return { policyName: p.policyName, policyType: p.policyType };
      }
      const { policy, document } = await cloud.ram.getPolicy(p.policyName, 'Custom');
      return {
        policyName: p.policyName,
        policyType: p.policyType,
        description: policy.description || undefined,
        document,
      };
    }),
  );
  const instances: RoleSnapshot['instances'] = [];
  for (const regionId of regions) {
    const ids = (await collectAll((t) => cloud.ecs.listInstances(regionId, t, 100)))
      .filter((i) => i.networkType === 'vpc')
      .map((i) => i.instanceId);
    if (!ids.length) {
      continue;
    }
    for (const [instanceId, r] of await cloud.ecs.describeInstanceRoles(regionId, ids)) {
      if (r.toLowerCase() === roleName.toLowerCase()) {
        instances.push({ regionId, instanceId });
      }
    }
  }
  return {
    roleName: role.roleName,
    description: role.description || undefined,
    trustPolicy: role.trustPolicy ?? '',
    policies: policies.sort((a, b) => (a.policyType + a.policyName).localeCompare(b.policyType + b.policyName)),
    instances: instances.sort((a, b) => (a.regionId + a.instanceId).localeCompare(b.regionId + b.instanceId)),
  };
}

// ---- Terraform

/** A Terraform identifier from a cloud name (letters, digits, _ and -; must not start with a digit). */
const tfId = (name: string) => {
  const id = name.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`;
};
/** An HCL string literal: JSON escapes plus `${` and `%{`, which HCL would interpolate. */
const hclEscape = (s: string) => s.replace(/([$%])\{/g, (_m, c: string) => `${c}${c}{`);
const hclString = (s: string) => hclEscape(JSON.stringify(s));
/** A heredoc body for a JSON document; the closing marker cannot occur in JSON. */
const heredoc = (doc: string, indent = '  ') =>
  `<<-EOT\n${hclEscape(pretty(doc))
    .split('\n')
    .map((l) => indent + '  ' + l)
    .join('\n')}\n${indent}EOT`;

export function toTerraform(s: RoleSnapshot): string {
  const role = tfId(s.roleName);
  const out: string[] = [
    `# RAM role ${s.roleName}, exported by Alibaba Cloud ECS RAM Roles for VS Code.`,
    '# Needs terraform-provider-alicloud 1.250.0 or later (alicloud_ecs_ram_role_attachment).',
    '',
    `resource "alicloud_ram_role" ${hclString(role)} {`,
    `  name        = ${hclString(s.roleName)}`,
    ...(s.description ? [`  description = ${hclString(s.description)}`] : []),
    `  document    = ${heredoc(s.trustPolicy)}`,
    '}',
  ];
  for (const p of s.policies) {
    const id = tfId(`${s.roleName}_${p.policyName}`);
    if (p.policyType === 'Custom') {
      out.push(
        '',
        `resource "alicloud_ram_policy" ${hclString(tfId(p.policyName))} {`,
        `  policy_name     = ${hclString(p.policyName)}`,
        ...(p.description ? [`  description     = ${hclString(p.description)}`] : []),
        `  policy_document = ${heredoc(p.document ?? '{}')}`,
        '}',
      );
    }
    const policyName =
      p.policyType === 'Custom' ? `alicloud_ram_policy.${tfId(p.policyName)}.policy_name` : hclString(p.policyName);
    out.push(
      '',
      `resource "alicloud_ram_role_policy_attachment" ${hclString(id)} {`,
      `  role_name   = alicloud_ram_role.${role}.name`,
      `  policy_name = ${policyName}`,
      `  policy_type = ${hclString(p.policyType)}`,
      '}',
    );
  }
  for (const i of s.instances) {
    // The instances themselves are not managed here; the attachment refers to them by id.
    out.push(
      '',
      `resource "alicloud_ecs_ram_role_attachment" ${hclString(tfId(`${s.roleName}_${i.instanceId}`))} {`,
      `  ram_role_name = alicloud_ram_role.${role}.name`,
      `  instance_id   = ${hclString(i.instanceId)} # ${i.regionId}`,
      '}',
    );
  }
  return out.join('\n') + '\n';
}

// ---- aliyun CLI

export function cliCalls(s: RoleSnapshot): CliCall[] {
  const calls: CliCall[] = [
    {
      product: 'ram',
      action: 'CreateRole',
      params: {
        RoleName: s.roleName,
        AssumeRolePolicyDocument: compact(s.trustPolicy),
        ...(s.description ? { Description: s.description } : {}),
      },
    },
  ];
  for (const p of s.policies) {
    if (p.policyType === 'Custom') {
      calls.push({
        product: 'ram',
        action: 'CreatePolicy',
        params: {
          PolicyName: p.policyName,
          PolicyDocument: compact(p.document ?? '{}'),
          ...(p.description ? { Description: p.description } : {}),
        },
      });
    }
    calls.push({
      product: 'ram',
      action: 'AttachPolicyToRole',
      params: { PolicyType: p.policyType, PolicyName: p.policyName, RoleName: s.roleName },
    });
  }
  for (const i of s.instances) {
    calls.push({
      product: 'ecs',
      action: 'AttachInstanceRamRole',
      params: { RegionId: i.regionId, RamRoleName: s.roleName, InstanceIds: JSON.stringify([i.instanceId]) },
    });
  }
  return calls;
}

/** A single-quoted shell word (POSIX: close, escaped quote, reopen). */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * One parameter as one shell word, `--Key=value`. The aliyun CLI reads a separate word that starts
 * with `-` as the next flag, not as the value (a description `--endpoint=host` would redirect the
 * signed call); in the `=` form it splits at the first `=` or `:` and assigns the rest verbatim
 * (aliyun/aliyun-cli cli/parser.go, parseCommandArg and SplitStringWithPrefix). An empty value
 * would make the CLI take the next word as the value, so empty parameters are left out.
 */
const cliParams = (params: Record<string, string>) =>
  Object.entries(params)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => shellQuote(`--${k}=${v}`))
    .join(' ');

export function toCliScript(s: RoleSnapshot): string {
  const lines = [
    '#!/usr/bin/env bash',
    `# RAM role ${s.roleName}, exported by Alibaba Cloud ECS RAM Roles for VS Code.`,
    '# Needs the aliyun CLI with a profile that may change RAM and ECS. Safe to run again:',
    '# a role, policy or attachment that already exists is reported and skipped.',
    'set -euo pipefail',
    '',
    'ensure() {',
    '  local out',
    '  if out=$("$@" 2>&1); then printf \'%s\\n\' "$out"; return 0; fi',
    '  case "$out" in',
    '    *EntityAlreadyExists*|*InvalidRamRole.Duplicate*|*RamRole.Duplicate*) echo "exists: $3";;',
    '    *) printf \'%s\\n\' "$out" >&2; return 1;;',
    '  esac',
    '}',
    '',
  ];
  for (const c of cliCalls(s)) {
    lines.push(`ensure aliyun ${c.product} ${c.action} ${cliParams(c.params)}`);
  }
  return lines.join('\n') + '\n';
}
