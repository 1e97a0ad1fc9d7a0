/**
 * The sandbox's whole world as plain data, so it can be persisted as JSON and seeded.
 * Services (ram.ts, ecs.ts, oss.ts, imds.ts, sts.ts) read and mutate it; nothing here talks HTTP.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PolicyDocument } from '../../policy/types';

export type PolicyType = 'System' | 'Custom';

export interface AccessKeyRecord {
  accessKeyId: string;
  accessKeySecret: string;
  /** Owner of the key: the root account or a RAM user. */
  owner: { kind: 'root' } | { kind: 'user'; userName: string };
  status: 'Active' | 'Inactive';
  createDate: string;
}

/** Temporary credentials (STS): from IMDS for an instance role, or from AssumeRole. */
export interface StsSession {
  accessKeyId: string; // "STS.…"
  accessKeySecret: string;
  securityToken: string;
  roleName: string;
  sessionName: string;
  instanceId?: string;
  /** ms since epoch, sandbox clock */
  issuedAt: number;
  expiresAt: number;
  /** Session policy passed to AssumeRole: effective permissions are its intersection with the role's. */
  policy?: string;
}

export interface RamUser {
  userId: string;
  userName: string;
  displayName: string;
  createDate: string;
  updateDate?: string;
  comments?: string;
  email?: string;
  mobilePhone?: string;
}

export interface RamRole {
  roleId: string;
  roleName: string;
  description: string;
  assumeRolePolicyDocument: string;
  maxSessionDuration: number;
  createDate: string;
  updateDate: string;
  tags?: Array<{ key: string; value: string }>;
}

export interface PolicyVersion {
  versionId: string; // v1, v2, …
  policyDocument: string;
  createDate: string;
}

export interface RamPolicy {
  policyName: string;
  policyType: PolicyType;
  description: string;
  defaultVersion: string;
  versions: PolicyVersion[];
  createDate: string;
  updateDate: string;
  /** Number of the next version id; RAM never reuses the id of a deleted version. */
  nextVersion?: number;
  tags?: Array<{ key: string; value: string }>;
}

export interface Attachment {
  policyName: string;
  policyType: PolicyType;
  attachDate: string;
}

export interface Region {
  regionId: string;
  localName: string;
  zones: string[];
}
export interface Vpc {
  vpcId: string;
  vpcName: string;
  regionId: string;
  cidrBlock: string;
  isDefault: boolean;
  creationTime: string;
}
export interface VSwitch {
  vSwitchId: string;
  vpcId: string;
  zoneId: string;
  regionId: string;
  cidrBlock: string;
  vSwitchName: string;
  isDefault: boolean;
}
export interface SecurityGroup {
  securityGroupId: string;
  securityGroupName: string;
  vpcId: string;
  regionId: string;
  description: string;
  /** Rules as DescribeSecurityGroupAttribute lists them; none (a new group) lets nothing in. */
  permissions?: SecurityGroupPermission[];
}
export interface SecurityGroupPermission {
  direction: 'ingress' | 'egress';
  ipProtocol: 'TCP' | 'UDP' | 'ICMP' | 'GRE' | 'ALL';
  /** `22/22`, `1/65535`, `-1/-1` for ICMP/ALL. */
  portRange: string;
  sourceCidrIp?: string;
  destCidrIp?: string;
  policy: 'Accept' | 'Drop';
  /** 1 (first) to 100. */
  priority: number;
  description?: string;
}
export interface Image {
  imageId: string;
  imageName: string;
  osName: string;
  osType: 'linux' | 'windows';
  architecture: string;
  regionId?: string;
  size: number;
  ownerAlias: 'system' | 'self';
  /** false: an image too old for hardened-only metadata (HttpTokens=required is refused). */
  hardenedMetadata?: boolean;
}
export interface InstanceType {
  instanceTypeId: string;
  cpuCoreCount: number;
  memorySize: number;
  instanceTypeFamily: string;
}

export type InstanceStatus = 'Pending' | 'Starting' | 'Running' | 'Stopping' | 'Stopped';

