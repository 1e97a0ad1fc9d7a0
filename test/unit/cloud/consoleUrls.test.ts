// Every console and OpenAPI Explorer address form the extension opens, pinned.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMAND_APIS, consoleUrl, openApiExplorerUrl } from '../../../src/cloud/consoleUrls';
import manifest from '../../../package.json';

test('console pages: role, policy (custom and system), instance with its region, bucket with its region', () => {
  assert.equal(
    consoleUrl({ kind: 'role', roleName: 'EcsRoleForOss' }),
    'https://ram.console.aliyun.com/roles/detail?roleName=EcsRoleForOss',
  );
  assert.equal(
    consoleUrl({ kind: 'policy', policyName: 'OssReadOnly', policyType: 'Custom' }),
    'https://ram.console.aliyun.com/policies/detail?policyName=OssReadOnly&policyType=Custom',
  );
  assert.equal(
    consoleUrl({ kind: 'policy', policyName: 'AliyunOSSReadOnlyAccess', policyType: 'System' }),
    'https://ram.console.aliyun.com/policies/detail?policyName=AliyunOSSReadOnlyAccess&policyType=System',
  );
  assert.equal(
    consoleUrl({ kind: 'instance', instanceId: 'i-uf6sandboxvpc000001', regionId: 'cn-shanghai' }),
    'https://ecs.console.aliyun.com/server/i-uf6sandboxvpc000001/detail?regionId=cn-shanghai',
  );
  assert.equal(
    consoleUrl({ kind: 'bucket', bucket: 'demo-data', regionId: 'cn-hangzhou' }),
    'https://oss.console.aliyun.com/bucket/oss-cn-hangzhou/demo-data/object',
  );
  assert.equal(
    consoleUrl({ kind: 'role', roleName: 'a b&c' }),
    'https://ram.console.aliyun.com/roles/detail?roleName=a%20b%26c',
  );
});

test('OpenAPI Explorer: product, version and action; ECS carries the region', () => {
  assert.equal(openApiExplorerUrl('Ram', 'CreateRole'), 'https://api.aliyun.com/api/Ram/2015-05-01/CreateRole');
  assert.equal(
    openApiExplorerUrl('Ecs', 'AttachInstanceRamRole', 'cn-hangzhou'),
    'https://api.aliyun.com/api/Ecs/2014-05-26/AttachInstanceRamRole?RegionId=cn-hangzhou',
  );
  assert.equal(
    openApiExplorerUrl('Ram', 'CreateRole', 'cn-hangzhou'),
    'https://api.aliyun.com/api/Ram/2015-05-01/CreateRole',
  );
  assert.equal(openApiExplorerUrl('Sts', 'AssumeRole'), 'https://api.aliyun.com/api/Sts/2015-04-01/AssumeRole');
  assert.equal(openApiExplorerUrl('Oss', 'PutBucket'), 'https://api.aliyun.com/api/Oss/2019-05-17/PutBucket');
});

test('every command with an API is a contributed command', () => {
  const ids = new Set((manifest.contributes.commands as Array<{ command: string }>).map((c) => c.command));
  assert.deepEqual(
    Object.keys(COMMAND_APIS).filter((id) => !ids.has(id)),
    [],
  );
});
