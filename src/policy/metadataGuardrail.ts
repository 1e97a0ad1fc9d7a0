/**
 * The guardrail that keeps instances hardened only, as documented in "Access instance metadata in
 * security hardening mode only" (ECS user guide, "Block: prevent the creation of instances not in
 * security hardening mode";
 * https://help.aliyun.com/zh/ecs/access-instance-metadata-using-hardened-only-mode): a Deny on
 * ecs:RunInstances, ecs:CreateInstance and ecs:ModifyInstanceMetadataOptions, Resource "*", with
 * `"StringEquals": {"ecs:SecurityHardeningMode": ["false"]}` — for a RAM policy or a Resource
 * Directory control policy. The key is also listed for RunInstances and CreateInstance in the ECS API
 * reference's authorization tables. Because it covers ModifyInstanceMetadataOptions, it also denies
 * Roll Back (HttpTokens=optional) to whoever it is attached to: the export says so.
 */
import type { PolicyDocument } from './types';

export const HARDENING_CONDITION_KEY = 'ecs:SecurityHardeningMode';

export function metadataGuardrailPolicy(): PolicyDocument {
  return {
    Version: '1',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['ecs:RunInstances', 'ecs:CreateInstance', 'ecs:ModifyInstanceMetadataOptions'],
        Resource: '*',
        Condition: { StringEquals: { [HARDENING_CONDITION_KEY]: ['false'] } },
      },
    ],
  };
}
