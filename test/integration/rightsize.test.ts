/**
 * Right-sizing over the wire: the sandbox's ActionTrail (event shape, paging, the 30-day span, the
 * 90-day horizon, throttling, OSS data events kept out), the RAM access audit, and the bar on the
 * seeded AppServerRole: 3 windows at ≤ 2 calls/s, a draft that allows every observed allowed call,
 * holds no more actions than were observed, narrows OSS to the observed buckets, lists unmapped
 * events; applied, an observed call still works and an unobserved one is refused; rolled back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActionTrailApi, readRoleActivity, type TrailEvent } from '../../src/cloud/actionTrail';
import { sandboxEndpoints } from '../../src/cloud/profile';
import { accessedActions } from '../../src/cloud/ramAudit';
import { asList, statementsOf } from '../../src/policy/evaluate';
import { formatPolicy } from '../../src/policy/builders';
import { ACTIVITY } from '../../src/sandbox/seed/activity';
import { DEMO } from '../../src/sandbox/seed/demo';
import {
  applyRightsize,
  proposeForAccessKey,
  proposeForRole,
  readActivity,
  rollBackRightsize,
} from '../../src/setup/rightsize';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox({ seed: 'large' });
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const noRetry = { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function refused(p: Promise<unknown>, code: RegExp): Promise<void> {
  await assert.rejects(p, (e: { code?: string }) => {
    assert.match(String(e.code), code);
    return true;
  });
}

test('LookupEvents: documented limits, paging and the event shape', async () => {
  const cloud = t.cloud(undefined, noRetry);
  const api = new ActionTrailApi(cloud.session);
  const now = Date.now();
  const role = [{ key: 'RoleName', value: ACTIVITY.roleName }];
  // More than 30 days in one query, older than 90 days, more than 50 a page.
  await refused(api.lookupEvents({ startTime: iso(now - 31 * DAY), endTime: iso(now) }), /^InvalidParameter/);
  await pause(1100);
  await refused(
    api.lookupEvents({ startTime: iso(now - 95 * DAY), endTime: iso(now - 80 * DAY) }),
    /^InvalidParameter/,
  );
  await pause(1100);
  await refused(
    api.lookupEvents({ startTime: iso(now - DAY), endTime: iso(now), maxResults: 51 }),
    /^InvalidParameter/,
  );
  await pause(1100);

  const first = await api.lookupEvents({ startTime: iso(now - 30 * DAY), endTime: iso(now), attributes: role });
  assert.equal(first.events.length, 50);
  assert.ok(first.nextToken);
  const e = first.events[0];
  assert.equal(e.userIdentity?.type, 'assumed-role');
  assert.match(String(e.userIdentity?.principalId), new RegExp(`^${ACTIVITY.roleId}:`));
  assert.match(String(e.userIdentity?.accessKeyId), /^STS\./);
  assert.ok(e.acsRegion && e.serviceName && e.eventTime >= first.events[49].eventTime, 'newest first');
  // A third call within the same second is refused with the gateway's flow-control code.
  await pause(1100);
  const burst = await Promise.allSettled(
    [1, 2, 3].map(() => api.lookupEvents({ startTime: iso(now - DAY), endTime: iso(now), attributes: role })),
  );
  const codes = burst.map((r) => (r.status === 'rejected' ? String((r.reason as { code?: string }).code) : 'ok'));
  assert.equal(codes.filter((c) => c === 'ok').length, 2, codes.join());
  assert.match(codes.find((c) => c !== 'ok') ?? '', /^Throttling/);
  await pause(1100);
  // A token is only good for the parameters it came with.
  await refused(
    api.lookupEvents({
      startTime: iso(now - 29 * DAY),
      endTime: iso(now),
      attributes: role,
      nextToken: first.nextToken,
    }),
    /^InvalidParameter/,
  );
  await pause(1100);
  const second = await api.lookupEvents({
    startTime: iso(now - 30 * DAY),
    endTime: iso(now),
    attributes: role,
    nextToken: first.nextToken,
  });
  const ids = new Set(first.events.map((x) => x.eventId));
  assert.ok(second.events.length > 0 && second.events.every((x) => !ids.has(x.eventId)), 'pages do not overlap');
});

test('the sandbox records management events for RPC and OSS, never OSS object calls', async () => {
  const cloud = t.cloud();
  const before = Date.now() - 1000;
  await cloud.ecs.getInstance('cn-hangzhou', DEMO.vpcInstanceId);
  await cloud.oss.getBucketRegion(DEMO.bucket);
  await cloud.oss.getObject(DEMO.bucket, 'cn-hangzhou', 'README.md').catch(() => undefined);
  await pause(1100);
  const api = new ActionTrailApi(cloud.session);
  const page = await api.lookupEvents({
    startTime: iso(before),
    endTime: iso(Date.now() + 1000),
    attributes: [{ key: 'EventRW', value: 'Read' }],
  });
  const names = page.events.map((e) => `${e.serviceName}:${e.eventName}`);
  assert.ok(names.includes('Ecs:DescribeInstances'), names.join());
  assert.ok(names.includes('Oss:GetBucketLocation'), names.join());
  assert.ok(!names.includes('Oss:GetObject'), 'OSS object calls are data events');
  const ecs = page.events.find((e) => e.eventName === 'DescribeInstances')!;
  assert.equal(ecs.userIdentity?.type, 'root-account');
  assert.equal(ecs.resourceName, DEMO.vpcInstanceId);
  assert.equal(ecs.acsRegion, 'cn-hangzhou');
  const oss = page.events.find((e) => e.eventName === 'GetBucketLocation')!;
  assert.deepEqual(oss.referencedResources, { 'ACS::OSS::Bucket': [DEMO.bucket] });
});

test('the access audit: action level, OSS data included, readable only by whoever generated it', async () => {
  const cloud = t.cloud();
  const arn = `acs:ram::${t.sandbox.info.accountId}:role/${ACTIVITY.roleName}`;
  const actions = (await accessedActions(cloud.session, arn, { pollMs: 200 })).map((a) => a.action);
  assert.ok(actions.includes('oss:GetObject') && actions.includes('oss:PutObject'), actions.join());
  assert.ok(actions.includes('ram:CreatePolicy'), 'denied attempts are counted');
  // Another identity cannot read the report.
  const { callRpcJson } = await import('../../src/cloud/sdk');
  const gen = await cloud.session.call('ram', 'GenerateServiceLastAccessedDetails', undefined, () =>
    callRpcJson<{ JobId: string }>(cloud.session.ramClient(), 'GenerateServiceLastAccessedDetails', '2015-05-01', {
      ResourceArn: arn,
      Granularity: 'Action',
    }),
  );
  const alice = t.cloud(t.subAccount, noRetry);
  await refused(
    alice.session.call('ram', 'GetServiceLastAccessedDetails', undefined, () =>
      callRpcJson(alice.session.ramClient(), 'GetServiceLastAccessedDetails', '2015-05-01', {
        JobId: gen.body?.JobId,
      }),
    ),
    /^(EntityNotExist|NoPermission)/,
  );
});

test('the bar: 90 days in 3 windows at ≤ 2 calls/s, a proven narrow draft, apply and roll back', async () => {
  const cloud = t.cloud();
  const from = t.sandbox.requests.length;
  await pause(1100);
  const progress: number[] = [];
  const activity = await readActivity(cloud, ACTIVITY.roleName, { onProgress: (p) => progress.push(p.window) });
  assert.ok(activity.read.complete, String(activity.read.error));
  assert.equal(activity.read.windows.length, 3);
  assert.ok(activity.read.windows.every((w) => w.complete && w.events > 0));
  assert.deepEqual([...new Set(progress)], [1, 2, 3]);
  const lookups = t.sandbox.requests.slice(from).filter((r) => r.action === 'LookupEvents');
  assert.equal(lookups.length, activity.read.requests);
  assert.ok(
    lookups.every((r) => r.status === 200),
    'never throttled: the client kept to 2 calls a second',
  );
  assert.ok(activity.read.events.length >= 500, `${activity.read.events.length} events`);

  const { report } = activity;
  const { proposal, current } = await proposeForRole(cloud, activity);
  const observed = new Set(report.services.flatMap((s) => s.actions.map((a) => a.action)));
  assert.ok(observed.size >= 12, [...observed].join());
  assert.ok(proposal.offered);
  assert.equal(proposal.proof.allowed, proposal.proof.checked);
  assert.ok(proposal.proof.checked >= 500);
  assert.ok(proposal.diff.draftActions <= observed.size);
  assert.ok(proposal.diff.removed > proposal.diff.kept, JSON.stringify(proposal.diff));
  assert.deepEqual(
    report.unmapped.map((u) => u.eventName),
    ['ConsoleSignin'],
  );
  assert.deepEqual(report.denied.map((d) => d.action).sort(), [
    'kms:Decrypt',
    'ram:AttachPolicyToRole',
    'ram:CreatePolicy',
  ]);
  // An audit row counts what the audit counted, not the per-bucket calls standing for it
  // (PutObject: only in the bucket without a log dump, so the audit is its one source).
  const ossActions = report.services.find((s) => s.service === 'oss')!.actions;
  const putObject = ossActions.find((a) => a.action === 'oss:PutObject')!;
  assert.equal(putObject.source, 'audit');
  assert.ok(putObject.count > 50, `oss:PutObject counted ${putObject.count} times`);
  // GetObject's calls in the logged bucket come from its access log, by directory.
  const getObject = ossActions.find((a) => a.action === 'oss:GetObject')!;
  assert.equal(getObject.source, 'log');
  assert.ok(
    getObject.resources.some((r) => r.endsWith(`:${DEMO.bucket}/config/*`)),
    getObject.resources.join(),
  );
  // OSS narrowed to the observed buckets: no OSS statement on `*` but the account-level listing.
  const buckets = ACTIVITY.objects.map((o) => o.bucket);
  for (const st of statementsOf(proposal.draft)) {
    const actions = asList(st.Action);
    if (!actions[0].startsWith('oss:') || actions.includes('oss:ListBuckets')) {
      continue;
    }
    for (const r of asList(st.Resource)) {
      assert.ok(
        buckets.some((b) => r.endsWith(`:${b}`) || r.includes(`:${b}/`)),
        r,
      );
    }
  }

  // Apply: the instance using the role keeps what it used and loses the rest.
  const policyName = 'AppServerRoleLeastPrivilege';
  const result = await applyRightsize(cloud, {
    roleName: ACTIVITY.roleName,
    policyName,
    document: formatPolicy(proposal.draft),
    detach: current.attached,
  });
  assert.deepEqual(
    (await cloud.ram.listPoliciesForRole(ACTIVITY.roleName)).map((p) => p.policyName),
    [policyName],
  );
  await cloud.ecs.attachRole('cn-hangzhou', DEMO.vpcInstanceId, ACTIVITY.roleName);
  const asRole = t.cloud(
    { mode: 'EcsRamRole' },
    { endpoints: sandboxEndpoints(t.sandbox.info.endpoint, DEMO.vpcInstanceId), ...noRetry },
  );
  const entries = await asRole.oss.listObjects(DEMO.bucket, 'cn-hangzhou', { prefix: 'reports/' });
  assert.ok(Array.isArray(entries.items), 'an observed call is still allowed');
  await refused(asRole.oss.listObjects(DEMO.bigBucket, 'cn-hangzhou'), /^AccessDenied/);
  // Objects outside the prefixes the access log showed are refused in the same bucket.
  await refused(asRole.oss.getObject(DEMO.bucket, 'cn-hangzhou', 'private/secrets.txt'), /^AccessDenied/);
  await refused(asRole.ecs.deleteInstance('cn-hangzhou', DEMO.vpcInstanceId), /^Forbidden/);

  await rollBackRightsize(cloud, ACTIVITY.roleName, result);
  assert.deepEqual(
    (await cloud.ram.listPoliciesForRole(ACTIVITY.roleName)).map((p) => p.policyName).sort(),
    [...ACTIVITY.policies].sort(),
  );
  await refused(cloud.ram.getPolicy(policyName, 'Custom'), /^EntityNotExist/);
});

test('reading stops on cancel and keeps what it read', async () => {
  const cloud = t.cloud();
  const api = new ActionTrailApi(cloud.session);
  const controller = new AbortController();
  await pause(1100);
  const read = await readRoleActivity(api, ACTIVITY.roleName, {
    signal: controller.signal,
    onProgress: (p) => {
      if (p.requests === 2) {
        controller.abort();
      }
    },
  });
  assert.equal(read.complete, false);
  assert.equal(read.requests, 2);
  assert.equal(read.events.length, 100);
  assert.ok(read.events.every((e: TrailEvent) => e.userIdentity?.userName?.startsWith(`${ACTIVITY.roleName}:`)));
});

test("an AccessKey's last use: the services and resources it touched become a proven draft", async () => {
  const alice = t.cloud(t.subAccount);
  await alice.ecs.getInstance('cn-shanghai', DEMO.shanghaiInstanceId);
  await alice.ram.getRole(DEMO.seededRole);
  await pause(1100);
  const subKey = (t.subAccount as { accessKeyId: string }).accessKeyId;
  const proposal = await proposeForAccessKey(t.cloud(), subKey);
  const actions = proposal.report.services.flatMap((s) => s.actions.map((a) => a.action)).sort();
  assert.deepEqual(actions, ['ecs:DescribeInstances', 'ram:GetRole']);
  const ecs = proposal.report.services.find((s) => s.service === 'ecs')!.actions[0];
  assert.deepEqual(ecs.resources, [
    `acs:ecs:cn-shanghai:${t.sandbox.info.accountId}:instance/${DEMO.shanghaiInstanceId}`,
  ]);
  assert.ok(proposal.offered && proposal.proof.allowed === proposal.proof.checked);
  // Another key's use is not this key's.
  assert.equal((await proposeForAccessKey(t.cloud(), 'SBXAKNeverUsed000000001')).proof.checked, 0);
});
