/** media/policy.schema.json stays in step with the evaluator and linter: hover help and completion, never a second set of Problems. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONDITION_OPERATORS } from '../../../src/policy/conditions';

interface Schema {
  [k: string]: unknown;
  properties?: Record<string, Schema>;
  definitions?: Record<string, Schema>;
}
const schema = JSON.parse(readFileSync(join(__dirname, '../../../media/policy.schema.json'), 'utf8')) as Schema;
const defs = schema.definitions as Record<string, Schema & { properties: Record<string, Schema> }>;

describe('policy.schema.json', () => {
  it('is draft-07 and documents without validating: the policy linter is the one source of Problems (no problem shown twice)', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const text = JSON.stringify(schema);
    for (const keyword of [
      'required',
      'additionalProperties',
      'enum',
      'const',
      'type',
      'oneOf',
      'pattern',
      'minItems',
      'not',
      'errorMessage',
    ]) {
      assert.ok(!text.includes(`"${keyword}":`), `"${keyword}" would make VS Code's JSON validation repeat the linter`);
    }
    assert.deepEqual(
      (schema.properties?.Version as { examples?: string[] }).examples,
      ['1'],
      'completion still offers the version',
    );
  });

  it('lists exactly the statement elements and condition operators the code knows', () => {
    assert.deepEqual(Object.keys(defs.statement.properties).sort(), [
      'Action',
      'Condition',
      'Effect',
      'NotAction',
      'NotResource',
      'Principal',
      'Resource',
    ]);
    assert.deepEqual(Object.keys(defs.condition.properties).sort(), [...CONDITION_OPERATORS].sort());
    for (const [op, s] of Object.entries(defs.condition.properties)) {
      assert.ok(typeof s.description === 'string' && s.description, op);
    }
  });

  it('every description is present on the statement elements', () => {
    for (const [k, s] of Object.entries(defs.statement.properties)) {
      const d = s.description ?? (s.$ref === '#/definitions/condition' ? defs.condition.description : undefined);
      assert.ok(typeof d === 'string' && d.length > 0, k);
    }
  });
});
