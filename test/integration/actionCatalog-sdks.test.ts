// The action catalogue that decides "unknown action" errors stays in step with the SDKs it was taken from.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { ACTION_CATALOG, actionsMatching, findAction } from '../../src/policy/actionCatalog';

const load = createRequire(__filename);
/** API names of an SDK client: one `xxxWithOptions` method per API. */
function apis(pkg: string): string[] {
  const m = load(pkg) as { default?: { prototype: object } } & { prototype: object };
  const proto = (m.default ?? m).prototype;
  return Object.getOwnPropertyNames(proto)
    .filter((n) => n.endsWith('WithOptions'))
    .map((n) => n[0].toUpperCase() + n.slice(1, -'WithOptions'.length));
}

describe('policy action catalogue', () => {
  it('ECS, RAM and STS list exactly the APIs of the SDKs (plus ram:PassRole)', () => {
    assert.deepEqual(Object.keys(ACTION_CATALOG.ecs.actions).sort(), apis('@alicloud/ecs20140526').sort());
    assert.deepEqual(
      Object.keys(ACTION_CATALOG.ram.actions).sort(),
      [...apis('@alicloud/ram20150501'), 'PassRole'].sort(),
    );
    assert.deepEqual(Object.keys(ACTION_CATALOG.sts.actions).sort(), apis('@alicloud/sts20150401').sort());
  });

  it('holds every action the product grants, case-insensitively, and expands wildcards', () => {
    for (const a of [
      'oss:GetObject',
      'oss:ListObjects',
      'oss:PutObject',
      'oss:AbortMultipartUpload',
      'ram:PassRole',
      'ecs:AttachInstanceRamRole',
      'sts:AssumeRole',
      'OSS:getobject',
    ]) {
      assert.ok(findAction(a), a);
    }
    assert.ok(!findAction('oss:GetObjekt'));
    assert.ok(!findAction('oss:GetObjectMeta'), 'HEAD ?objectMeta is authorized as oss:GetObject');
    assert.ok(actionsMatching('oss:Get*').includes('oss:GetObject'));
    assert.deepEqual(actionsMatching('oss:Foo*'), []);
  });
});
