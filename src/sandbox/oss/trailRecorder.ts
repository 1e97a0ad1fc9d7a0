/**
 * OSS requests as ActionTrail events. Bucket-level calls are management events, with the bucket in
 * referencedResources ("ACS::OSS::Bucket") as the sample events show
 * (alibabacloud.com/help/doc-detail/293590.htm). The object calls and listings of the "OSS data
 * events" table (alibabacloud.com/help/tc/actiontrail/product-overview/object-storage-oss-data-events)
 * are data events: recorded, but only a trail with a data-event selector would deliver them.
 */
import type { SandboxError } from '../core/errors';
import type { Principal } from '../core/principal';
import { type SandboxState, now } from '../core/state';
import { recordEvent } from '../core/trail';

const DATA_EVENTS = new Set([
  'ListObjects',
  'ListObjectsV2',
  'ListObjectVersions',
  'PutObject',
  'GetObject',
  'CopyObject',
  'AppendObject',
  'DeleteObject',
  'DeleteMultipleObjects',
  'HeadObject',
  'GetObjectMeta',
  'PostObject',
  'RestoreObject',
  'InitiateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
  'ListMultipartUploads',
  'GetObjectAcl',
  'PutObjectAcl',
  'GetObjectTagging',
  'PutObjectTagging',
  'DeleteObjectTagging',
  'PutSymlink',
  'GetSymlink',
]);

export const isOssDataEvent = (op: string): boolean => DATA_EVENTS.has(op);

interface OssCall {
  state: SandboxState;
  principal: Principal;
  op: string;
  target: { bucket?: string; key?: string };
  checked?: string[];
  accessKeyId?: string;
}

export function recordOssEvent(ctx: OssCall, region: string | undefined, error?: SandboxError): void {
  const bucket = ctx.target.bucket;
  const acsRegion = region ?? 'cn-hangzhou';
  recordEvent(ctx.state, {
    at: now(ctx.state),
    caller: { principal: ctx.principal, accessKeyId: ctx.accessKeyId },
    serviceName: 'Oss',
    eventSource: bucket ? `${bucket}.oss-${acsRegion}.aliyuncs.com` : `oss-${acsRegion}.aliyuncs.com`,
    action: ctx.op,
    acsRegion,
    requestId: '',
    requestParameters: bucket ? { BucketName: bucket, ...(ctx.target.key ? { ObjectName: ctx.target.key } : {}) } : {},
    errorCode: error?.code,
    errorMessage: error?.message,
    ...(bucket ? { referencedResources: { 'ACS::OSS::Bucket': [bucket] } } : {}),
    data: isOssDataEvent(ctx.op),
    authAction: ctx.checked,
  });
}
