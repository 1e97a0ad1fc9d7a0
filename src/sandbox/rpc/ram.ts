/**
 * RAM 2015-05-01 over the sandbox state: roles, custom/system policies with versions, users,
 * attachments and access keys, with RAM's naming rules, error codes and Marker paging (RAM API reference).
 * Names are unique case-insensitively, as in real RAM, but kept and returned as created.
 */
import { randomBytes } from 'node:crypto';
import { roleArn } from '../../policy/builders';
import { ramAuditActions } from './ramAudit';
import { SandboxError } from '../core/errors';
import { LazyMap } from '../core/lazyMap';
import { changingRoles } from '../core/propagation';
import { realismOf } from '../core/realism';
import type { RpcAction, RpcBody, RpcContext, RpcProduct } from './product';
import {
  isoSeconds,
  policyKey,
  roleKey,
  userKey,
  type Attachment,
  type PolicyType,
  type RamPolicy,
  type RamRole,
  type RamUser,
  type SandboxState,
} from '../core/state';

// ---- lookups (shared with ECS and STS) ----

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function findIn<T>(map: Map<string, T>, key: string, name: (t: T) => string, wanted: string): T | undefined {
  return map.get(key) ?? [...map.values()].find((t) => same(name(t), wanted));
}

export const findRole = (state: SandboxState, name: string): RamRole | undefined =>
  findIn(state.roles, name, (r) => r.roleName, name);
export const findUser = (state: SandboxState, name: string): RamUser | undefined =>
  findIn(state.users, name, (u) => u.userName, name);
export function findPolicy(state: SandboxState, type: PolicyType, name: string): RamPolicy | undefined {
  const p = state.policies.get(policyKey(type, name));
  return p ?? [...state.policies.values()].find((x) => x.policyType === type && same(x.policyName, name));
}

// ---- errors ----

const err = (code: string, status: number, message: string) => new SandboxError(code, status, message);
const E = {
  roleNotFound: (n: string) => err('EntityNotExist.Role', 404, `The role does not exist: ${n}.`),
  userNotFound: (n: string) => err('EntityNotExist.User', 404, `The user does not exist: ${n}.`),
  policyNotFound: (n: string) => err('EntityNotExist.Policy', 404, `The policy does not exist: ${n}.`),
  versionNotFound: (v: string) => err('EntityNotExist.Policy.Version', 404, `The policy version does not exist: ${v}.`),
  length: (param: string) =>
    err(`InvalidParameter.${param}.Length`, 400, `The parameter - "${param}" beyond the length limit.`),
  chars: (param: string) =>
    err(`InvalidParameter.${param}.InvalidChars`, 400, `The parameter - "${param}" contains invalid chars.`),
  invalid: (param: string) => err(`InvalidParameter.${param}`, 400, `The parameter - "${param}" is incorrect.`),
  malformed: (why: string) => err('MalformedPolicyDocument', 400, `The policy document is malformed: ${why}`),
};

// ---- validation ----

function checkName(value: string, param: string, max: number, chars: RegExp): string {
  if (value.length < 1 || value.length > max) {
    throw E.length(param);
  }
  if (!chars.test(value)) {
    throw E.chars(param);
  }
  return value;
}
const roleName = (ctx: RpcContext, p = 'RoleName') =>
  checkName(ctx.params.required(p), 'RoleName', 64, /^[A-Za-z0-9.-]+$/);
const policyName = (ctx: RpcContext) =>
  checkName(ctx.params.required('PolicyName'), 'PolicyName', 128, /^[A-Za-z0-9-]+$/);
const userName = (ctx: RpcContext, p = 'UserName') =>
  checkName(ctx.params.required(p), 'UserName', 64, /^[A-Za-z0-9.@_-]+$/);

function description(ctx: RpcContext, param = 'Description'): string | undefined {
  const d = ctx.params.str(param);
  if (d !== undefined && d.length > 1024) {
    throw E.length('Description');
  }
  return d;
}

function policyType(ctx: RpcContext, required: boolean): PolicyType | undefined {
  const t = required ? ctx.params.required('PolicyType') : ctx.params.str('PolicyType');
  if (t === undefined || t === '') {
    return undefined;
  }
  if (t !== 'System' && t !== 'Custom') {
    throw E.invalid('PolicyType');
  }
  return t;
}

