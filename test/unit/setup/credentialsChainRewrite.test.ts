// "Use the credentials chain" rewrites: each documented construction with pasted keys becomes the
// same construction over the default credential chain; the keys are gone and nothing else moves.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scanText } from '../../../src/setup/accessKeyScan';
import { applyEdits, credentialsChainEdits } from '../../../src/setup/credentialsChainRewrite';
import { fakeAccessKeyId, fakeAccessKeySecret } from '../../helpers/fakeKeys';

/** The chain's instance-role step in hardened mode (no IMDSv1 fallback), as @alicloud/credentials reads it. */
const HARDENED =
  "process.env.ALIBABA_CLOUD_IMDSV1_DISABLED = process.env.ALIBABA_CLOUD_IMDSV1_DISABLED || 'true'; // instance role: metadata token required, no IMDSv1 fallback";
/** The same for Python: before any import (alibabacloud_credentials reads it when first imported). */
const PY_HARDENED =
  "import os\nos.environ.setdefault('ALIBABA_CLOUD_IMDSV1_DISABLED', 'true')  # instance role: metadata token required, no IMDSv1 fallback\n";
/** And for Go: before credentials.NewCredential builds the chain. */
const GO_HARDENED =
  '\t// The default credential chain: the instance role on ECS, refreshed by credentials-go,\n\t// through a metadata token only (no fallback to IMDSv1).\n\tif os.Getenv("ALIBABA_CLOUD_IMDSV1_DISABLED") == "" {\n\t\tos.Setenv("ALIBABA_CLOUD_IMDSV1_DISABLED", "true")\n\t}\n';

function rewrite(languageId: string, make: (id: string, secret: string) => string): string | undefined {
  const id = fakeAccessKeyId();
  const secret = fakeAccessKeySecret();
  const text = make(id, secret);
  const finding = scanText(text).find((f) => f.kind === 'accessKeyId');
  assert.ok(finding, 'the scanner finds the id');
  const r = credentialsChainEdits(languageId, text, finding.offset);
  if (!r) {
    return undefined;
  }
  const out = applyEdits(text, r.edits);
  assert.ok(!out.includes(id) && !out.includes(secret), 'no key left');
  assert.deepEqual(scanText(out), [], 'the rewritten file is clean');
  return out;
}

