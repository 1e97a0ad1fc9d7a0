/** Policy documents the product creates. Each returns a fresh object that passes lint. */
import type { PolicyDocument, PolicyStatement } from './types';

export const ECS_SERVICE = 'ecs.aliyuncs.com';

/** Trust policy letting a cloud service (ECS by default) assume the role. */
export function serviceTrustPolicy(service: string = ECS_SERVICE): PolicyDocument {
  return {
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: [service] } }],
  };
}

/** The documented example: read-only OSS on every bucket (oss:Get*, oss:List*). */
export function ossReadOnlyPolicy(): PolicyDocument {
  return { Version: '1', Statement: [{ Effect: 'Allow', Action: ['oss:Get*', 'oss:List*'], Resource: '*' }] };
}

/** Read-only on one bucket; ListBuckets stays allowed so the bucket shows up in a browser. */
export function ossReadOnlyBucketPolicy(bucket: string): PolicyDocument {
  return {
    Version: '1',
    Statement: [
      { Effect: 'Allow', Action: ['oss:ListBuckets'], Resource: 'acs:oss:*:*:*' },
      {
        Effect: 'Allow',
        Action: ['oss:Get*', 'oss:List*'],
        Resource: [`acs:oss:*:*:${bucket}`, `acs:oss:*:*:${bucket}/*`],
      },
    ],
  };
}

/** Read-write on one bucket, optionally limited to a prefix ("logs/"). */
export function ossReadWritePolicy(bucket: string, prefix = ''): PolicyDocument {
  const p = prefix.replace(/^\/+/, '');
  const objects = `acs:oss:*:*:${bucket}/${p}*`;
  const list: PolicyStatement = {
    Effect: 'Allow',
    Action: ['oss:ListObjects', 'oss:GetBucketInfo', 'oss:GetBucketLocation'],
    Resource: `acs:oss:*:*:${bucket}`,
  };
  if (p) {
    list.Condition = { StringLike: { 'oss:Prefix': [`${p}*`] } };
  }
  return {
    Version: '1',
    Statement: [
      { Effect: 'Allow', Action: ['oss:ListBuckets'], Resource: 'acs:oss:*:*:*' },
      list,
      {
        Effect: 'Allow',
        Action: ['oss:GetObject', 'oss:PutObject', 'oss:DeleteObject', 'oss:AbortMultipartUpload', 'oss:ListParts'],
        Resource: objects,
      },
    ],
  };
}

/** The ECS actions a sub-account needs to put a role on instances (alongside ram:PassRole). */
export const ECS_ROLE_ACTIONS = [
  'ecs:AttachInstanceRamRole',
  'ecs:DetachInstanceRamRole',
  'ecs:DescribeInstanceRamRole',
  'ecs:DescribeInstances',
];

/**
 * Valid PassRole policy for a sub-account, scoped to one role ARN. (The documented sample is not
 * valid JSON; this one is.)
 */
export function passRolePolicy(
  roleArn: string,
  opts: { includeEcsActions?: boolean; includeRunInstances?: boolean } = {},
): PolicyDocument {
  const statements: PolicyStatement[] = [{ Effect: 'Allow', Action: 'ram:PassRole', Resource: roleArn }];
  if (opts.includeEcsActions !== false) {
    const actions = [
      ...ECS_ROLE_ACTIONS,
      ...(opts.includeRunInstances ? ['ecs:RunInstances', 'ecs:CreateInstance', 'ecs:StartInstance'] : []),
    ];
    statements.push({ Effect: 'Allow', Action: actions, Resource: '*' });
  }
  return { Version: '1', Statement: statements };
}

export function roleArn(accountId: string, roleName: string): string {
  return `acs:ram::${accountId}:role/${roleName}`;
}

/** Pretty JSON, the way users see documents in the editor. */
export function formatPolicy(doc: PolicyDocument): string {
  return JSON.stringify(doc, null, 2);
}
