// A server (or a gateway in front of it) that answers 500 with an empty body: the SDKs lose the
// status in a JSON or XML parse failure; the error says in plain words what came back, over the wire.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloudError } from '../../src/cloud/errors';
import { withReadableDefaults } from '../../src/views/readable';
import { useSandbox } from '../helpers/sandbox';

const t = useSandbox();

async function failure(call: () => Promise<unknown>): Promise<CloudError> {
  try {
    await call();
  } catch (e) {
    assert.ok(e instanceof CloudError, `not a CloudError: ${String(e)}`);
    return e;
  }
  assert.fail('the call succeeded');
}

test('ECS, RAM, STS and OSS: HTTP 500 with an empty body reads as such, with the request id when a header has one', async () => {
  const cloud = t.cloud(undefined, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
  const cases = [
    { service: 'ecs', where: 'ecs.cn-hangzhou', call: () => cloud.ecs.describeRegions() },
    { service: 'ram', where: 'ram', call: () => cloud.ram.listRoles(undefined, 10) },
    { service: 'sts', where: 'sts', call: () => cloud.whoAmI() },
    {
      service: 'oss',
      where: 'oss.cn-hangzhou',
      call: () => cloud.oss.listObjects('demo-data', 'cn-hangzhou', { maxKeys: 10 }),
    },
  ] as const;
  for (const c of cases) {
    for (const requestId of ['', `REQ-${c.service}-0001`]) {
      t.sandbox.faults.clear();
      t.sandbox.faults.add({ service: c.service, kind: 'error5xx', emptyBody: true, requestId, count: 10 });
      const from = t.sandbox.requests.length;
      const err = await failure(c.call).finally(() => t.sandbox.faults.clear());
      const expected = requestId
        ? `${c.where} answered HTTP 500 with an empty body (request id ${requestId}).`
        : `${c.where} answered HTTP 500 with an empty body.`;
      assert.equal(err.message, expected, c.service);
      assert.equal(err.status, 500);
      assert.equal(err.requestId, requestId || undefined);
      assert.ok(!/JSON|Unknow/.test(err.message));
      // A 5xx is worth the retries a read gets.
      assert.equal(err.retryable, true);
      assert.ok(t.sandbox.requests.slice(from).filter((r) => r.status === 500).length >= 2, `${c.service}: retried`);
    }
  }
  t.sandbox.faults.clear();
  // The fault gone, the same calls work: nothing was left recording.
  assert.ok((await cloud.ecs.describeRegions()).length > 0);
});

test('a service error with its own body keeps its code and message', async () => {
  const cloud = t.cloud(undefined, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  t.sandbox.faults.add({ service: 'ecs', kind: 'error5xx', count: 1 });
  const err = await failure(() => cloud.ecs.describeRegions()).finally(() => t.sandbox.faults.clear());
  assert.equal(err.code, 'InternalError');
  assert.match(err.message, /unknown error/);
});

test('tree rows get a full tooltip and an accessibility label from label and description', () => {
  const row = withReadableDefaults({
    label: 'demo-web-1',
    description: 'i-bp1sandboxvpc000001 · Running · DemoEcsOssReader',
  } as never);
  assert.equal(row.tooltip, 'demo-web-1 — i-bp1sandboxvpc000001 · Running · DemoEcsOssReader');
  assert.deepEqual(row.accessibilityInformation, {
    label: 'demo-web-1, i-bp1sandboxvpc000001 · Running · DemoEcsOssReader',
  });
  const own = withReadableDefaults({
    label: { label: 'Roles' },
    tooltip: 'kept',
    accessibilityInformation: { label: 'own' },
  } as never);
  assert.equal(own.tooltip, 'kept');
  assert.deepEqual(own.accessibilityInformation, { label: 'own' });
});

test("OSS: a dropped connection or a server that is gone reads like RAM's and ECS's, never as the HTTP client's dump", async () => {
  const cloud = t.cloud(undefined, { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
  for (const c of [
    { service: 'oss', call: () => cloud.oss.listBuckets() },
    { service: 'oss', call: () => cloud.oss.listObjects('demo-data', 'cn-hangzhou', { maxKeys: 10 }) },
    { service: 'ram', call: () => cloud.ram.listRoles(undefined, 10) },
  ] as const) {
    t.sandbox.faults.add({ service: c.service, kind: 'down', count: 5 });
    const err = await failure(c.call).finally(() => t.sandbox.faults.clear());
    assert.equal(err.code, 'NetworkError', `${c.service}: ${err.code} ${err.message}`);
    assert.equal(err.retryable, true);
    // urllib's text: "socket hang up, GET http://…?marker=&max-keys=100 -1 (connected: true, keepalive socket: false, …) headers: {}"
    assert.doesNotMatch(err.message, /socket hang up|keepalive|headers:|https?:\/\/|-1 \(/, err.message);
  }
});
