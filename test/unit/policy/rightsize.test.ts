import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrailEvent } from '../../../src/cloud/actionTrail';
import {
  actionForEvent,
  aggregateActivity,
  buildDraft,
  diffPolicies,
  proposePolicy,
  proveDraft,
  statementFor,
} from '../../../src/policy/rightsize';

const ACCT = '1234567890123456';
const ev = (p: Partial<TrailEvent> & { eventName: string; serviceName: string }): TrailEvent => ({
  eventTime: '2026-12-01T00:00:00Z',
  acsRegion: 'cn-hangzhou',
  ...p,
});

const events: TrailEvent[] = [
  ev({ serviceName: 'Ecs', eventName: 'DescribeInstances' }),
  ev({ serviceName: 'Ecs', eventName: 'DescribeInstances', acsRegion: 'cn-shanghai' }),
  ev({
    serviceName: 'Ecs',
    eventName: 'RebootInstance',
    resourceName: 'i-one',
    resourceType: 'ACS::ECS::Instance',
  }),
  ev({ serviceName: 'Oss', eventName: 'GetBucketInfo', referencedResources: { 'ACS::OSS::Bucket': ['logs'] } }),
  ev({ serviceName: 'Ram', eventName: 'CreatePolicy', errorCode: 'NoPermission' }),
  ev({ serviceName: 'AasSub', eventName: 'ConsoleSignin' }),
  ev({ serviceName: 'Ecs', eventName: 'DescribeSomethingNew' }),
];

test('events map to catalogued actions only; the rest are listed, never guessed', () => {
  assert.equal(actionForEvent('Ecs', 'DescribeInstances'), 'ecs:DescribeInstances');
  assert.equal(actionForEvent('Oss', 'HeadObject'), 'oss:GetObject');
  assert.equal(actionForEvent('Ecs', 'DescribeSomethingNew'), undefined);
  assert.equal(actionForEvent('AasSub', 'ConsoleSignin'), undefined);
  const r = aggregateActivity(events, ACCT);
  assert.deepEqual(r.unmapped.map((u) => u.eventName).sort(), ['ConsoleSignin', 'DescribeSomethingNew']);
  assert.deepEqual(
    r.denied.map((d) => [d.action, d.errorCode]),
    [['ram:CreatePolicy', 'NoPermission']],
  );
  assert.deepEqual(statementFor(r.denied[0]), { Effect: 'Allow', Action: ['ram:CreatePolicy'], Resource: '*' });
});

test('the draft narrows ECS to instance and region, OSS to the bucket, and scopes audit-only object actions', () => {
  const r = aggregateActivity(events, ACCT, [{ action: 'oss:GetObject', lastAccessed: '2026-12-02T00:00:00Z' }]);
  const draft = buildDraft(r);
  const byAction = new Map(draft.Statement.flatMap((s) => (s.Action as string[]).map((a) => [a, s.Resource] as const)));
  assert.deepEqual(byAction.get('ecs:RebootInstance'), `acs:ecs:cn-hangzhou:${ACCT}:instance/i-one`);
  assert.deepEqual(byAction.get('ecs:DescribeInstances'), [
    `acs:ecs:cn-hangzhou:${ACCT}:*`,
    `acs:ecs:cn-shanghai:${ACCT}:*`,
  ]);
  assert.deepEqual(byAction.get('oss:GetBucketInfo'), `acs:oss:*:${ACCT}:logs`);
  assert.deepEqual(byAction.get('oss:GetObject'), `acs:oss:*:${ACCT}:logs/*`);
  assert.equal(byAction.has('ram:CreatePolicy'), false, 'denied calls stay out of the draft');
  assert.equal(byAction.size, 4);
});

test('the proof replays every observed allowed call and fails when the draft misses one', () => {
  const r = aggregateActivity(events, ACCT);
  const draft = buildDraft(r);
  assert.deepEqual(proveDraft(draft, r), { checked: 4, allowed: 4, failures: [] });
  const narrower = {
    ...draft,
    Statement: draft.Statement.filter((s) => !(s.Action as string[]).includes('ecs:RebootInstance')),
  };
  const proof = proveDraft(narrower, r);
  assert.equal(proof.allowed, 3);
  assert.deepEqual(
    proof.failures.map((f) => f.action),
    ['ecs:RebootInstance'],
  );
  const p = proposePolicy(r, [{ Version: '1', Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }] }]);
  assert.ok(p.offered);
  assert.equal(p.diff.kept, 2);
  assert.ok(p.diff.current > 100 && p.diff.removed === p.diff.current - 2);
  assert.deepEqual(diffPolicies([], draft).current, 0);
});