export interface Instance {
  instanceId: string;
  instanceName: string;
  hostName: string;
  regionId: string;
  zoneId: string;
  status: InstanceStatus;
  networkType: 'vpc' | 'classic';
  vpcId?: string;
  vSwitchId?: string;
  securityGroupIds: string[];
  privateIp: string;
  publicIp?: string;
  imageId: string;
  instanceType: string;
  osName: string;
  cpu: number;
  memory: number;
  creationTime: string;
  internetMaxBandwidthOut: number;
  /** Hardened IMDS: 'required' refuses token-less reads. */
  httpTokens: 'optional' | 'required';
  httpEndpoint: 'enabled' | 'disabled';
  ramRoleName?: string;
  /** Transitions still to come (realistic lifecycle), applied when their time has passed. */
  transitions?: Array<{ at: number; status: InstanceStatus; publicIp?: string }>;
  /** Never returned by any API; kept so ModifyInstanceAttribute has something to change. */
  passwordSet?: boolean;
  description?: string;
  tags: Array<{ key: string; value: string }>;
  /** The SSH key pair bound at creation (KeyPairName); its private key lives with the user. */
  keyPairName?: string;
  /** Created with ImageOptions.LoginAsNonRoot: log in as ecs-user. */
  loginAsNonRoot?: boolean;
  /** The Cloud Assistant agent on the instance (public images ship it): absent = running. */
  cloudAssistant?: 'running' | 'stopped' | 'notInstalled';
  /** How StopInstance stopped it: StopCharging releases the public IP (a new one comes on start). */
  stoppedMode?: 'KeepCharging' | 'StopCharging';
}

export interface OssObject {
  key: string;
  /** base64 in JSON; Buffer in memory */
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: string;
  meta: Record<string, string>;
  /** 'Multipart' once assembled by CompleteMultipartUpload; absent means 'Normal'. */
  objectType?: 'Normal' | 'Multipart';
  /** Written in a versioned bucket: its version ID ("null" while versioning is suspended); absent = "null". */
  versionId?: string;
  /** Order of writes in a versioned bucket (newest highest); absent = written before versioning (oldest). */
  seq?: number;
}

/** A delete marker: the current "version" of a key deleted without a versionId in a versioned bucket. */
export interface OssDeleteMarker {
  deleteMarker: true;
  key: string;
  versionId: string;
  seq: number;
  lastModified: string;
}

export type OssObjectVersion = OssObject | OssDeleteMarker;

export interface Bucket {
  name: string;
  region: string; // cn-hangzhou
  creationDate: string;
  storageClass: 'Standard' | 'IA' | 'Archive' | 'ColdArchive' | 'DeepColdArchive';
  /** x-oss-acl at creation; absent means private (the default). */
  acl?: 'private' | 'public-read' | 'public-read-write';
  /** Current objects only: what ListObjects and GetObject see. */
  objects: Map<string, OssObject>;
  /** Absent until versioning is first enabled; after that it can only be suspended, never disabled. */
  versioning?: 'Enabled' | 'Suspended';
  /**
   * Versioned buckets: for each key, every version but the current object (which stays in
   * `objects`), newest first. Delete markers live only here; a key whose newest entry is a delete
   * marker has no current object.
   */
  versions?: Map<string, OssObjectVersion[]>;
  /** Last write sequence number handed out; version IDs carry it, so a paging marker keeps its place after its version is deleted. */
  versionSeq?: number;
}

export interface MultipartUpload {
  uploadId: string;
  bucket: string;
  key: string;
  contentType: string;
  initiated: string;
  parts: Map<number, { body: Buffer; etag: string; lastModified?: string }>;
  /** x-oss-meta-* given at initiation, applied to the completed object. */
  meta?: Record<string, string>;
}

/** One instance's run of a Cloud Assistant command (RunCommand → DescribeInvocationResults). */
export interface CommandInvocation {
  invokeId: string;
  commandId: string;
  regionId: string;
  instanceId: string;
  name: string;
  type: string;
  /** The script as the instance receives it (decoded from Base64 if it was sent so). */
  content: string;
  username: string;
  timeoutSeconds: number;
  createdAt: number;
  status: string;
  /** States still to come with their due time; the final one runs the script. */
  transitions?: Array<{ at: number; status: string }>;
  startTime?: number;
  finishedTime?: number;
  output?: string;
  exitCode?: number;
  errorCode?: string;
  errorInfo?: string;
}

/**
 * A RAM OIDC identity provider (CreateOIDCProvider: IssuerUrl, ClientIds, Fingerprints). The real
 * STS fetches the issuer's signing keys from its discovery document; the sandbox reaches nothing
 * outside loopback, so the public keys are registered with the provider instead.
 */
export interface OidcProvider {
  name: string;
  issuerUrl: string;
  clientIds: string[];
  /** Public JWKs (RSA) that tokens of this issuer are signed with, by `kid`. */
  keys: JsonWebKey[];
  createDate: string;
}

