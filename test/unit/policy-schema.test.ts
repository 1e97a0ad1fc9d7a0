/** media/policy.schema.json stays in step with the evaluator and linter. (No JSON Schema validator is a dependency, so the checks are structural.) */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONDITION_OPERATORS } from '../../src/policy/conditions';
import { ossReadOnlyBucketPolicy, ossReadWritePolicy, passRolePolicy, roleArn, serviceTrustPolicy } from '../../src/policy/builders';
import { asList, statementsOf } from '../../src/policy/evaluate';

interface Schema { [k: string]: unknown; properties?: Record<string, Schema>; definitions?: Record<string, Schema> }
const schema = JSON.parse(readFileSync(join(__dirname, '../../media/policy.schema.json'), 'utf8')) as Schema;
const defs = schema.definitions as Record<string, Schema & { pattern?: string; properties: Record<string, Schema> }>;

describe('policy.schema.json', () => {
  it('is draft-07 and requires Version "1" and a non-empty Statement', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(schema.required, ['Version', 'Statement']);
    assert.deepEqual(schema.properties?.Version?.enum, ['1']);
    assert.equal(schema.properties?.Statement?.minItems, 1);
  });

  it('lists exactly the statement elements and condition operators the code knows', () => {
    assert.deepEqual(Object.keys(defs.statement.properties).sort(), ['Action', 'Condition', 'Effect', 'NotAction', 'NotResource', 'Principal', 'Resource']);
    assert.deepEqual(Object.keys(defs.condition.properties).sort(), [...CONDITION_OPERATORS].sort());
    for (const [op, s] of Object.entries(defs.condition.properties)) { assert.ok(typeof s.description === 'string' && s.description, op); }
  });

  it('every description is present on the statement elements', () => {
    for (const [k, s] of Object.entries(defs.statement.properties)) {
      const d = s.description ?? (s.$ref === '#/definitions/condition' ? defs.condition.description : undefined);
      assert.ok(typeof d === 'string' && d.length > 0, k);
    }
  });

  it('action and resource patterns accept what the builders produce and reject obvious mistakes', () => {
    const action = new RegExp(defs.action.pattern as string);
    const resource = new RegExp(defs.resource.pattern as string);
    const docs = [ossReadOnlyBucketPolicy('b'), ossReadWritePolicy('b', 'p/'), passRolePolicy(roleArn('1', 'r'), { includeRunInstances: true }), serviceTrustPolicy()];
    for (const st of docs.flatMap(statementsOf)) {
      for (const a of asList(st.Action)) { assert.ok(action.test(a), a); }
      for (const r of asList(st.Resource)) { assert.ok(resource.test(r), r); }
    }
    for (const bad of ['oss', 'ecs: CreateInstance', 's3 GetObject', '']) { assert.ok(!action.test(bad), bad); }
    for (const bad of ['arn:aws:s3:::b', 'bkt/*', 'acs:oss:*:*']) { assert.ok(!resource.test(bad), bad); }
  });
});
