import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPolicy } from '../../../src/policy/builders';
import { lintPolicy } from '../../../src/policy/lint';
import { HARDENING_CONDITION_KEY, metadataGuardrailPolicy } from '../../../src/policy/metadataGuardrail';

test('the metadata guardrail denies creating instances that are not hardened only, and lints clean', () => {
  const doc = metadataGuardrailPolicy();
  const text = formatPolicy(doc);
  assert.deepEqual(
    lintPolicy(text, 'permission').filter((d) => d.severity === 'error'),
    [],
  );
  assert.deepEqual(doc.Statement[0].Action, ['ecs:RunInstances', 'ecs:CreateInstance']);
  assert.equal(doc.Statement[0].Effect, 'Deny');
  assert.match(text, new RegExp(HARDENING_CONDITION_KEY));
});
