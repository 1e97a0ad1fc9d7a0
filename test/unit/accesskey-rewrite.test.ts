// "Use the credentials chain" rewrites: each documented construction with pasted keys becomes the
// same construction over the default credential chain; the keys are gone and nothing else moves.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scanText } from '../../src/setup/accessKeyScan';
import { applyEdits, credentialsChainEdits } from '../../src/setup/credentialsChainRewrite';
import { fakeAccessKeyId, fakeAccessKeySecret } from './helpers/fakeKeys';

function rewrite(languageId: string, make: (id: string, secret: string) => string): string | undefined {
  const id = fakeAccessKeyId();
  const secret = fakeAccessKeySecret();
  const text = make(id, secret);
  const finding = scanText(text).find((f) => f.kind === 'accessKeyId');
  assert.ok(finding, 'the scanner finds the id');
  const edits = credentialsChainEdits(languageId, text, finding.offset);
  if (!edits) { return undefined; }
  const out = applyEdits(text, edits);
  assert.ok(!out.includes(id) && !out.includes(secret), 'no key left');
  assert.deepEqual(scanText(out), [], 'the rewritten file is clean');
  return out;
}

describe('credentials chain rewrite', () => {
  test('Python oss2.Auth → ProviderAuth over alibabacloud_credentials', () => {
    const out = rewrite('python', (id, s) => `import oss2\n\nauth = oss2.Auth('${id}', '${s}')\nbucket = oss2.Bucket(auth, 'https://oss-cn-hangzhou.aliyuncs.com', 'b')\n`);
    assert.ok(out);
    assert.match(out, /^import oss2\n\nfrom alibabacloud_credentials\.client import Client as CredentialClient\n/);
    assert.match(out, /auth = oss2\.ProviderAuth\(CredentialProviderWrapper\(CredentialClient\(\)\)\)\nbucket = /);
    assert.match(out, /class CredentialProviderWrapper\(CredentialsProvider\):[\s\S]*c = self\.client\.get_credential\(\)/);
  });

  test('Python Tea Config keywords → credential=', () => {
    const out = rewrite('python', (id, s) => `from alibabacloud_tea_openapi import models as open_api_models\n\nconfig = open_api_models.Config(\n    access_key_id='${id}',\n    access_key_secret='${s}',\n    region_id='cn-hangzhou',\n)\n`);
    assert.equal(out, `from alibabacloud_tea_openapi import models as open_api_models\nfrom alibabacloud_credentials.client import Client as CredentialClient\n\nconfig = open_api_models.Config(\n    credential=CredentialClient(),\n    region_id='cn-hangzhou',\n)\n`);
  });

  test('Node ali-oss → refreshSTSToken over @alicloud/credentials', () => {
    const out = rewrite('javascript', (id, s) => `const OSS = require('ali-oss');\n\nconst client = new OSS({\n  region: 'oss-cn-hangzhou',\n  accessKeyId: '${id}',\n  accessKeySecret: '${s}',\n  bucket: 'b',\n});\n`);
    assert.equal(out, [
      "const OSS = require('ali-oss');",
      "const Credential = require('@alicloud/credentials').default;",
      '',
      'const credential = new Credential(); // default chain: the instance role on ECS',
      'const client = new OSS({',
      "  region: 'oss-cn-hangzhou',",
      "  // Placeholders: refreshSTSToken supplies the chain's credentials before every request.",
      "  accessKeyId: 'chain', accessKeySecret: 'chain', stsToken: 'chain',",
      '  refreshSTSTokenInterval: 0,',
      '  refreshSTSToken: async () => {',
      '    const c = await credential.getCredential();',
      '    return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, stsToken: c.securityToken };',
      '  },',
      "  bucket: 'b',",
      '});',
      '',
    ].join('\n'));
  });

  test('TypeScript Tea Config → credential: new Credential()', () => {
    const out = rewrite('typescript', (id, s) => `import * as $OpenApi from '@alicloud/openapi-client';\n\nconst config = new $OpenApi.Config({\n  accessKeyId: '${id}',\n  accessKeySecret: '${s}',\n});\n`);
    assert.equal(out, `import * as $OpenApi from '@alicloud/openapi-client';\nimport Credential from '@alicloud/credentials';\n\nconst config = new $OpenApi.Config({\n  credential: new Credential(),\n});\n`);
  });

  test('Java setters → setCredential(new com.aliyun.credentials.Client())', () => {
    const out = rewrite('java', (id, s) => `Config config = new Config()\n    .setAccessKeyId("${id}")\n    .setAccessKeySecret("${s}")\n    .setEndpoint("ecs.cn-hangzhou.aliyuncs.com");\n`);
    assert.equal(out, `Config config = new Config()\n    .setCredential(new com.aliyun.credentials.Client())\n    .setEndpoint("ecs.cn-hangzhou.aliyuncs.com");\n`);
  });

  test('Java OSSClientBuilder.build(endpoint, id, secret) → a CredentialsProvider over the chain', () => {
    const out = rewrite('java', (id, s) => `OSS ossClient = new OSSClientBuilder().build(endpoint, "${id}", "${s}");\n`);
    assert.ok(out);
    assert.match(out, /new OSSClientBuilder\(\)\.build\(endpoint, new com\.aliyun\.oss\.common\.auth\.CredentialsProvider\(\) \{/);
    assert.match(out, /chain\.getCredential\(\)/);
  });

  test('Go openapi.Config → Credential: credential from credentials.NewCredential(nil)', () => {
    const out = rewrite('go', (id, s) => `package main\n\nimport (\n\topenapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"\n\t"github.com/alibabacloud-go/tea/tea"\n)\n\nfunc client() {\n\tconfig := &openapi.Config{\n\t\tAccessKeyId:     tea.String("${id}"),\n\t\tAccessKeySecret: tea.String("${s}"),\n\t\tRegionId:        tea.String("cn-hangzhou"),\n\t}\n\t_ = config\n}\n`);
    assert.equal(out, `package main\n\nimport (\n\t"github.com/aliyun/credentials-go/credentials"\n\topenapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"\n\t"github.com/alibabacloud-go/tea/tea"\n)\n\nfunc client() {\n\t// The default credential chain: the instance role on ECS, refreshed by credentials-go.\n\tcredential, err := credentials.NewCredential(nil)\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\tconfig := &openapi.Config{\n\t\tCredential: credential,\n\t\tRegionId:        tea.String("cn-hangzhou"),\n\t}\n\t_ = config\n}\n`);
  });

  test('nothing recognisable: no rewrite offered', () => {
    assert.equal(rewrite('python', (id) => `KEY = '${id}'\n`), undefined);
    assert.equal(rewrite('yaml', (id) => `key: ${id}\n`), undefined);
  });
});