function maxSessionDuration(ctx: RpcContext, param: string): number | undefined {
  return ctx.params.int(param, { min: 3600, max: 43200, invalid: () => E.invalid('MaxSessionDuration') });
}

const asList = (v: unknown): unknown[] | undefined =>
  typeof v === 'string' ? [v] : Array.isArray(v) && v.length > 0 ? v : undefined;
const isStringList = (v: unknown) => asList(v)?.every((x) => typeof x === 'string' && x.length > 0) ?? false;

/**
 * The grammar of the RAM policy reference ("Policy structure and syntax", help doc-detail/93739):
 * top level Version and Statement only; a statement has Effect, Action|NotAction,
 * Resource|NotResource and Condition (trust policies: Principal instead of Resource); an action
 * is `*` or `service:Action`, a resource `*` or an `acs:` ARN, a condition key `prefix:Name`.
 */
const TOP_KEYS = new Set(['Version', 'Statement']);
const STATEMENT_KEYS = {
  permission: new Set(['Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']),
  trust: new Set(['Effect', 'Action', 'NotAction', 'Principal', 'Condition']),
};

function strictProblem(d: Record<string, unknown>, kind: 'permission' | 'trust'): string | undefined {
  const unknownTop = Object.keys(d).find((k) => !TOP_KEYS.has(k));
  if (unknownTop) {
    return `unknown element "${unknownTop}"`;
  }
  for (const [i, st] of (d.Statement as Array<Record<string, unknown>>).entries()) {
    const unknown = Object.keys(st).find((k) => !STATEMENT_KEYS[kind].has(k));
    if (unknown) {
      return `Statement[${i}] has an unknown element "${unknown}"`;
    }
    const badAction = asList(st.Action ?? st.NotAction)!.find(
      (a) => a !== '*' && !/^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/.test(a as string),
    );
    if (badAction !== undefined) {
      return `Statement[${i}] action "${badAction}" is not of the form service:Action`;
    }
    if (kind === 'permission') {
      const badResource = asList(st.Resource ?? st.NotResource)!.find(
        (r) => r !== '*' && !/^acs:[^:]*:[^:]*:[^:]*:.+$/.test(r as string),
      );
      if (badResource !== undefined) {
        return `Statement[${i}] resource "${badResource}" is neither "*" nor an acs: ARN`;
      }
    }
    for (const [op, block] of Object.entries((st.Condition ?? {}) as Record<string, unknown>)) {
      if (!block || typeof block !== 'object' || Array.isArray(block)) {
        return `Statement[${i}].Condition.${op} must be an object`;
      }
      const badKey = Object.keys(block).find((k) => !/^[A-Za-z0-9-]+:[A-Za-z0-9-_/]+$/.test(k));
      if (badKey !== undefined) {
        return `Statement[${i}] condition key "${badKey}" is not of the form prefix:Name`;
      }
    }
  }
  return undefined;
}

/**
 * Why a document is not a valid RAM policy, or undefined if it is. Trust policies (a role's
 * AssumeRolePolicyDocument) name a Principal instead of a Resource. `strict` adds the grammar
 * checks real RAM makes (realism `ramGrammar`).
 */
export function policyDocumentProblem(text: string, kind: 'permission' | 'trust', strict = false): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return `not valid JSON (${(e as Error).message})`;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return 'the document must be a JSON object';
  }
  const d = doc as { Version?: unknown; Statement?: unknown };
  if (d.Version !== '1') {
    return 'Version must be "1"';
  }
  if (!Array.isArray(d.Statement) || d.Statement.length === 0) {
    return 'Statement must be a non-empty array';
  }
  for (const [i, st] of (d.Statement as unknown[]).entries()) {
    if (!st || typeof st !== 'object' || Array.isArray(st)) {
      return `Statement[${i}] must be an object`;
    }
    const s = st as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
      return `Statement[${i}].Effect must be Allow or Deny`;
    }
    if (!isStringList(s.Action ?? s.NotAction)) {
      return `Statement[${i}] needs Action or NotAction`;
    }
    if (kind === 'permission' && !isStringList(s.Resource ?? s.NotResource)) {
      return `Statement[${i}] needs Resource or NotResource`;
    }
    if (kind === 'trust' && (!s.Principal || (typeof s.Principal !== 'object' && s.Principal !== '*'))) {
      return `Statement[${i}] needs a Principal`;
    }
    if (
      s.Condition !== undefined &&
      (typeof s.Condition !== 'object' || s.Condition === null || Array.isArray(s.Condition))
    ) {
      return `Statement[${i}].Condition must be an object`;
    }
  }
  return strict ? strictProblem(d as Record<string, unknown>, kind) : undefined;
}

