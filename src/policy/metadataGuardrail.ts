/**
 * The guardrail that keeps new instances hardened: a RAM (or Resource Directory control) policy
 * denying RunInstances and CreateInstance unless metadata is hardened only. "Access instance
 * metadata in security hardening mode only" (ECS user guide) describes this block; the condition
 * key is `ecs:SecurityHardeningMode`, listed for ecs:RunInstances and ecs:CreateInstance in the
 * ECS API reference's authorization tables. ModifyInstanceMetadataOptions has no condition key
 * there, so it cannot be limited to "back to optional" only; the draft leaves it alone (the
 * rollback needs it). The Bool form follows the ECS docs' other Bool keys
 * (ecs:AssociatePublicIpAddress in "Manage resource permissions with tags").
 */
import type { PolicyDocument } from './types';

export const HARDENING_CONDITION_KEY = 'ecs:SecurityHardeningMode';

export function metadataGuardrailPolicy(): PolicyDocument {
  return {
    Version: '1',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['ecs:RunInstances', 'ecs:CreateInstance'],
        Resource: 'acs:ecs:*:*:instance/*',
        Condition: { Bool: { [HARDENING_CONDITION_KEY]: ['false'] } },
      },
    ],
  };
}
