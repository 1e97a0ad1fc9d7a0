/** RAM over the real SDK: roles, policies, attachments and users, mapped to plain models. */
import type { Page } from './paging';
import { deferredPage, scanAnswer, type DeferredPage } from './deferredAnswer';
import { callRpcJson, callRpcParts, loadRamSdk } from './sdk';
import type { CloudSession } from './session';

export type PolicyType = 'System' | 'Custom';

export interface Role {
  roleId: string;
  roleName: string;
  arn: string;
  description: string;
  createDate?: string;
  updateDate?: string;
  maxSessionDuration?: number;
  /** Only from GetRole (ListRoles does not return it). */
  trustPolicy?: string;
}

export interface PolicySummary {
  policyName: string;
  policyType: PolicyType;
  description: string;
  defaultVersion: string;
  attachmentCount?: number;
  createDate?: string;
  updateDate?: string;
}

export interface PolicyVersionInfo {
  versionId: string;
  isDefault: boolean;
  document: string;
  createDate?: string;
}

export interface AttachedPolicy {
  policyName: string;
  policyType: PolicyType;
  description?: string;
  attachDate?: string;
}

export interface RamUserInfo {
  userId: string;
  userName: string;
  displayName: string;
  createDate?: string;
}

export interface PolicyEntities {
  roles: string[];
  users: string[];
  groups: string[];
}

const s = (v: string | undefined | null) => v ?? '';
const asType = (v: string | undefined): PolicyType => (v === 'System' ? 'System' : 'Custom');

/** The fields of a ListRoles answer that listRoles reads (RAM API reference names). */
interface RawRolePage {
  IsTruncated?: boolean;
  Marker?: string;
  Roles?: { Role?: RawRole[] };
}

interface RawRole {
  RoleId?: string;
  RoleName?: string;
  Arn?: string;
  Description?: string;
  CreateDate?: string;
  UpdateDate?: string;
  MaxSessionDuration?: number;
}

const RAM_VERSION = '2015-05-01';

function roleRows(b: RawRolePage | undefined): Role[] {
  return (b?.Roles?.Role ?? []).map((x) => ({
    roleId: s(x.RoleId),
    roleName: s(x.RoleName),
    arn: s(x.Arn),
    description: s(x.Description),
    createDate: x.CreateDate,
    updateDate: x.UpdateDate,
    maxSessionDuration: x.MaxSessionDuration,
  }));
}

export class RamApi {
  constructor(private readonly session: CloudSession) {}

  private call<T>(
    action: string,
    fn: (client: ReturnType<CloudSession['ramClient']>, sdk: ReturnType<typeof loadRamSdk>) => Promise<T>,
  ): Promise<T> {
    return this.session.call('ram', action, undefined, () => fn(this.session.ramClient(), loadRamSdk()));
  }

  async listRoles(marker?: string, maxItems = 100): Promise<Page<Role>> {
    // Up to 1,000 roles a page: plain JSON, as callRpcJson explains.
    const r = await this.call('ListRoles', (c) =>
      callRpcJson<RawRolePage>(c, 'ListRoles', RAM_VERSION, { Marker: marker, MaxItems: maxItems }),
    );
    return { items: roleRows(r.body), next: r.body?.IsTruncated ? r.body.Marker : undefined };
  }

  /**
   * listRoles for the inventory: the Marker is read from the answer's top level and the rows are
   * built when `items()` is first called, so the next page can be asked for first.
   */
  async listRolesDeferred(marker?: string, maxItems = 100): Promise<DeferredPage<Role>> {
    const { page } = await this.call('ListRoles', async (c) => {
      const r = await callRpcParts(c, 'ListRoles', RAM_VERSION, { Marker: marker, MaxItems: maxItems });
      const parts = r.body ?? [];
      const top = scanAnswer(parts, { scalars: ['IsTruncated', 'Marker', 'RequestId'] }).scalars;
      const next = top.IsTruncated === true && typeof top.Marker === 'string' ? top.Marker : undefined;
      // body.RequestId for the session's log line.
      return {
        body: { RequestId: top.RequestId as string | undefined },
        headers: r.headers,
        page: deferredPage(parts, next, ['Roles', 'Role'], (rows: RawRole[]) => roleRows({ Roles: { Role: rows } })),
      };
    });
    return page;
  }

  async getRole(roleName: string): Promise<Role> {
    const r = await this.call('GetRole', (c, m) => c.getRole(new m.GetRoleRequest({ roleName })));
    const x = r.body?.role;
    return {
      roleId: s(x?.roleId),
      roleName: s(x?.roleName),
      arn: s(x?.arn),
      description: s(x?.description),
      createDate: x?.createDate,
      updateDate: x?.updateDate,
      maxSessionDuration: x?.maxSessionDuration,
      trustPolicy: x?.assumeRolePolicyDocument,
    };
  }