function document(
  ctx: RpcContext,
  param: string,
  kind: 'permission' | 'trust',
  max: number,
  required: boolean,
): string | undefined {
  const text = required ? ctx.params.required(param) : ctx.params.str(param);
  if (text === undefined) {
    return undefined;
  }
  if (text.length > max) {
    throw E.length(param);
  }
  const problem = policyDocumentProblem(text, kind, realismOf(ctx.state).ramGrammar);
  if (problem) {
    throw E.malformed(problem);
  }
  return text;
}

/** RAM's `Tag` parameter is a JSON array string: [{"Key":"k","Value":"v"}]. */
function tags(ctx: RpcContext): Array<{ key: string; value: string }> | undefined {
  const raw = ctx.params.str('Tag');
  if (raw === undefined) {
    return undefined;
  }
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw E.invalid('Tag');
  }
  if (!Array.isArray(list)) {
    throw E.invalid('Tag');
  }
  return list.map((t: { Key?: unknown; Value?: unknown }) => {
    if (typeof t?.Key !== 'string' || !t.Key) {
      throw E.invalid('Tag');
    }
    return { key: t.Key, value: typeof t.Value === 'string' ? t.Value : '' };
  });
}

const hasTags = (
  have: Array<{ key: string; value: string }> | undefined,
  want: Array<{ key: string; value: string }>,
) => want.every((w) => (have ?? []).some((h) => h.key === w.key && (w.value === '' || h.value === w.value)));
const tagsJson = (t: Array<{ key: string; value: string }> | undefined) => ({
  Tag: (t ?? []).map((x) => ({ TagKey: x.key, TagValue: x.value })),
});

// ---- Marker paging ----

/**
 * One page of `items` sorted by name. The Marker is the (encoded) name the next page starts at, so
 * paging stays consistent when entries are created or deleted between pages.
 */
type Keyed<T> = Array<{ k: string; t: T }>;

/** Plain code-unit order of the lowered names, the same order the Marker comparison in page() uses. */
const byName = <T>(items: T[], name: (t: T) => string): Keyed<T> =>
  items.map((t) => ({ k: name(t).toLowerCase(), t })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));

/**
 * Every value of a LazyMap in name order, cached per version (a key added or removed), so the large
 * seed does not sort 5,000 roles for each page of ListRoles. Only for names that never change while
 * the key stays (a role cannot be renamed).
 */
const sortedByName = new WeakMap<Map<string, unknown>, { version: number; size: number; keyed: Keyed<unknown> }>();

function allByName<T>(map: Map<string, T>, name: (t: T) => string): Keyed<T> {
  if (!(map instanceof LazyMap)) {
    return byName([...map.values()], name);
  }
  const hit = sortedByName.get(map);
  if (hit && hit.version === map.version && hit.size === map.size) {
    return hit.keyed as Keyed<T>;
  }
  const keyed = byName([...map.values()], name);
  sortedByName.set(map, { version: map.version, size: map.size, keyed });
  return keyed;
}

function page<T>(
  ctx: RpcContext,
  items: T[] | Keyed<T>,
  name: (t: T) => string,
  presorted = false,
): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const max = ctx.params.int('MaxItems', { min: 1, max: 1000, invalid: () => E.invalid('MaxItems') }) ?? 100;
  const keyed = presorted ? (items as Keyed<T>) : byName(items as T[], name);
  const marker = ctx.params.str('Marker');
  const from = marker ? Buffer.from(marker, 'base64url').toString('utf8').toLowerCase() : '';
  const start = from ? keyed.findIndex((x) => x.k >= from) : 0;
  const rest = start < 0 ? [] : keyed.slice(start, start + max + 1);
  const truncated = rest.length > max;
  return {
    items: rest.slice(0, max).map((x) => x.t),
    IsTruncated: truncated,
    ...(truncated ? { Marker: Buffer.from(name(rest[max].t)).toString('base64url') } : {}),
  };
}

// ---- shapes ----

const roleJson = (ctx: RpcContext, r: RamRole, withDoc: boolean, withUpdate: boolean) => ({
  RoleId: r.roleId,
  RoleName: r.roleName,
  Arn: roleArn(ctx.accountId, r.roleName),
  Description: r.description,
  ...(withDoc ? { AssumeRolePolicyDocument: r.assumeRolePolicyDocument } : {}),
  CreateDate: r.createDate,
  ...(withUpdate ? { UpdateDate: r.updateDate } : {}),
  MaxSessionDuration: r.maxSessionDuration,
});

