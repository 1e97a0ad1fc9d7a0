// The action catalogue behind lint, completion and hover, and what the cursor is on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACTION_CATALOG,
  actionsMatching,
  findAction,
  findConditionKey,
  nearestAction,
} from '../../../src/policy/actionCatalog';
import { placeAt } from '../../../src/policy/cursor';

describe('action catalogue', () => {
  it('knows the actions of ram, ecs, oss, sts, kms and log, each with a description', () => {
    for (const s of ['ram', 'ecs', 'oss', 'sts', 'kms', 'log']) {
      const actions = Object.entries(ACTION_CATALOG[s].actions);
      assert.ok(actions.length >= 4, s);
      assert.ok(
        actions.every(([name, d]) => /^[A-Z][A-Za-z0-9]+$/.test(name) && d.length > 5 && !d.includes('\n')),
        s,
      );
    }
    assert.equal(findAction('ECS:attachinstanceramrole')?.name, 'AttachInstanceRamRole');
    assert.equal(findAction('ram:PassRole')?.service, 'ram');
    assert.equal(findAction('oss:HeadObject'), undefined); // authorized as oss:GetObject
  });
  it('wildcards, near misses and condition keys', () => {
    assert.ok(actionsMatching('oss:Get*').includes('oss:GetObject'));
    assert.deepEqual(actionsMatching('oss:Fetch*'), []);
    assert.equal(nearestAction('oss', 'GetObjekt'), 'GetObject');
    assert.equal(nearestAction('ecs', 'LaunchRocket'), undefined);
    assert.equal(findConditionKey('acs:sourceip')?.type, 'IP');
    assert.equal(findConditionKey('acs:ResourceTag/env')?.key, 'acs:ResourceTag/<key>');
    assert.equal(findConditionKey('acs:Nope'), undefined);
  });
});

describe('cursor', () => {
  const text =
    '{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}]}';
  it('finds an action string and a condition key, nothing elsewhere', () => {
    assert.deepEqual(placeAt(text, text.indexOf('GetObject')), {
      kind: 'action',
      offset: text.indexOf('oss:GetObject'),
      length: 13,
      value: 'oss:GetObject',
    });
    assert.deepEqual(placeAt(text, text.indexOf('SourceIp')), {
      kind: 'conditionKey',
      offset: text.indexOf('acs:SourceIp'),
      length: 12,
      value: 'acs:SourceIp',
    });
    assert.equal(placeAt(text, text.indexOf('Allow')), undefined);
    assert.equal(placeAt(text, text.indexOf('10.0')), undefined);
  });
});
