/**
 * The policy templates the wizard and Create Policy offer, by id: their documents and a default
 * name. The pickers that show them (with translated labels) are src/ui/wizard/pickers.ts.
 */
import { formatPolicy, ossReadOnlyBucketPolicy, ossReadOnlyPolicy, ossReadWritePolicy } from './builders';

export type TemplateId = 'ossReadOnly' | 'ossReadOnlyBucket' | 'ossReadWrite' | 'custom';

/** A valid policy name derived from free text ("My.Role" → "My-Role"). */
export const toPolicyName = (text: string): string =>
  text
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 128) || 'Policy';

export const needsBucket = (id: TemplateId | undefined) => id === 'ossReadOnlyBucket' || id === 'ossReadWrite';

const CUSTOM_SKELETON = {
  Version: '1',
  Statement: [{ Effect: 'Allow', Action: ['oss:GetObject'], Resource: ['acs:oss:*:*:my-bucket/*'] }],
};

export function templateDocument(id: TemplateId, bucket = '', prefix = ''): string {
  switch (id) {
    case 'ossReadOnly':
      return formatPolicy(ossReadOnlyPolicy());
    case 'ossReadOnlyBucket':
      return formatPolicy(ossReadOnlyBucketPolicy(bucket));
    case 'ossReadWrite':
      return formatPolicy(ossReadWritePolicy(bucket, prefix));
    default:
      return JSON.stringify(CUSTOM_SKELETON, null, 2);
  }
}

export function defaultPolicyName(id: TemplateId, bucket?: string, prefix?: string): string {
  switch (id) {
    case 'ossReadOnly':
      return 'OssReadOnly';
    case 'ossReadOnlyBucket':
      return toPolicyName(`OssReadOnly-${bucket ?? ''}`);
    case 'ossReadWrite':
      return toPolicyName(`OssReadWrite-${bucket ?? ''}${prefix ? `-${prefix}` : ''}`);
    default:
      return 'CustomPolicy';
  }
}