const versionJson = (p: RamPolicy, v: RamPolicy['versions'][number]) => ({
  VersionId: v.versionId,
  IsDefaultVersion: v.versionId === p.defaultVersion,
  PolicyDocument: v.policyDocument,
  CreateDate: v.createDate,
});

const userJson = (u: RamUser) => ({
  UserId: u.userId,
  UserName: u.userName,
  DisplayName: u.displayName,
  Comments: u.comments ?? '',
  Email: u.email ?? '',
  MobilePhone: u.mobilePhone ?? '',
  CreateDate: u.createDate,
  UpdateDate: u.updateDate ?? u.createDate,
});

/** Roles whose permissions change when this policy's default version does. */
function rolesAttachedTo(state: SandboxState, p: RamPolicy): string[] {
  return [...state.attachments.entries()]
    .filter(
      ([key, list]) =>
        key.startsWith('role:') && list.some((a) => a.policyType === p.policyType && a.policyName === p.policyName),
    )
    .map(([key]) => key.slice('role:'.length));
}

function attachmentCount(state: SandboxState, p: RamPolicy): number {
  let n = 0;
  for (const list of state.attachments.values()) {
    n += list.filter((a) => a.policyType === p.policyType && a.policyName === p.policyName).length;
  }
  return n;
}

const policyJson = (state: SandboxState, p: RamPolicy) => ({
  PolicyName: p.policyName,
  PolicyType: p.policyType,
  Description: p.description,
  DefaultVersion: p.defaultVersion,
  AttachmentCount: attachmentCount(state, p),
  CreateDate: p.createDate,
  UpdateDate: p.updateDate,
});

function attachedPolicies(state: SandboxState, principal: string) {
  return (state.attachments.get(principal) ?? []).flatMap((a) => {
    const p = state.policies.get(policyKey(a.policyType, a.policyName));
    return p
      ? [
          {
            PolicyName: p.policyName,
            PolicyType: p.policyType,
            Description: p.description,
            DefaultVersion: p.defaultVersion,
            AttachDate: a.attachDate,
          },
        ]
      : [];
  });
}

// ---- handlers ----

const nowIso = (ctx: RpcContext) => isoSeconds(ctx.now());
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

function existingRole(ctx: RpcContext): RamRole {
  const name = roleName(ctx);
  return (
    findRole(ctx.state, name) ??
    (() => {
      throw E.roleNotFound(name);
    })()
  );
}

function existingUser(ctx: RpcContext, param = 'UserName'): RamUser {
  const name = userName(ctx, param);
  return (
    findUser(ctx.state, name) ??
    (() => {
      throw E.userNotFound(name);
    })()
  );
}

function existingPolicy(ctx: RpcContext, type: PolicyType): RamPolicy {
  const name = policyName(ctx);
  return (
    findPolicy(ctx.state, type, name) ??
    (() => {
      throw E.policyNotFound(name);
    })()
  );
}

function createRole(ctx: RpcContext): RpcBody {
  const name = roleName(ctx);
  const doc = document(ctx, 'AssumeRolePolicyDocument', 'trust', 2048, true)!;
  const desc = description(ctx) ?? '';
  const duration = maxSessionDuration(ctx, 'MaxSessionDuration') ?? 3600;
  const t = tags(ctx);
  if (findRole(ctx.state, name)) {
    throw err('EntityAlreadyExists.Role', 409, 'The role does already EXIST.');
  }
  if (ctx.state.roles.size >= 1000) {
    throw err('LimitExceeded.Role', 409, 'The count of roles beyond the current limits.');
  }
  const date = nowIso(ctx);
  const role: RamRole = {
    roleId: `3${digits(18)}`,
    roleName: name,
    description: desc,
    assumeRolePolicyDocument: doc,
    maxSessionDuration: duration,
    createDate: date,
    updateDate: date,
    ...(t ? { tags: t } : {}),
  };
  changingRoles(ctx.state, [name], () => ctx.state.roles.set(name, role));
  return { Role: roleJson(ctx, role, true, false) };
}