  async createRole(
    roleName: string,
    trustPolicy: string,
    description?: string,
    maxSessionDuration?: number,
  ): Promise<Role> {
    const r = await this.call('CreateRole', (c, m) =>
      c.createRole(
        new m.CreateRoleRequest({ roleName, assumeRolePolicyDocument: trustPolicy, description, maxSessionDuration }),
      ),
    );
    this.session.roleChanges.noteChange(roleName);
    const x = r.body?.role;
    return {
      roleId: s(x?.roleId),
      roleName: s(x?.roleName),
      arn: s(x?.arn),
      description: s(x?.description),
      createDate: x?.createDate,
      maxSessionDuration: x?.maxSessionDuration,
      trustPolicy: x?.assumeRolePolicyDocument,
    };
  }

  async updateRoleTrust(roleName: string, trustPolicy: string): Promise<void> {
    await this.call('UpdateRole', (c, m) =>
      c.updateRole(new m.UpdateRoleRequest({ roleName, newAssumeRolePolicyDocument: trustPolicy })),
    );
    this.session.roleChanges.noteChange(roleName);
  }

  async deleteRole(roleName: string): Promise<void> {
    await this.call('DeleteRole', (c, m) => c.deleteRole(new m.DeleteRoleRequest({ roleName })));
  }

  async listPolicies(policyType?: PolicyType, marker?: string, maxItems = 100): Promise<Page<PolicySummary>> {
    const r = await this.call('ListPolicies', (c, m) =>
      c.listPolicies(new m.ListPoliciesRequest({ policyType, marker, maxItems })),
    );
    const b = r.body;
    return {
      items: (b?.policies?.policy ?? []).map((x) => ({
        policyName: s(x.policyName),
        policyType: asType(x.policyType),
        description: s(x.description),
        defaultVersion: s(x.defaultVersion),
        attachmentCount: x.attachmentCount,
        createDate: x.createDate,
        updateDate: x.updateDate,
      })),
      next: b?.isTruncated ? b.marker : undefined,
    };
  }

  /** The policy and its default version's document. */
  async getPolicy(policyName: string, policyType: PolicyType): Promise<{ policy: PolicySummary; document: string }> {
    const r = await this.call('GetPolicy', (c, m) => c.getPolicy(new m.GetPolicyRequest({ policyName, policyType })));
    const p = r.body?.policy;
    return {
      policy: {
        policyName: s(p?.policyName),
        policyType: asType(p?.policyType),
        description: s(p?.description),
        defaultVersion: s(p?.defaultVersion),
        attachmentCount: p?.attachmentCount,
        createDate: p?.createDate,
        updateDate: p?.updateDate,
      },
      document: s(r.body?.defaultPolicyVersion?.policyDocument),
    };
  }

  async getPolicyVersion(policyName: string, policyType: PolicyType, versionId: string): Promise<PolicyVersionInfo> {
    const r = await this.call('GetPolicyVersion', (c, m) =>
      c.getPolicyVersion(new m.GetPolicyVersionRequest({ policyName, policyType, versionId })),
    );
    const v = r.body?.policyVersion;
    return {
      versionId: s(v?.versionId),
      isDefault: !!v?.isDefaultVersion,
      document: s(v?.policyDocument),
      createDate: v?.createDate,
    };
  }

  async listPolicyVersions(policyName: string, policyType: PolicyType): Promise<PolicyVersionInfo[]> {
    const r = await this.call('ListPolicyVersions', (c, m) =>
      c.listPolicyVersions(new m.ListPolicyVersionsRequest({ policyName, policyType })),
    );
    return (r.body?.policyVersions?.policyVersion ?? []).map((v) => ({
      versionId: s(v.versionId),
      isDefault: !!v.isDefaultVersion,
      document: s(v.policyDocument),
      createDate: v.createDate,
    }));
  }

  async createPolicy(policyName: string, document: string, description?: string): Promise<PolicySummary> {
    const r = await this.call('CreatePolicy', (c, m) =>
      c.createPolicy(new m.CreatePolicyRequest({ policyName, policyDocument: document, description })),
    );
    const p = r.body?.policy;
    return {
      policyName: s(p?.policyName),
      policyType: 'Custom',
      description: s(p?.description),
      defaultVersion: s(p?.defaultVersion) || 'v1',
      createDate: p?.createDate,
    };
  }

