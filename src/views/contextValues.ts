/**
 * Every contextValue in one place, composed from tokens so menus can match with anchored
 * regexes, e.g. `viewItem =~ /^role\b/` or `viewItem =~ /\binstance\b.*\bvpc\b/`.
 */
export const ContextValues = {
  message: 'message',
  error: 'error',
  /** A load refused by access policy (NoPermission, Forbidden, AccessDenied). */
  refusal: 'error refused',
  loadMore: 'loadMore',
  profile: 'profile',
  instanceIdentity: 'instanceIdentity',
  /** Detection failed on what looks like an instance (no role, hardened mode refused…). */
  instanceProblem: 'instanceProblem',
  /** A "Verify Role on Instance" result. */
  roleCheck: 'roleCheck',
  rolesFolder: 'rolesFolder',
  policiesFolder: 'policiesFolder',
  role: (trustsEcs: boolean) => (trustsEcs ? 'role ecsTrusted' : 'role'),
  trustPolicy: 'trustPolicy',
  attachedPolicy: 'attachedPolicy',
  policyGroup: (type: 'Custom' | 'System') => `policyGroup ${type.toLowerCase()}`,
  policy: (type: 'Custom' | 'System') => `policy ${type.toLowerCase()}`,
  policyVersion: (isDefault: boolean) => (isDefault ? 'policyVersion default' : 'policyVersion'),
  /** System policy versions cannot be rolled back. */
  systemPolicyVersion: 'policyVersion system',
  /** "Used by" under a policy (ListEntitiesForPolicy). */
  policyUsedBy: 'policyUsedBy',
  /** "Instances" under a role (DescribeInstanceRamRole by RamRoleName). */
  roleInstances: 'roleInstances',
  region: 'region',
  emptyRegions: 'emptyRegions',
  /**
   * `instance vpc hasRole running publicIp eip`: the status (lower case) decides Start/Stop/Reboot/
   * Release; the address tokens which Copy commands show. Tokens only ever get appended.
   */
  instance: (
    network: string,
    hasRole: boolean,
    status?: string,
    addresses: { publicIp?: boolean; eip?: boolean } = {},
  ) =>
    `instance ${network}${hasRole ? ' hasRole' : ''}${status ? ` ${status.toLowerCase()}` : ''}${addresses.publicIp ? ' publicIp' : ''}${addresses.eip ? ' eip' : ''}`,
  bucketsFolder: 'bucketsFolder',
  bucket: 'bucket',
  pinnedPrefix: 'bucket pinned',
  folder: 'folder',
  object: 'object',
} as const;

/** VS Code's own mime type for rows of the OSS tree (`application/vnd.code.tree.<view id, lower case>`). */
export const OSS_TREE_MIME = 'application/vnd.code.tree.alibabacloud.oss';