function listRoles(ctx: RpcContext): RpcBody {
  const want = tags(ctx) ?? [];
  const name = (r: RamRole) => r.roleName;
  const { items, ...paging } = want.length
    ? page(
        ctx,
        [...ctx.state.roles.values()].filter((r) => hasTags(r.tags, want)),
        name,
      )
    : page(ctx, allByName(ctx.state.roles, name), name, true);
  return {
    ...paging,
    Roles: { Role: items.map((r) => ({ ...roleJson(ctx, r, false, true), Tags: tagsJson(r.tags) })) },
  };
}

function updateRole(ctx: RpcContext): RpcBody {
  const role = existingRole(ctx);
  const doc = document(ctx, 'NewAssumeRolePolicyDocument', 'trust', 2048, false);
  const desc = description(ctx, 'NewDescription');
  const duration = maxSessionDuration(ctx, 'NewMaxSessionDuration');
  changingRoles(ctx.state, [role.roleName], () => {
    if (doc !== undefined) {
      role.assumeRolePolicyDocument = doc;
    }
    if (desc !== undefined) {
      role.description = desc;
    }
    if (duration !== undefined) {
      role.maxSessionDuration = duration;
    }
    role.updateDate = nowIso(ctx);
  });
  return { Role: roleJson(ctx, role, true, true) };
}

function deleteRole(ctx: RpcContext): RpcBody {
  const role = existingRole(ctx);
  if ((ctx.state.attachments.get(roleKey(role.roleName)) ?? []).length > 0) {
    throw err('DeleteConflict.Role.Policy', 409, 'The role CAN NOT has any attached policy while deleting the role.');
  }
  changingRoles(ctx.state, [role.roleName], () => {
    ctx.state.roles.delete(role.roleName);
    ctx.state.attachments.delete(roleKey(role.roleName));
  });
  return {};
}

function createPolicy(ctx: RpcContext): RpcBody {
  const name = policyName(ctx);
  const doc = document(ctx, 'PolicyDocument', 'permission', 6144, true)!;
  const desc = description(ctx) ?? '';
  const t = tags(ctx);
  if (findPolicy(ctx.state, 'Custom', name)) {
    throw err('EntityAlreadyExists.Policy', 409, 'The policy does already EXIST.');
  }
  const date = nowIso(ctx);
  const policy: RamPolicy = {
    policyName: name,
    policyType: 'Custom',
    description: desc,
    defaultVersion: 'v1',
    versions: [{ versionId: 'v1', policyDocument: doc, createDate: date }],
    createDate: date,
    updateDate: date,
    nextVersion: 2,
    ...(t ? { tags: t } : {}),
  };
  ctx.state.policies.set(policyKey('Custom', name), policy);
  return {
    Policy: { PolicyName: name, PolicyType: 'Custom', Description: desc, DefaultVersion: 'v1', CreateDate: date },
  };
}

function getPolicy(ctx: RpcContext): RpcBody {
  const p = existingPolicy(ctx, policyType(ctx, true)!);
  const v = p.versions.find((x) => x.versionId === p.defaultVersion)!;
  return { Policy: policyJson(ctx.state, p), DefaultPolicyVersion: versionJson(p, v) };
}

function versionOf(ctx: RpcContext, p: RamPolicy): RamPolicy['versions'][number] {
  const id = ctx.params.required('VersionId');
  if (!/^v\d+$/.test(id)) {
    throw err('InvalidParameter.VersionId.Format', 400, 'The parameter - "VersionId" is wrongly formed.');
  }
  return (
    p.versions.find((v) => v.versionId === id) ??
    (() => {
      throw E.versionNotFound(id);
    })()
  );
}

function listPolicies(ctx: RpcContext): RpcBody {
  const type = policyType(ctx, false);
  const want = tags(ctx) ?? [];
  const all = [...ctx.state.policies.values()].filter((p) => (!type || p.policyType === type) && hasTags(p.tags, want));
  // Custom before System, then by name: the type-qualified name doubles as the Marker.
  const { items, ...paging } = page(ctx, all, (p) => `${p.policyType}:${p.policyName}`);
  return {
    ...paging,
    Policies: { Policy: items.map((p) => ({ ...policyJson(ctx.state, p), Tags: tagsJson(p.tags) })) },
  };
}

