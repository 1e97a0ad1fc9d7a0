/**
 * The RAM actions and condition keys the policy tools know by name, each with one line of text:
 * lint checks actions against them, the editor completes and explains them.
 *
 * - ram, ecs, sts: every API of the SDKs this product ships (actionCatalogData.ts, generated), plus
 *   the actions that are not APIs (ram:PassRole).
 * - oss: the actions named in the "RAM Policy" sections of the OSS API reference. OSS authorizes
 *   several APIs under another action (HeadObject as oss:GetObject); those APIs are not actions.
 * - kms, log: the common actions only, so they are offered for completion but an unknown name is
 *   not reported (`complete: false`).
 */
import { SDK_ACTIONS } from './actionCatalogData';
import { matchWildcard } from './match';

export interface ServiceCatalog {
  /** Every action of the service is listed, so a name not in the list is a mistake. */
  complete: boolean;
  title: string;
  actions: Record<string, string>;
}

const OSS_ACTIONS: Record<string, string> = {
  ListBuckets: 'Lists the buckets of the account (GetService).',
  PutBucket: 'Creates a bucket.',
  DeleteBucket: 'Deletes an empty bucket.',
  GetBucketInfo: 'Reads a bucket\'s details: region, storage class, ACL, creation time.',
  GetBucketLocation: 'Reads the region a bucket is in.',
  GetBucketStat: 'Reads a bucket\'s storage usage and object count.',
  ListObjects: 'Lists the objects of a bucket (ListObjects, ListObjectsV2); resource is the bucket, oss:Prefix limits it.',
  ListObjectVersions: 'Lists the versions of the objects of a bucket.',
  GetBucketAcl: 'Reads a bucket\'s ACL.',
  PutBucketAcl: 'Sets a bucket\'s ACL.',
  GetBucketPolicy: 'Reads a bucket policy.',
  PutBucketPolicy: 'Sets a bucket policy.',
  DeleteBucketPolicy: 'Deletes a bucket policy.',
  GetBucketVersioning: 'Reads whether versioning is enabled.',
  PutBucketVersioning: 'Enables or suspends versioning.',
  GetBucketLogging: 'Reads the access-logging settings.',
  PutBucketLogging: 'Sets the access-logging settings.',
  DeleteBucketLogging: 'Turns off access logging.',
  GetBucketWebsite: 'Reads static-website hosting settings.',
  PutBucketWebsite: 'Sets static-website hosting.',
  DeleteBucketWebsite: 'Turns off static-website hosting.',
  GetBucketReferer: 'Reads hotlink-protection (Referer) settings.',
  PutBucketReferer: 'Sets hotlink protection (Referer).',
  GetBucketLifecycle: 'Reads lifecycle rules.',
  PutBucketLifecycle: 'Sets lifecycle rules.',
  DeleteBucketLifecycle: 'Deletes lifecycle rules.',
  GetBucketCors: 'Reads CORS rules.',
  PutBucketCors: 'Sets CORS rules.',
  DeleteBucketCors: 'Deletes CORS rules.',
  GetBucketEncryption: 'Reads default server-side encryption.',
  PutBucketEncryption: 'Sets default server-side encryption.',
  DeleteBucketEncryption: 'Removes default server-side encryption.',
  GetBucketTagging: 'Reads a bucket\'s tags.',
  PutBucketTagging: 'Sets a bucket\'s tags.',
  DeleteBucketTagging: 'Deletes a bucket\'s tags.',
  GetBucketReplication: 'Reads cross-region replication rules.',
  PutBucketReplication: 'Sets cross-region replication rules.',
  DeleteBucketReplication: 'Deletes a replication rule.',
  GetBucketReplicationLocation: 'Lists regions a bucket can replicate to.',
  GetBucketReplicationProgress: 'Reads replication progress.',
  InitiateBucketWorm: 'Creates a retention (WORM) policy.',
  AbortBucketWorm: 'Deletes an unlocked retention policy.',
  CompleteBucketWorm: 'Locks a retention policy.',
  ExtendBucketWorm: 'Extends a locked retention period.',
  GetBucketWorm: 'Reads the retention policy.',
  GetBucketRequestPayment: 'Reads pay-by-requester settings.',
  PutBucketRequestPayment: 'Sets pay-by-requester.',
  GetBucketTransferAcceleration: 'Reads transfer-acceleration settings.',
  PutBucketTransferAcceleration: 'Sets transfer acceleration.',
  GetBucketInventory: 'Reads an inventory configuration.',
  PutBucketInventory: 'Creates an inventory configuration.',
  ListBucketInventory: 'Lists inventory configurations.',
  DeleteBucketInventory: 'Deletes an inventory configuration.',
  GetBucketResourceGroup: 'Reads the resource group of a bucket.',
  PutBucketResourceGroup: 'Moves a bucket to a resource group.',
  ListCname: 'Lists custom domain names.',
  PutCname: 'Maps a custom domain name.',
  DeleteCname: 'Removes a custom domain name.',
  ListMultipartUploads: 'Lists unfinished multipart uploads of a bucket.',
  GetObject: 'Downloads an object; also authorizes HeadObject, GetObjectMeta, GetSymlink and SelectObject.',
  // Not an API action of its own (OSS authorizes the API with oss:GetObject), but long written in
  // policies (this product's read-write template among them) and accepted by RAM.
  GetObjectMeta: 'Reads an object\'s metadata; OSS authorizes the call with oss:GetObject.',
  PutObject: 'Uploads an object; also authorizes AppendObject, CopyObject (target), PutSymlink and multipart uploads.',
  DeleteObject: 'Deletes an object; also authorizes DeleteMultipleObjects.',
  DeleteObjectVersion: 'Deletes a specific version of an object.',
  GetObjectVersion: 'Downloads a specific version of an object.',
  GetObjectAcl: 'Reads an object\'s ACL.',
  PutObjectAcl: 'Sets an object\'s ACL.',
  GetObjectVersionAcl: 'Reads the ACL of an object version.',
  PutObjectVersionAcl: 'Sets the ACL of an object version.',
  GetObjectTagging: 'Reads an object\'s tags.',
  PutObjectTagging: 'Sets an object\'s tags.',
  DeleteObjectTagging: 'Deletes an object\'s tags.',
  GetObjectVersionTagging: 'Reads the tags of an object version.',
  PutObjectVersionTagging: 'Sets the tags of an object version.',
  DeleteObjectVersionTagging: 'Deletes the tags of an object version.',
  RestoreObject: 'Restores an archived object.',
  AbortMultipartUpload: 'Cancels a multipart upload.',
  ListParts: 'Lists the uploaded parts of a multipart upload.',
  PostProcessTask: 'Runs an asynchronous image or document processing task.',
  ProcessImm: 'Processes an object with Intelligent Media Management.',
};

