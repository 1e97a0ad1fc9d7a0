import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPolicy } from '../../../src/policy/builders';
import { lintPolicy } from '../../../src/policy/lint';
import { HARDENING_CONDITION_KEY, metadataGuardrailPolicy } from '../../../src/policy/metadataGuardrail';

test('the metadata guardrail denies creating or changing instances to anything but hardened only, and lints clean', () => {
  const doc = metadataGuardrailPolicy();
  const text = formatPolicy(doc);
  assert.deepEqual(
    lintPolicy(text, 'permission').filter((d) => d.severity === 'error'),
    [],
  );
  // The documented form ("Access instance metadata in security hardening mode only").
  assert.deepEqual(doc.Statement[0], {
    Effect: 'Deny',
    Action: ['ecs:RunInstances', 'ecs:CreateInstance', 'ecs:ModifyInstanceMetadataOptions'],
    Resource: '*',
    Condition: { StringEquals: { [HARDENING_CONDITION_KEY]: ['false'] } },
  });
  assert.equal(HARDENING_CONDITION_KEY, 'ecs:SecurityHardeningMode');
});