  /**
   * A new version. Nothing is rotated out: at RAM's limit of 5 versions this fails with
   * LimitExceeded.Policy.Version, and the caller asks which version to delete (never silently).
   */
  async createPolicyVersion(policyName: string, document: string, setAsDefault = true): Promise<PolicyVersionInfo> {
    const r = await this.call('CreatePolicyVersion', (c, m) =>
      c.createPolicyVersion(
        new m.CreatePolicyVersionRequest({
          policyName,
          policyDocument: document,
          setAsDefault,
          rotateStrategy: 'None',
        }),
      ),
    );
    const v = r.body?.policyVersion;
    return {
      versionId: s(v?.versionId),
      isDefault: !!v?.isDefaultVersion,
      document: s(v?.policyDocument),
      createDate: v?.createDate,
    };
  }

  async deletePolicyVersion(policyName: string, versionId: string): Promise<void> {
    await this.call('DeletePolicyVersion', (c, m) =>
      c.deletePolicyVersion(new m.DeletePolicyVersionRequest({ policyName, versionId })),
    );
  }

  async setDefaultPolicyVersion(policyName: string, versionId: string): Promise<void> {
    await this.call('SetDefaultPolicyVersion', (c, m) =>
      c.setDefaultPolicyVersion(new m.SetDefaultPolicyVersionRequest({ policyName, versionId })),
    );
  }

  async deletePolicy(policyName: string, cascade = true): Promise<void> {
    await this.call('DeletePolicy', (c, m) =>
      c.deletePolicy(new m.DeletePolicyRequest({ policyName, cascadingDelete: cascade })),
    );
  }

  async attachPolicyToRole(roleName: string, policyName: string, policyType: PolicyType): Promise<void> {
    await this.call('AttachPolicyToRole', (c, m) =>
      c.attachPolicyToRole(new m.AttachPolicyToRoleRequest({ roleName, policyName, policyType })),
    );
    this.session.roleChanges.noteChange(roleName);
  }

  async detachPolicyFromRole(roleName: string, policyName: string, policyType: PolicyType): Promise<void> {
    await this.call('DetachPolicyFromRole', (c, m) =>
      c.detachPolicyFromRole(new m.DetachPolicyFromRoleRequest({ roleName, policyName, policyType })),
    );
    this.session.roleChanges.noteChange(roleName);
  }

  async listPoliciesForRole(roleName: string): Promise<AttachedPolicy[]> {
    const r = await this.call('ListPoliciesForRole', (c, m) =>
      c.listPoliciesForRole(new m.ListPoliciesForRoleRequest({ roleName })),
    );
    return (r.body?.policies?.policy ?? []).map((p) => ({
      policyName: s(p.policyName),
      policyType: asType(p.policyType),
      description: p.description,
      attachDate: p.attachDate,
    }));
  }

  async listEntitiesForPolicy(policyName: string, policyType: PolicyType): Promise<PolicyEntities> {
    const r = await this.call('ListEntitiesForPolicy', (c, m) =>
      c.listEntitiesForPolicy(new m.ListEntitiesForPolicyRequest({ policyName, policyType })),
    );
    const b = r.body;
    return {
      roles: (b?.roles?.role ?? []).map((x) => s(x.roleName)),
      users: (b?.users?.user ?? []).map((x) => s(x.userName)),
      groups: (b?.groups?.group ?? []).map((x) => s(x.groupName)),
    };
  }

  async listUsers(marker?: string, maxItems = 100): Promise<Page<RamUserInfo>> {
    const r = await this.call('ListUsers', (c, m) => c.listUsers(new m.ListUsersRequest({ marker, maxItems })));
    const b = r.body;
    return {
      items: (b?.users?.user ?? []).map((u) => ({
        userId: s(u.userId),
        userName: s(u.userName),
        displayName: s(u.displayName),
        createDate: u.createDate,
      })),
      next: b?.isTruncated ? b.marker : undefined,
    };
  }

  async attachPolicyToUser(userName: string, policyName: string, policyType: PolicyType): Promise<void> {
    await this.call('AttachPolicyToUser', (c, m) =>
      c.attachPolicyToUser(new m.AttachPolicyToUserRequest({ userName, policyName, policyType })),
    );
  }

  async detachPolicyFromUser(userName: string, policyName: string, policyType: PolicyType): Promise<void> {
    await this.call('DetachPolicyFromUser', (c, m) =>
      c.detachPolicyFromUser(new m.DetachPolicyFromUserRequest({ userName, policyName, policyType })),
    );
  }

  async listPoliciesForUser(userName: string): Promise<AttachedPolicy[]> {
    const r = await this.call('ListPoliciesForUser', (c, m) =>
      c.listPoliciesForUser(new m.ListPoliciesForUserRequest({ userName })),
    );
    return (r.body?.policies?.policy ?? []).map((p) => ({
      policyName: s(p.policyName),
      policyType: asType(p.policyType),
      description: p.description,
      attachDate: p.attachDate,
    }));
  }
}