const KMS_ACTIONS: Record<string, string> = {
  Encrypt: 'Encrypts data with a customer master key.',
  Decrypt: 'Decrypts data encrypted with a customer master key.',
  GenerateDataKey: 'Creates a data key and returns it in plaintext and encrypted.',
  GenerateDataKeyWithoutPlaintext: 'Creates a data key and returns it encrypted only.',
  ReEncrypt: 'Decrypts and encrypts again under another key.',
  DescribeKey: 'Reads a key\'s metadata.',
  ListKeys: 'Lists the keys of the region.',
  CreateKey: 'Creates a customer master key.',
  ScheduleKeyDeletion: 'Schedules a key for deletion.',
  GetSecretValue: 'Reads the value of a secret.',
  ListSecrets: 'Lists secrets.',
  AsymmetricSign: 'Signs a digest with an asymmetric key.',
  AsymmetricVerify: 'Verifies a signature with an asymmetric key.',
};

const LOG_ACTIONS: Record<string, string> = {
  PostLogStoreLogs: 'Writes logs to a Logstore.',
  GetLogStoreLogs: 'Queries the logs of a Logstore.',
  GetLogStoreHistogram: 'Reads the log distribution of a Logstore.',
  ListLogStores: 'Lists the Logstores of a project.',
  GetLogStore: 'Reads a Logstore\'s settings.',
  CreateLogStore: 'Creates a Logstore.',
  DeleteLogStore: 'Deletes a Logstore.',
  ListProject: 'Lists projects.',
  GetProject: 'Reads a project.',
  CreateProject: 'Creates a project.',
  GetCursorOrData: 'Reads a cursor or consumes log data.',
  ListShards: 'Lists the shards of a Logstore.',
  CreateConsumerGroup: 'Creates a consumer group.',
  ConsumerGroupHeartBeat: 'Sends a consumer-group heartbeat.',
  ConsumerGroupUpdateCheckPoint: 'Updates a consumer group\'s checkpoint.',
};

export const ACTION_CATALOG: Record<string, ServiceCatalog> = {
  ram: { complete: true, title: 'Resource Access Management', actions: { ...SDK_ACTIONS.ram, PassRole: 'Hands a role to a cloud service, e.g. attaching it to an ECS instance; scope it to the role ARN.' } },
  ecs: { complete: true, title: 'Elastic Compute Service', actions: SDK_ACTIONS.ecs },
  sts: { complete: true, title: 'Security Token Service', actions: { ...SDK_ACTIONS.sts, GetCallerIdentity: 'Returns the account, identity and ARN of the caller.' } },
  oss: { complete: true, title: 'Object Storage Service', actions: OSS_ACTIONS },
  kms: { complete: false, title: 'Key Management Service', actions: KMS_ACTIONS },
  log: { complete: false, title: 'Simple Log Service', actions: LOG_ACTIONS },
};

