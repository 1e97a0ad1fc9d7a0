/**
 * Object-level right-sizing over the wire: the sandbox's log dump (PutBucketLogging and its
 * refusals, hourly log objects written only after the hour has closed, in the documented line
 * format), read back with ali-oss, attributed to the role through its STS AccessKey IDs, and the
 * seeded AppServerRole's draft narrowed to prefixes with the proof replaying the logged calls.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAccessLog, readBucketAccessLog } from '../../src/cloud/ossAccessLog';
import { asList, statementsOf } from '../../src/policy/evaluate';
import { proveDraft } from '../../src/policy/rightsize';
import { ACTIVITY } from '../../src/sandbox/seed/activity';
import { DEMO } from '../../src/sandbox/seed/demo';
import { proposeForRole, readActivity } from '../../src/setup/rightsize';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox({ seed: 'activity' });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the seeded role: OSS object actions narrowed to the logged prefixes, proven, the unlogged bucket kept whole', async () => {
  const cloud = t.cloud();
  await pause(1100);
  const activity = await readActivity(cloud, ACTIVITY.roleName);
  assert.ok(activity.read.complete, String(activity.read.error));
  const hz = activity.objectSources.find((s) => s.bucket === DEMO.bucket)!;
  const sh = activity.objectSources.find((s) => s.bucket === DEMO.shanghaiBucket)!;
  assert.equal(hz.logging?.targetBucket, ACTIVITY.logging.targetBucket);
  assert.ok(hz.used, JSON.stringify({ ...hz, error: String(hz.error) }));
  assert.ok(hz.files > 100 && hz.attributed > 300, JSON.stringify(hz));
  // The other application's reads are in the log but not the role's.
  assert.equal(hz.unattributed, 40);
  assert.equal(hz.malformed, 0);
  assert.equal(sh.logging, undefined);
  assert.equal(sh.used, false);

  const { proposal } = await proposeForRole(cloud, activity);
  assert.ok(proposal.offered);
  assert.equal(proposal.proof.allowed, proposal.proof.checked);
  const logged = proposal.report.calls.filter((c) => c.source === 'log' && c.objectKey);
  assert.ok(logged.length > 300, `${logged.length} logged object calls`);
  const acct = activity.accountId;
  const getObject = statementsOf(proposal.draft).find((s) => asList(s.Action).includes('oss:GetObject'))!;
  // The logged bucket by prefix; the unlogged one, which the audit says nothing finer of, whole.
  assert.deepEqual(asList(getObject.Resource).sort(), [
    `acs:oss:*:${acct}:${DEMO.bucket}/config/*`,
    `acs:oss:*:${acct}:${DEMO.bucket}/reports/2026/*`,
    `acs:oss:*:${acct}:${DEMO.shanghaiBucket}/*`,
  ]);
  const putObject = statementsOf(proposal.draft).find((s) => asList(s.Action).includes('oss:PutObject'))!;
  assert.deepEqual(asList(putObject.Resource), [`acs:oss:*:${acct}:${DEMO.shanghaiBucket}/*`]);
  assert.ok(!JSON.stringify(proposal.draft).includes(ACTIVITY.otherIdentityPrefix));

  // Drop one prefix and the proof fails on the calls under it.
  const dropped = {
    ...proposal.draft,
    Statement: statementsOf(proposal.draft).map((s) =>
      s === getObject ? { ...s, Resource: asList(s.Resource).filter((r) => !r.endsWith('/config/*')) } : s,
    ),
  };
  const proof = proveDraft(dropped, proposal.report);
  assert.ok(proof.failures.length > 0);
  assert.ok(proof.failures.every((f) => f.objectKey?.startsWith('config/')));
});

test('PutBucketLogging: same account, same region, existing target; the dump appears only after the hour has closed', async () => {
  const cloud = t.cloud();
  const oss = cloud.oss;
  const refused = async (p: Promise<unknown>, ec: string) =>
    assert.rejects(
      p,
      (e: { code?: string; message?: string }) => {
        assert.equal(e.code, 'InvalidTargetBucketForLogging', `${e.code}: ${e.message}`);
        return true;
      },
      ec,
    );
  await refused(
    oss.putBucketLogging(DEMO.bucket, 'cn-hangzhou', { targetBucket: 'no-such-bucket-here', targetPrefix: 'l/' }),
    'missing target',
  );
  await refused(
    oss.putBucketLogging(DEMO.bucket, 'cn-hangzhou', { targetBucket: DEMO.shanghaiBucket, targetPrefix: 'l/' }),
    'other region',
  );
  await refused(
    oss.putBucketLogging(DEMO.bucket, 'cn-hangzhou', { targetBucket: 'examplebucket', targetPrefix: 'l/' }),
    "another account's bucket",
  );

  const source = DEMO.bigBucket;
  assert.equal(await oss.getBucketLogging(source, 'cn-hangzhou'), undefined);
  const target = { targetBucket: ACTIVITY.logging.targetBucket, targetPrefix: 'fresh-log/' };
  await oss.putBucketLogging(source, 'cn-hangzhou', target);
  assert.deepEqual(await oss.getBucketLogging(source, 'cn-hangzhou'), target);

  const hostile = 'in/"quoted" [x] *star?/new\nline.txt';
  await oss.putObject(source, 'cn-hangzhou', hostile, Buffer.from('x'));
  await oss.getObject(source, 'cn-hangzhou', hostile);
  const listDump = () =>
    oss.listObjects(target.targetBucket, 'cn-hangzhou', { prefix: `${target.targetPrefix}${source}`, delimiter: '' });
  assert.equal((await listDump()).items.length, 0, 'nothing before the hour has closed');
  t.sandbox.advanceClock(60 * 60_000);
  assert.equal((await listDump()).items.length, 0, 'nor right after it: "within hours"');
  t.sandbox.advanceClock(3 * 60 * 60_000);
  const files = (await listDump()).items;
  assert.equal(files.length, 1);
  const read = await readBucketAccessLog(oss, source, 'cn-hangzhou', { since: Date.now() - 86_400_000 });
  assert.ok(read.complete, String(read.error));
  assert.equal(read.files, 1);
  assert.equal(read.malformed, 0);
  const ops = read.lines.map((l) => `${l.operation} ${l.key ?? '-'}`);
  assert.ok(ops.includes(`PutObject ${hostile}`), ops.join(' | '));
  assert.ok(ops.includes(`GetObject ${hostile}`), ops.join(' | '));
  assert.ok(read.lines.every((l) => l.accessKeyId === t.sandbox.info.accessKeyId));
  // The raw text never holds the key unencoded: one request, one line.
  const raw = await oss.getObject(target.targetBucket, 'cn-hangzhou', (files[0] as { key: string }).key);
  assert.equal(parseAccessLog(raw.toString()).lines.length, read.lines.length);

  // Cancelled before it starts: nothing read, and it says it is not complete.
  const cancelled = await readBucketAccessLog(oss, source, 'cn-hangzhou', {
    since: Date.now() - 86_400_000,
    signal: AbortSignal.abort(),
  });
  assert.equal(cancelled.complete, false);
  assert.equal(cancelled.files, 0);

  await oss.deleteBucketLogging(source, 'cn-hangzhou');
  assert.equal(await oss.getBucketLogging(source, 'cn-hangzhou'), undefined);
});
