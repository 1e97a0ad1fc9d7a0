/** The Alibaba Cloud system policies the product references, with their real documents. */
import { ossReadOnlyPolicy } from '../../policy/builders';
import type { PolicyDocument } from '../../policy/types';

export interface SystemPolicy {
  name: string;
  description: string;
  document: PolicyDocument;
}

const allow = (Action: string | string[], Resource: string | string[] = '*'): PolicyDocument => ({
  Version: '1',
  Statement: [{ Effect: 'Allow', Action, Resource }],
});

export const SYSTEM_POLICIES: SystemPolicy[] = [
  {
    name: 'AdministratorAccess',
    description: 'Provides full access to Alibaba Cloud services and resources.',
    document: allow('*'),
  },
  {
    name: 'AliyunOSSFullAccess',
    description: 'Provides full access to Object Storage Service (OSS) via Management Console.',
    document: allow('oss:*'),
  },
  {
    name: 'AliyunOSSReadOnlyAccess',
    description: 'Provides read-only access to Object Storage Service (OSS) via Management Console.',
    document: ossReadOnlyPolicy(),
  },
  {
    name: 'AliyunECSFullAccess',
    description: 'Provides full access to Elastic Compute Service (ECS) via Management Console.',
    document: allow(['ecs:*', 'vpc:DescribeVpcs', 'vpc:DescribeVSwitches']),
  },
  {
    name: 'AliyunECSReadOnlyAccess',
    description: 'Provides read-only access to Elastic Compute Service (ECS) via Management Console.',
    document: allow(['ecs:Describe*', 'ecs:List*', 'vpc:Describe*']),
  },
  {
    name: 'AliyunRAMFullAccess',
    description: 'Provides full access to Resource Access Management (RAM) via Management Console.',
    document: allow('ram:*'),
  },
  {
    name: 'AliyunRAMReadOnlyAccess',
    description: 'Provides read-only access to Resource Access Management (RAM) via Management Console.',
    document: allow(['ram:Get*', 'ram:List*']),
  },
  {
    name: 'AliyunSTSAssumeRoleAccess',
    description: 'Provides permission to call the STS AssumeRole API.',
    document: allow('sts:AssumeRole'),
  },
];