/** Lower-case `service:action` → canonical name, built once. */
let index: Map<string, { service: string; name: string; description: string }> | undefined;
function actionIndex() {
  if (!index) {
    index = new Map();
    for (const [service, cat] of Object.entries(ACTION_CATALOG)) {
      for (const [name, description] of Object.entries(cat.actions)) { index.set(`${service}:${name}`.toLowerCase(), { service, name, description }); }
    }
  }
  return index;
}

export function serviceCatalog(service: string): ServiceCatalog | undefined {
  return ACTION_CATALOG[service.toLowerCase()];
}

/** The catalogued action (any case), with its canonical spelling and description. */
export function findAction(action: string): { service: string; name: string; description: string } | undefined {
  return actionIndex().get(action.toLowerCase());
}

/** Catalogued actions an `Action` pattern (`oss:Get*`) covers, as `service:Name`. */
export function actionsMatching(pattern: string): string[] {
  const out: string[] = [];
  for (const { service, name } of actionIndex().values()) {
    const full = `${service}:${name}`;
    if (matchWildcard(pattern, full, true)) { out.push(full); }
  }
  return out;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** The one catalogued action of `service` within two edits of `name` (case aside), if exactly one is. */
export function nearestAction(service: string, name: string): string | undefined {
  const cat = serviceCatalog(service);
  if (!cat) { return undefined; }
  const lower = name.toLowerCase();
  const close = Object.keys(cat.actions).filter((a) => distance(a.toLowerCase(), lower) <= 2);
  if (close.length !== 1) { return undefined; }
  return close[0];
}

export interface ConditionKeyInfo { key: string; description: string; type: 'String' | 'Boolean' | 'Date' | 'IP' | 'Numeric' }

/** Global keys (RAM "Policy elements") and the service keys the product's policies use. */
export const CONDITION_KEYS: ConditionKeyInfo[] = [
  { key: 'acs:SourceIp', type: 'IP', description: 'The IP address the request comes from.' },
  { key: 'acs:SourceVpc', type: 'String', description: 'The VPC the request comes from (vpc-…).' },
  { key: 'acs:SourceVpcIp', type: 'IP', description: 'The private IP address within the source VPC.' },
  { key: 'acs:SecureTransport', type: 'Boolean', description: 'Whether the request came over HTTPS.' },
  { key: 'acs:CurrentTime', type: 'Date', description: 'The time the request arrived (ISO 8601).' },
  { key: 'acs:MFAPresent', type: 'Boolean', description: 'Whether the caller signed in with MFA.' },
  { key: 'acs:AccessId', type: 'String', description: 'The AccessKey ID that signed the request.' },
  { key: 'acs:PrincipalARN', type: 'String', description: 'The ARN of the calling identity.' },
  { key: 'acs:PrincipalRAMUserName', type: 'String', description: 'The name of the calling RAM user.' },
  { key: 'acs:PrincipalRoleName', type: 'String', description: 'The name of the role behind an STS session.' },
  { key: 'acs:RequestTag/<key>', type: 'String', description: 'A tag the request sets on a resource.' },
  { key: 'acs:ResourceTag/<key>', type: 'String', description: 'A tag the resource already has.' },
  { key: 'acs:ServiceName', type: 'String', description: 'The cloud service making the request on your behalf.' },
  { key: 'oss:Prefix', type: 'String', description: 'ListObjects: the prefix being listed; use with the bucket ARN.' },
  { key: 'oss:Delimiter', type: 'String', description: 'ListObjects: the delimiter of the listing.' },
  { key: 'oss:MaxKeys', type: 'Numeric', description: 'ListObjects: how many keys one page may return.' },
  { key: 'oss:x-oss-object-acl', type: 'String', description: 'PutObject: the ACL set on the new object.' },
  { key: 'oss:x-oss-storage-class', type: 'String', description: 'PutObject: the storage class of the new object.' },
  { key: 'ecs:tag/<key>', type: 'String', description: 'A tag of the ECS resource.' },
  { key: 'ecs:AssociatePublicIpAddress', type: 'Boolean', description: 'Whether the call assigns a public IP address.' },
  { key: 'sts:ExternalId', type: 'String', description: 'AssumeRole: the external ID the caller passes.' },
  { key: 'saml:recipient', type: 'String', description: 'SAML SSO: the assertion\'s recipient URL.' },
  { key: 'oidc:aud', type: 'String', description: 'OIDC SSO: the audience of the token.' },
  { key: 'oidc:iss', type: 'String', description: 'OIDC SSO: the issuer of the token.' },
  { key: 'oidc:sub', type: 'String', description: 'OIDC SSO: the subject of the token.' },
];

/** A condition key's entry; tag keys (`acs:ResourceTag/env`) match their `<key>` template. */
export function findConditionKey(key: string): ConditionKeyInfo | undefined {
  const lower = key.toLowerCase();
  return CONDITION_KEYS.find((c) => {
    const k = c.key.toLowerCase();
    return k.endsWith('/<key>') ? lower.startsWith(k.slice(0, -'<key>'.length)) && lower.length > k.length - 5 : k === lower;
  });
}