export interface SandboxState {
  accountId: string;
  accessKeys: Map<string, AccessKeyRecord>;
  stsSessions: Map<string, StsSession>;
  users: Map<string, RamUser>;
  roles: Map<string, RamRole>;
  /** Custom and System policies, keyed by `${type}:${name}`. */
  policies: Map<string, RamPolicy>;
  /** principal key `role:<name>` / `user:<name>` -> attached policies */
  attachments: Map<string, Attachment[]>;
  regions: Region[];
  vpcs: Vpc[];
  vswitches: VSwitch[];
  securityGroups: SecurityGroup[];
  images: Image[];
  instanceTypes: InstanceType[];
  instances: Map<string, Instance>;
  buckets: Map<string, Bucket>;
  uploads: Map<string, MultipartUpload>;
  /** ECS ClientTokens seen, `${action}:${regionId}:${token}`: the request they came with and the answer. */
  clientTokens: Map<string, { fingerprint: string; response: Record<string, unknown> }>;
  /** Added to Date.now() so tests can move time (credential expiry, rotation). */
  clockOffsetMs: number;
  /** Cloud Assistant invocations by InvokeId (absent in states saved before they existed). */
  invocations?: Map<string, CommandInvocation>;
  /** RAM OIDC identity providers by name (absent in states saved before they existed). */
  oidcProviders?: Map<string, OidcProvider>;
  /**
   * How far the sandbox's wall clock is ahead of (+) or behind (−) the host's: what its `Date`
   * headers say and what request timestamps are checked against. For testing clock-skew handling.
   */
  clockSkewMs?: number;
  /** How long IMDS-issued STS credentials live (s); they rotate when less than half is left. */
  stsDurationSeconds: number;
  counter: number;
}

export function emptyState(accountId = '1234567890123456'): SandboxState {
  return {
    accountId,
    accessKeys: new Map(),
    stsSessions: new Map(),
    users: new Map(),
    roles: new Map(),
    policies: new Map(),
    attachments: new Map(),
    regions: [],
    vpcs: [],
    vswitches: [],
    securityGroups: [],
    images: [],
    instanceTypes: [],
    instances: new Map(),
    buckets: new Map(),
    uploads: new Map(),
    clientTokens: new Map(),
    clockOffsetMs: 0,
    stsDurationSeconds: 6 * 3600,
    counter: 1,
  };
}

export const policyKey = (type: PolicyType, name: string) => `${type}:${name}`;
export const roleKey = (roleName: string) => `role:${roleName}`;
export const userKey = (userName: string) => `user:${userName}`;

/** The sandbox clock: its wall clock plus any time tests moved forward. */
export function now(state: SandboxState): number {
  return wallNow(state) + state.clockOffsetMs;
}

/**
 * The sandbox's wall clock, which request timestamps are checked against. Unlike now() it ignores
 * advanceClock(), so tests can expire credentials without making every signature stale.
 */
export function wallNow(state: SandboxState): number {
  return Date.now() + (state.clockSkewMs ?? 0);
}

/** RAM/ECS timestamps: 2015-01-23T12:33:18Z */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Deterministic-enough unique ids: a counter plus randomness so restarts from a saved state don't collide. */
export function nextId(state: SandboxState, prefix: string, hexLen = 20): string {
  const n = (state.counter++).toString(16);
  const rand = Array.from({ length: hexLen }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${prefix}${(n + rand).slice(0, hexLen)}`;
}

export function parsePolicyDocument(text: string): PolicyDocument {
  return JSON.parse(text) as PolicyDocument;
}

// ---- persistence: Maps and Buffers as JSON ----

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) {
    return { $map: [...value.entries()] };
  }
  if (
    value &&
    typeof value === 'object' &&
    (value as { type?: string }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    return { $b64: Buffer.from((value as { data: number[] }).data).toString('base64') };
  }
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object') {
    const v = value as { $map?: [string, unknown][]; $b64?: string };
    if (v.$map) {
      return new Map(v.$map);
    }
    if (typeof v.$b64 === 'string') {
      return Buffer.from(v.$b64, 'base64');
    }
  }
  return value;
}

export function serializeState(state: SandboxState): string {
  return JSON.stringify(state, replacer);
}

export function deserializeState(text: string): SandboxState {
  return { ...emptyState(), ...(JSON.parse(text, reviver) as SandboxState) };
}

/**
 * Writes the state readable by its owner only (it holds the demo AccessKey secrets and STS tokens):
 * into a new file of its own next to the target, then renamed over it, so a reader never sees half
 * a file, two writers never share a temporary file, and a planted link at a guessable name is not followed.
 */
export function saveState(state: SandboxState, file: string): void {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    fs.writeFileSync(tmp, serializeState(state), { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export function loadState(file: string): SandboxState | undefined {
  return fs.existsSync(file) ? deserializeState(fs.readFileSync(file, 'utf8')) : undefined;
}