describe('credentials chain rewrite', () => {
  test('Python oss2.Auth → ProviderAuth over alibabacloud_credentials', () => {
    const out = rewrite(
      'python',
      (id, s) =>
        `import oss2\n\nauth = oss2.Auth('${id}', '${s}')\nbucket = oss2.Bucket(auth, 'https://oss-cn-hangzhou.aliyuncs.com', 'b')\n`,
    );
    assert.ok(out);
    assert.ok(
      out.startsWith(
        `${PY_HARDENED}import oss2\n\nfrom alibabacloud_credentials.client import Client as CredentialClient\n`,
      ),
      out,
    );
    assert.match(out, /auth = oss2\.ProviderAuth\(CredentialProviderWrapper\(CredentialClient\(\)\)\)\nbucket = /);
    assert.match(
      out,
      /class CredentialProviderWrapper\(CredentialsProvider\):[\s\S]*c = self\.client\.get_credential\(\)/,
    );
  });

  test('Python Tea Config keywords → credential=', () => {
    const out = rewrite(
      'python',
      (id, s) =>
        `from alibabacloud_tea_openapi import models as open_api_models\n\nconfig = open_api_models.Config(\n    access_key_id='${id}',\n    access_key_secret='${s}',\n    region_id='cn-hangzhou',\n)\n`,
    );
    assert.equal(
      out,
      // alibabacloud_tea_openapi imports alibabacloud_credentials itself: the setting goes before it.
      `${PY_HARDENED}from alibabacloud_tea_openapi import models as open_api_models\nfrom alibabacloud_credentials.client import Client as CredentialClient\n\nconfig = open_api_models.Config(\n    credential=CredentialClient(),\n    region_id='cn-hangzhou',\n)\n`,
    );
  });

  test('Node ali-oss → refreshSTSToken over @alicloud/credentials', () => {
    const out = rewrite(
      'javascript',
      (id, s) =>
        `const OSS = require('ali-oss');\n\nconst client = new OSS({\n  region: 'oss-cn-hangzhou',\n  accessKeyId: '${id}',\n  accessKeySecret: '${s}',\n  bucket: 'b',\n});\n`,
    );
    assert.equal(
      out,
      [
        "const OSS = require('ali-oss');",
        "const Credential = require('@alicloud/credentials').default;",
        HARDENED,
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
      ].join('\n'),
    );
  });

  test('TypeScript Tea Config → credential: new Credential()', () => {
    const out = rewrite(
      'typescript',
      (id, s) =>
        `import * as $OpenApi from '@alicloud/openapi-client';\n\nconst config = new $OpenApi.Config({\n  accessKeyId: '${id}',\n  accessKeySecret: '${s}',\n});\n`,
    );
    assert.equal(
      out,
      `import * as $OpenApi from '@alicloud/openapi-client';\nimport Credential from '@alicloud/credentials';\n${HARDENED}\n\nconst config = new $OpenApi.Config({\n  credential: new Credential(),\n});\n`,
    );
  });

  test('Java setters → setCredential(new com.aliyun.credentials.Client())', () => {
    const out = rewrite(
      'java',
      (id, s) =>
        `Config config = new Config()\n    .setAccessKeyId("${id}")\n    .setAccessKeySecret("${s}")\n    .setEndpoint("ecs.cn-hangzhou.aliyuncs.com");\n`,
    );
    assert.equal(
      out,
      `Config config = new Config()\n    .setCredential(new com.aliyun.credentials.Client())\n    .setEndpoint("ecs.cn-hangzhou.aliyuncs.com");\n`,
    );
  });

  test('Java OSSClientBuilder.build(endpoint, id, secret) → a CredentialsProvider over the chain', () => {
    const out = rewrite(
      'java',
      (id, s) => `OSS ossClient = new OSSClientBuilder().build(endpoint, "${id}", "${s}");\n`,
    );
    assert.ok(out);
    assert.match(
      out,
      /new OSSClientBuilder\(\)\.build\(endpoint, new com\.aliyun\.oss\.common\.auth\.CredentialsProvider\(\) \{/,
    );
    assert.match(out, /chain\.getCredential\(\)/);
  });

  test('Go openapi.Config → Credential: credential from credentials.NewCredential(nil)', () => {
    const out = rewrite(
      'go',
      (id, s) =>
        `package main\n\nimport (\n\topenapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"\n\t"github.com/alibabacloud-go/tea/tea"\n)\n\nfunc client() {\n\tconfig := &openapi.Config{\n\t\tAccessKeyId:     tea.String("${id}"),\n\t\tAccessKeySecret: tea.String("${s}"),\n\t\tRegionId:        tea.String("cn-hangzhou"),\n\t}\n\t_ = config\n}\n`,
    );
    assert.equal(
      out,
      `package main\n\nimport (\n\t"github.com/aliyun/credentials-go/credentials"\n\t"os"\n\topenapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"\n\t"github.com/alibabacloud-go/tea/tea"\n)\n\nfunc client() {\n${GO_HARDENED}\tcredential, err := credentials.NewCredential(nil)\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\tconfig := &openapi.Config{\n\t\tCredential: credential,\n\t\tRegionId:        tea.String("cn-hangzhou"),\n\t}\n\t_ = config\n}\n`,
    );
  });

  test('nothing recognisable: no rewrite offered', () => {
    assert.equal(
      rewrite('python', (id) => `KEY = '${id}'\n`),
      undefined,
    );
    assert.equal(
      rewrite('yaml', (id) => `key: ${id}\n`),
      undefined,
    );
  });
});

// One approach for every case (a bracket- and string-aware reading of the code): each of these
// failed before it (issue: wrong order without imports, NameError in Python, the wrong property,
// a split endpoint).
describe('credentials chain rewrite: placement, anchoring, arguments, refusal', () => {
  test('JavaScript without any require or import: Credential is declared before new Credential() uses it', () => {
    const out = rewrite(
      'javascript',
      (id, s) => `const client = new OSS({\n  accessKeyId: '${id}',\n  accessKeySecret: '${s}',\n});\n`,
    );
    assert.ok(out);
    const declared = out.indexOf("const Credential = require('@alicloud/credentials').default;");
    assert.ok(declared >= 0 && declared < out.indexOf('new Credential()'), out);
    assert.ok(out.indexOf(HARDENED) < out.indexOf('new Credential()'), 'hardened mode is set before the chain is made');
    // 'use strict' stays the first statement.
    const strict = rewrite(
      'javascript',
      (id, s) => `'use strict';\nconst config = new Config({ accessKeyId: '${id}', accessKeySecret: '${s}' });\n`,
    );
    assert.ok(strict?.startsWith("'use strict';\nconst Credential = require("), strict);
    assert.match(strict!, /new Config\(\{ credential: new Credential\(\) \}\)/);
  });

  test('Python: helpers go before the first use, not after an import that comes later', () => {
    const out = rewrite(
      'python',
      (id, s) =>
        `"""Uploads reports."""\nimport oss2\n\nauth = oss2.Auth('${id}', '${s}')\n\nimport os\nbucket = oss2.Bucket(auth, os.environ['ENDPOINT'], 'b')\n`,
    );
    assert.ok(out);
    assert.ok(
      out.startsWith(
        `"""Uploads reports."""\n${PY_HARDENED}import oss2\n\nfrom alibabacloud_credentials.client import Client as CredentialClient\n`,
      ),
      out,
    );
    assert.ok(
      out.indexOf('class CredentialProviderWrapper') < out.indexOf('auth = oss2.ProviderAuth('),
      'defined before use',
    );
    const tea = rewrite(
      'python',
      (id, s) =>
        `from x import (\n    a,\n    b,\n)\nconfig = Config(access_key_id='${id}', access_key_secret='${s}')\nimport late\n`,
    );
    assert.equal(
      tea,
      `${PY_HARDENED}from x import (\n    a,\n    b,\n)\nfrom alibabacloud_credentials.client import Client as CredentialClient\nconfig = Config(credential=CredentialClient())\nimport late\n`,
    );
  });

  test('hardened mode: Python after `from __future__`, set once; Go imports "os" once', () => {
    const py = rewrite(
      'python',
      (id, s) =>
        `from __future__ import annotations\nfrom alibabacloud_tea_openapi.models import Config\nconfig = Config(access_key_id='${id}', access_key_secret='${s}')\n`,
    );
    assert.ok(py?.startsWith(`from __future__ import annotations\n${PY_HARDENED}from alibabacloud_tea_openapi`), py);
    assert.equal(py!.split('ALIBABA_CLOUD_IMDSV1_DISABLED').length, 2, 'once');
    const go = rewrite(
      'go',
      (id, s) =>
        `package main\n\nimport (\n\t"os"\n\topenapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"\n)\n\nfunc client() {\n\tconfig := &openapi.Config{AccessKeyId: tea.String("${id}"), AccessKeySecret: tea.String("${s}"), Endpoint: tea.String(os.Getenv("E"))}\n\t_ = config\n}\n`,
    );
    assert.ok(
      go?.startsWith('package main\n\nimport (\n\t"github.com/aliyun/credentials-go/credentials"\n\t"os"\n\topenapi'),
      go,
    );
    assert.equal(go!.split('"os"').length, 2, 'one os import');
    assert.ok(go!.indexOf(GO_HARDENED) < go!.indexOf('credentials.NewCredential(nil)'), go);
  });

  test('anchored names: ramAccessKeyId is left alone, the accessKeyId holding the key is rewritten', () => {
    const out = rewrite(
      'javascript',
      (id, s) =>
        `const Credential = require('@alicloud/credentials').default;\nconst config = new Config({\n  ramAccessKeyId: 'not-a-key',\n  accessKeyId: '${id}',\n  accessKeySecret: '${s}',\n});\n`,
    );
    assert.ok(out);
    assert.match(out, /ramAccessKeyId: 'not-a-key',\n {2}credential: new Credential\(\),\n\}\);/);
    // A key held by another property than the ones replaced: not offered.
    assert.equal(
      rewrite(
        'javascript',
        (id) => `const c = new Config({ ramAccessKeyId: '${id}', accessKeyId: 'x', accessKeySecret: 'y' });\n`,
      ),
      undefined,
    );
  });

  test('Java: an endpoint argument with a comma inside a string or a call stays whole', () => {
    const out = rewrite(
      'java',
      (id, s) =>
        `OSS oss = new OSSClientBuilder().build(pick("https://oss-cn-hangzhou.aliyuncs.com", "a,b"), "${id}", "${s}");\n`,
    );
    assert.ok(out);
    assert.match(
      out,
      /\.build\(pick\("https:\/\/oss-cn-hangzhou\.aliyuncs\.com", "a,b"\), new com\.aliyun\.oss\.common\.auth\.CredentialsProvider\(\) \{/,
    );
    const plain = rewrite(
      'java',
      (id, s) => `OSS oss = new OSSClientBuilder().build("https://a,b", "${id}", "${s}");\n`,
    );
    assert.match(plain!, /\.build\("https:\/\/a,b", new com/);
  });

  test('what cannot be done safely is not offered', () => {
    // Unbalanced code; a literal outside a function in Go; an OSS client in the middle of an expression.
    assert.equal(
      rewrite('javascript', (id, s) => `const c = new Config({ accessKeyId: '${id}', accessKeySecret: '${s}' );\n`),
      undefined,
    );
    assert.equal(
      rewrite(
        'go',
        (id, s) =>
          `package main\n\nvar config = &openapi.Config{\n\tAccessKeyId: tea.String("${id}"),\n\tAccessKeySecret: tea.String("${s}"),\n}\n`,
      ),
      undefined,
    );
    assert.equal(
      rewrite(
        'javascript',
        (id, s) => `module.exports = {\n  client: new OSS({ accessKeyId: '${id}', accessKeySecret: '${s}' }),\n};\n`,
      ),
      undefined,
    );
  });

  test('the rewrite names the package to install', () => {
    const id = fakeAccessKeyId();
    const text = `import oss2\nauth = oss2.Auth('${id}', '${fakeAccessKeySecret()}')\n`;
    assert.equal(
      credentialsChainEdits('python', text, text.indexOf(id))?.install,
      'pip install alibabacloud_credentials',
    );
  });
});