function createPolicyVersion(ctx: RpcContext): RpcBody {
  const p = existingPolicy(ctx, 'Custom');
  const doc = document(ctx, 'PolicyDocument', 'permission', 6144, true)!;
  const setAsDefault = ctx.params.bool('SetAsDefault') ?? false;
  const rotate = ctx.params.str('RotateStrategy') ?? 'None';
  if (rotate !== 'None' && rotate !== 'DeleteOldestNonDefaultVersionWhenLimitExceeded') {
    throw E.invalid('RotateStrategy');
  }
  if (p.versions.length >= 5) {
    const oldest = p.versions.find((v) => v.versionId !== p.defaultVersion);
    if (rotate === 'None' || !oldest) {
      throw err('LimitExceeded.Policy.Version', 409, 'Exceeded the maximum number of versions of the policy (5).');
    }
    p.versions = p.versions.filter((v) => v !== oldest);
  }
  const n = p.nextVersion ?? Math.max(0, ...p.versions.map((v) => Number(v.versionId.slice(1)))) + 1;
  const version = { versionId: `v${n}`, policyDocument: doc, createDate: nowIso(ctx) };
  changingRoles(ctx.state, setAsDefault ? rolesAttachedTo(ctx.state, p) : [], () => {
    p.nextVersion = n + 1;
    p.versions.push(version);
    if (setAsDefault) {
      p.defaultVersion = version.versionId;
    }
    p.updateDate = version.createDate;
  });
  return { PolicyVersion: versionJson(p, version) };
}

function deletePolicyVersion(ctx: RpcContext): RpcBody {
  const p = existingPolicy(ctx, 'Custom');
  const v = versionOf(ctx, p);
  if (v.versionId === p.defaultVersion) {
    // The text of the DeletePolicyVersion reference for this code (Resource Management's, the
    // same policy model: alibabacloud.com/help/en/resource-management/api-deletepolicyversion).
    throw err('DeleteConflict.Policy.Version.Default', 409, 'You cannot delete the default policy version.');
  }
  p.versions = p.versions.filter((x) => x !== v);
  return {};
}

function setDefaultPolicyVersion(ctx: RpcContext): RpcBody {
  const p = existingPolicy(ctx, 'Custom');
  const versionId = versionOf(ctx, p).versionId;
  changingRoles(ctx.state, rolesAttachedTo(ctx.state, p), () => {
    p.defaultVersion = versionId;
    p.updateDate = nowIso(ctx);
  });
  return {};
}

function deletePolicy(ctx: RpcContext): RpcBody {
  const p = existingPolicy(ctx, 'Custom');
  const cascade = ctx.params.bool('CascadingDelete') ?? false;
  for (const [principal, list] of ctx.state.attachments) {
    if (!list.some((a) => a.policyType === 'Custom' && a.policyName === p.policyName)) {
      continue;
    }
    // Not documented for roles; named by analogy with DeleteConflict.Policy.User / .Group.
    const what = principal.startsWith('user:') ? 'User' : 'Role';
    throw err(
      `DeleteConflict.Policy.${what}`,
      409,
      `The policy CAN NOT been attached to any ${what.toLowerCase()} while deleting the policy.`,
    );
  }
  if (p.versions.length > 1 && !cascade) {
    throw err('DeleteConflict.Policy.Version', 409, 'The policy CAN NOT has any version except the default version.');
  }
  ctx.state.policies.delete(policyKey('Custom', p.policyName));
  return {};
}

/**
 * Policies one role or user may have attached, per type: RAM "Limits" (help doc-detail/28753,
 * 2025): 20 system and 10 custom. Older copies of that page (e.g. the Japanese "Limits", which
 * also gives 100 users and 5 groups) say 5 per user or group; they predate the per-type limits,
 * so 10 stands. The code is the LimitExceeded.<Entity>.Policy of the RAM error list; its exact
 * message is not documented.
 */
const ATTACH_LIMITS: Record<PolicyType, number> = { System: 20, Custom: 10 };

/** Attach/detach for roles and users: same rules, different entity names in the codes. */
function attachment(kind: 'Role' | 'User', attach: boolean) {
  return (ctx: RpcContext): RpcBody => {
    const type = policyType(ctx, true)!;
    const p = existingPolicy(ctx, type);
    const name = kind === 'Role' ? existingRole(ctx).roleName : existingUser(ctx).userName;
    const key = kind === 'Role' ? roleKey(name) : userKey(name);
    const list: Attachment[] = ctx.state.attachments.get(key) ?? [];
    const i = list.findIndex((a) => a.policyType === type && a.policyName === p.policyName);
    if (attach && i >= 0) {
      throw err(
        `EntityAlreadyExists.${kind}.Policy`,
        409,
        `The policy has already been attached to the ${kind.toLowerCase()}.`,
      );
    }
    if (!attach && i < 0) {
      throw err(`EntityNotExist.${kind}.Policy`, 404, `The policy is not attached to the ${kind.toLowerCase()}.`);
    }
    if (attach && realismOf(ctx.state).ramLimits) {
      const limit = ATTACH_LIMITS[type];
      if (list.filter((a) => a.policyType === type).length >= limit) {
        throw err(
          `LimitExceeded.${kind}.Policy`,
          409,
          `The count of ${type.toLowerCase()} policies attached to the ${kind.toLowerCase()} beyond the current limit (${limit}).`,
        );
      }
    }
    changingRoles(ctx.state, kind === 'Role' ? [name] : [], () => {
      if (attach) {
        list.push({ policyName: p.policyName, policyType: type, attachDate: nowIso(ctx) });
        ctx.state.attachments.set(key, list);
      } else {
        list.splice(i, 1);
      }
    });
    return {};
  };
}

function listEntitiesForPolicy(ctx: RpcContext): RpcBody {
  const p = existingPolicy(ctx, policyType(ctx, true)!);
  const users: RpcBody[] = [];
  const roles: RpcBody[] = [];
  for (const [key, list] of ctx.state.attachments) {
    const a = list.find((x) => x.policyType === p.policyType && x.policyName === p.policyName);
    if (!a) {
      continue;
    }
    const role = key.startsWith('role:') ? ctx.state.roles.get(key.slice(5)) : undefined;
    const user = key.startsWith('user:') ? ctx.state.users.get(key.slice(5)) : undefined;
    if (role) {
      roles.push({
        RoleId: role.roleId,
        RoleName: role.roleName,
        Arn: roleArn(ctx.accountId, role.roleName),
        Description: role.description,
        AttachDate: a.attachDate,
      });
    }
    if (user) {
      users.push({
        UserId: user.userId,
        UserName: user.userName,
        DisplayName: user.displayName,
        AttachDate: a.attachDate,
      });
    }
  }
  return { Users: { User: users }, Groups: { Group: [] }, Roles: { Role: roles } };
}

function createUser(ctx: RpcContext): RpcBody {
  const name = userName(ctx);
  const display = ctx.params.str('DisplayName');
  if (display !== undefined && (display.length < 1 || display.length > 128)) {
    throw E.length('DisplayName');
  }
  const comments = ctx.params.str('Comments');
  if (comments !== undefined && comments.length > 128) {
    throw E.length('Comments');
  }
  if (findUser(ctx.state, name)) {
    throw err('EntityAlreadyExists.User', 409, 'The user does already EXIST.');
  }
  const date = nowIso(ctx);
  const user: RamUser = {
    userId: `2${digits(15)}`,
    userName: name,
    displayName: display ?? name,
    createDate: date,
    updateDate: date,
    comments,
    email: ctx.params.str('Email'),
    mobilePhone: ctx.params.str('MobilePhone'),
  };
  ctx.state.users.set(name, user);
  const { UpdateDate: _omitted, ...body } = userJson(user);
  return { User: body };
}

function listUsers(ctx: RpcContext): RpcBody {
  const { items, ...paging } = page(ctx, [...ctx.state.users.values()], (u) => u.userName);
  return { ...paging, Users: { User: items.map(userJson) } };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomText = (n: number) => Array.from(randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join('');

/** For a named user, or without UserName for the caller's own identity (root or user). */
function createAccessKey(ctx: RpcContext): RpcBody {
  const p = ctx.principal;
  const named = ctx.params.str('UserName');
  const owner = named
    ? { kind: 'user' as const, userName: existingUser(ctx).userName }
    : p.kind === 'user'
      ? { kind: 'user' as const, userName: p.userName }
      : p.kind === 'root'
        ? { kind: 'root' as const }
        : (() => {
            throw err('InvalidParameter.UserName', 400, 'An assumed-role session has no access keys; name a user.');
          })();
  const existing = [...ctx.state.accessKeys.values()].filter(
    (k) =>
      k.owner.kind === owner.kind &&
      (owner.kind === 'root' || (k.owner.kind === 'user' && k.owner.userName === owner.userName)),
  );
  if (existing.length >= 2) {
    throw err('LimitExceeded.User.AccessKey', 409, 'Current count of AccessKey of user exceeds the limit.');
  }
  const key = {
    accessKeyId: `SBXAK${randomText(18)}`,
    accessKeySecret: randomText(30),
    owner,
    status: 'Active' as const,
    createDate: nowIso(ctx),
  };
  ctx.state.accessKeys.set(key.accessKeyId, key);
  return {
    AccessKey: {
      AccessKeyId: key.accessKeyId,
      AccessKeySecret: key.accessKeySecret,
      Status: key.status,
      CreateDate: key.createDate,
    },
  };
}

// ---- the action table ----

/** `acs:ram:*:<account>:<path>` — RAM's resource form (RAM doc "需要的权限"). */
const arn = (ctx: RpcContext, path: string) => [`acs:ram:*:${ctx.accountId}:${path}`];
const onRole = (ctx: RpcContext) => arn(ctx, `role/${ctx.params.str('RoleName') ?? '*'}`);
const onPolicy = (ctx: RpcContext) => arn(ctx, `policy/${ctx.params.str('PolicyName') ?? '*'}`);
const onUser = (ctx: RpcContext) => {
  const p = ctx.principal;
  return arn(ctx, `user/${ctx.params.str('UserName') ?? (p.kind === 'user' ? p.userName : '*')}`);
};
const on = (resources: (ctx: RpcContext) => string[], handle: (ctx: RpcContext) => RpcBody): RpcAction => ({
  resources,
  handle,
});

const actions: Record<string, RpcAction> = {
  ...ramAuditActions,
  CreateRole: on(onRole, createRole),
  GetRole: on(onRole, (ctx) => ({ Role: roleJson(ctx, existingRole(ctx), true, true) })),
  ListRoles: on((ctx) => arn(ctx, 'role/*'), listRoles),
  UpdateRole: on(onRole, updateRole),
  DeleteRole: on(onRole, deleteRole),
  CreatePolicy: on(onPolicy, createPolicy),
  GetPolicy: on(onPolicy, getPolicy),
  GetPolicyVersion: on(onPolicy, (ctx) => {
    const p = existingPolicy(ctx, policyType(ctx, true)!);
    return { PolicyVersion: versionJson(p, versionOf(ctx, p)) };
  }),
  ListPolicies: on((ctx) => arn(ctx, 'policy/*'), listPolicies),
  ListPolicyVersions: on(onPolicy, (ctx) => {
    const p = existingPolicy(ctx, policyType(ctx, true)!);
    return { PolicyVersions: { PolicyVersion: p.versions.map((v) => versionJson(p, v)) } };
  }),
  CreatePolicyVersion: on(onPolicy, createPolicyVersion),
  DeletePolicyVersion: on(onPolicy, deletePolicyVersion),
  SetDefaultPolicyVersion: on(onPolicy, setDefaultPolicyVersion),
  DeletePolicy: on(onPolicy, deletePolicy),
  AttachPolicyToRole: on(onRole, attachment('Role', true)),
  DetachPolicyFromRole: on(onRole, attachment('Role', false)),
  ListPoliciesForRole: on(onRole, (ctx) => ({
    Policies: { Policy: attachedPolicies(ctx.state, roleKey(existingRole(ctx).roleName)) },
  })),
  ListEntitiesForPolicy: on(onPolicy, listEntitiesForPolicy),
  CreateUser: on(onUser, createUser),
  GetUser: on(onUser, (ctx) => ({ User: { ...userJson(existingUser(ctx)), LastLoginDate: '' } })),
  ListUsers: on((ctx) => arn(ctx, 'user/*'), listUsers),
  AttachPolicyToUser: on(onUser, attachment('User', true)),
  DetachPolicyFromUser: on(onUser, attachment('User', false)),
  ListPoliciesForUser: on(onUser, (ctx) => ({
    Policies: { Policy: attachedPolicies(ctx.state, userKey(existingUser(ctx).userName)) },
  })),
  CreateAccessKey: on(onUser, createAccessKey),
};

export const ramProduct: RpcProduct = {
  name: 'ram',
  version: '2015-05-01',
  hostId: 'ram.aliyuncs.com',
  productCode: 'Ram',
  actions,
  defaultResource: (ctx) => `acs:ram:*:${ctx.accountId}:*`,
  denied: {
    code: 'NoPermission',
    status: 403,
    message: 'You are not authorized to do this action. You should be authorized by RAM.',
  },
};
