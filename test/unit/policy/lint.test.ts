import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  lintPolicy as lintAll,
  parsePolicy,
  policyErrors,
  LINT_MESSAGES,
  LINT_SEVERITY,
  MAX_POLICY_LENGTH,
  type Diagnostic,
  type LintCode,
  type PolicyKind,
} from '../../../src/policy/lint';
import { parseJson, toValue } from '../../../src/policy/json';
import {
  formatPolicy,
  ossReadOnlyBucketPolicy,
  ossReadOnlyPolicy,
  ossReadWritePolicy,
  passRolePolicy,
  roleArn,
  serviceTrustPolicy,
} from '../../../src/policy/builders';
import { SYSTEM_POLICIES } from '../../../src/sandbox/seed/systemPolicies';

// These suites write `"Action": "*"` as the neutral valid statement; the breadth warnings it earns
// are tested with the other meaning rules in policy-diagnostics.test.ts.
const lintPolicy = (text: string, kind: PolicyKind) =>
  lintAll(text, kind).filter((d) => !d.code.startsWith('overbroad-'));
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const only = (ds: Diagnostic[], code: LintCode) => {
  const hits = ds.filter((d) => d.code === code);
  assert.equal(hits.length, 1, `expected one ${code}, got ${JSON.stringify(ds, null, 1)}`);
  return hits[0];
};
const underlined = (text: string, d: Diagnostic) => text.slice(d.offset, d.offset + d.length);
const applyFix = (text: string, d: Diagnostic) => {
  assert.ok(d.fix, `${d.code} has no fix`);
  return text.slice(0, d.fix.offset) + d.fix.text + text.slice(d.fix.offset + d.fix.length);
};
const perm = (statement: object) => JSON.stringify({ Version: '1', Statement: [statement] });
const trust = (statement: object) => JSON.stringify({ Version: '1', Statement: [statement] });

/** As the Alibaba Cloud doc prints it: no comma between the two statements. */
const DOC_PASSROLE_SAMPLE =
  '{"Statement":[{"Effect":"Allow","Action":"ram:PassRole","Resource":"*"} {"Effect":"Allow","Action":["ecs:AttachInstanceRamRole"],"Resource":"*"}],"Version":"1"}';

describe('lint: builders and system policies are clean', () => {
  const arn = roleArn('1234567890123456', 'EcsRoleForOss');
  const permission = {
    ossReadOnlyPolicy: ossReadOnlyPolicy(),
    ossReadOnlyBucketPolicy: ossReadOnlyBucketPolicy('photos'),
    ossReadWritePolicy: ossReadWritePolicy('bkt'),
    ossReadWritePolicyPrefix: ossReadWritePolicy('bkt', 'logs/'),
    passRolePolicy: passRolePolicy(arn),
    passRolePolicyRun: passRolePolicy(arn, { includeRunInstances: true }),
    passRolePolicyOnly: passRolePolicy(arn, { includeEcsActions: false }),
    ...Object.fromEntries(SYSTEM_POLICIES.map((p) => [p.name, p.document])),
  };
  for (const [name, doc] of Object.entries(permission)) {
    it(`${name} lints clean and round-trips through parsePolicy`, () => {
      const text = formatPolicy(doc);
      assert.deepEqual(lintPolicy(text, 'permission'), []);
      assert.deepEqual(parsePolicy(text).document, doc);
    });
  }
  it('serviceTrustPolicy lints clean as a trust policy (default and another service)', () => {
    assert.deepEqual(lintPolicy(formatPolicy(serviceTrustPolicy()), 'trust'), []);
    assert.deepEqual(lintPolicy(formatPolicy(serviceTrustPolicy('fc.aliyuncs.com')), 'trust'), []);
  });
});

describe('lint: JSON syntax', () => {
  it("the doc's PassRole sample: missing comma between statements, at the right offset, with a fix", () => {
    const ds = lintPolicy(DOC_PASSROLE_SAMPLE, 'permission');
    assert.deepEqual(codes(ds), ['json-missing-comma-array']);
    const d = ds[0];
    assert.equal(d.severity, 'error');
    const expected = DOC_PASSROLE_SAMPLE.indexOf('} {') + 2;
    assert.equal(d.offset, expected);
    assert.equal(underlined(DOC_PASSROLE_SAMPLE, d), '{');
    // Same position JSON.parse reports.
    assert.throws(() => JSON.parse(DOC_PASSROLE_SAMPLE), new RegExp(`position ${expected}\\b`));
    const fixed = applyFix(DOC_PASSROLE_SAMPLE, d);
    assert.deepEqual(lintPolicy(fixed, 'permission'), []);
    assert.equal(JSON.parse(fixed).Statement.length, 2);
    assert.equal(parsePolicy(DOC_PASSROLE_SAMPLE).document, undefined);
  });

  it('the doc sample pretty-printed, with a trailing comma after the last statement', () => {
    const text = `{
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "ram:PassRole",
      "Resource": "*"
    }
    {
      "Effect": "Allow",
      "Action": ["ecs:AttachInstanceRamRole"],
      "Resource": "*"
    },
  ],
  "Version": "1"
}`;
    const ds = lintPolicy(text, 'permission');
    assert.deepEqual(codes(ds), ['json-missing-comma-array', 'json-trailing-comma']);
    assert.equal(ds[0].offset, text.indexOf('{', text.indexOf('}')));
    assert.equal(ds[1].offset, text.lastIndexOf('},') + 1);
    assert.equal(underlined(text, ds[1]), ',');
    assert.match(ds[1].message, /trailing comma.*"\]"/);
    assert.deepEqual(lintPolicy(applyFix(applyFix(text, ds[1]), ds[0]), 'permission'), []);
  });

  it('trailing comma in an object', () => {
    const text = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*",}]}';
    const d = only(lintPolicy(text, 'permission'), 'json-trailing-comma');
    assert.equal(d.offset, text.indexOf(',}'));
    assert.deepEqual(d.args, ['"}"']);
  });

  it('missing comma between properties', () => {
    const text = '{"Version":"1" "Statement":[]}';
    const d = only(lintPolicy(text, 'permission'), 'json-missing-comma-object');
    assert.equal(d.offset, text.indexOf('"Statement"'));
    assert.equal(d.fix?.offset, text.indexOf(' "Statement"'));
  });

  const fatal: [string, string, LintCode, string][] = [
    ['unclosed array', '{"Version":"1","Statement":[{"Effect":"Allow"}', 'json-unclosed', '['],
    ['unclosed object', '{"Version":"1"', 'json-unclosed', '{'],
    ['unterminated string', '{"Version":"1}', 'json-unterminated-string', '"1}'],
    ['string broken by a newline', '{"Version":"1\n}', 'json-unterminated-string', '"1'],
    ['missing colon', '{"Version" "1"}', 'json-expected-colon', '"'],
    ['bare word', '{"Version":"1","Statement":[{"Effect":Allow}]}', 'json-invalid-literal', 'Allow'],
    ['Python literal', '{"a":True}', 'json-invalid-literal', 'True'],
    ['bad number', '{"Version":01}', 'json-invalid-number', '01'],
    ['bad escape', '{"Version":"\\x"}', 'json-invalid-escape', '\\x'],
    ['garbage after a value', '{"Version":"1";}', 'json-expected-comma-object', ';'],
    ['garbage in an array', '["a" : "b"]', 'json-expected-comma-array', ':'],
    ['no property name', '{,}', 'json-expected-property', ','],
    ['truncated', '{"Version":', 'json-unexpected-end', ''],
  ];
  for (const [name, text, code, under] of fatal) {
    it(`${name} → ${code}`, () => {
      const ds = lintPolicy(text, 'permission');
      const d = ds.find((x) => x.code === code);
      assert.ok(d, JSON.stringify(ds));
      assert.equal(d.severity, 'error');
      assert.equal(underlined(text, d), under);
      assert.equal(parsePolicy(text).document, undefined);
    });
  }

  it('recoverable mistakes are all reported in one pass, each with a fix', () => {
    const text =
      '{\u201cVersion\u201d: "1"\uff0c "Statement": [{"Effect": "Allow", /* all */ "Action": "*", "Resource": "*"}]} // end';
    const ds = lintPolicy(text, 'permission');
    assert.deepEqual(codes(ds), [
      'json-smart-quotes',
      'json-smart-quotes',
      'json-fullwidth',
      'json-comment',
      'json-comment',
    ]);
    let fixed = text;
    for (const d of [...ds].reverse()) {
      fixed = applyFix(fixed, d);
    }
    assert.deepEqual(lintPolicy(fixed, 'permission'), []);
  });

  it('single quotes and unquoted keys', () => {
    const ds = lintPolicy(
      '{Version: \'1\', "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
      'permission',
    );
    assert.deepEqual(codes(ds), ['json-unquoted-key', 'json-single-quotes']);
  });

  it('empty document, non-object document, trailing content, odd whitespace, BOM', () => {
    assert.deepEqual(codes(lintPolicy('  \n', 'permission')), ['json-empty']);
    assert.deepEqual(codes(lintPolicy('[]', 'permission')), ['document-not-object']);
    const good = perm({ Effect: 'Allow', Action: '*', Resource: '*' });
    assert.deepEqual(codes(lintPolicy(`${good} {}`, 'permission')), ['json-trailing-content']);
    assert.deepEqual(codes(lintPolicy(`${good}\u00a0`, 'permission')), ['json-invalid-whitespace']);
    assert.deepEqual(lintPolicy(`\ufeff${good}`, 'permission'), []);
  });

  it('duplicate keys: warning on the later key; the last value wins like JSON.parse', () => {
    const text = '{"Version":"1","Statement":[{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}]}';
    const ds = lintPolicy(text, 'permission');
    const d = only(ds, 'json-duplicate-key');
    assert.equal(d.severity, 'warning');
    assert.equal(d.offset, text.lastIndexOf('"Effect"'));
    assert.deepEqual(parsePolicy(text).document, JSON.parse(text));
  });

  it('the offset parser agrees with JSON.parse on valid JSON', () => {
    const samples = [
      '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n\\"y"],"b":{"c":{}},"__proto__":1}',
      '[]',
      '"s"',
      '0',
      '{"k":"\u4e2d\u6587"}',
    ];
    for (const s of samples) {
      const { root, problems } = parseJson(s);
      assert.deepEqual(problems, []);
      assert.ok(root);
      assert.deepEqual(toValue(root), JSON.parse(s));
    }
  });
});

describe('lint: document structure', () => {
  it('Version', () => {
    assert.deepEqual(
      codes(lintPolicy('{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}', 'permission')),
      ['version-missing'],
    );
    const text = '{"Version":1,"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
    const d = only(lintPolicy(text, 'permission'), 'version-invalid');
    assert.equal(underlined(text, d), '1');
    assert.deepEqual(lintPolicy(applyFix(text, d), 'permission'), []);
    assert.deepEqual(
      codes(
        lintPolicy(
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
          'permission',
        ),
      ),
      ['version-invalid'],
    );
  });

  it('Statement: missing, not an array, empty, non-object items', () => {
    assert.deepEqual(codes(lintPolicy('{"Version":"1"}', 'permission')), ['statement-missing']);
    assert.deepEqual(
      codes(lintPolicy('{"Version":"1","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}', 'permission')),
      ['statement-not-array'],
    );
    assert.deepEqual(codes(lintPolicy('{"Version":"1","Statement":"x"}', 'permission')), ['statement-not-array']);
    assert.deepEqual(codes(lintPolicy('{"Version":"1","Statement":[]}', 'permission')), ['statement-empty']);
    assert.deepEqual(codes(lintPolicy('{"Version":"1","Statement":["x"]}', 'permission')), ['statement-not-object']);
  });

  it('element names: unknown and wrong case', () => {
    const text = '{"version":"1","Statement":[{"Sid":"x","effect":"Allow","Action":"*","Resource":"*"}],"Id":"p"}';
    const ds = lintPolicy(text, 'permission');
    assert.deepEqual(codes(ds), ['element-case', 'element-unknown', 'element-case', 'element-unknown']);
    // RAM's grammar (Policy structure and syntax) names no Sid or Id: an unknown element is an error.
    assert.deepEqual(
      ds.map((d) => d.severity),
      ['error', 'error', 'error', 'error'],
    );
    assert.equal(ds[0].message, 'Element names are case-sensitive: write "Version", not "version".');
    assert.equal(underlined(text, ds[1]), '"Sid"');
  });

  it('Effect', () => {
    assert.deepEqual(codes(lintPolicy(perm({ Action: '*', Resource: '*' }), 'permission')), ['effect-missing']);
    const text = perm({ Effect: 'allow', Action: '*', Resource: '*' });
    const d = only(lintPolicy(text, 'permission'), 'effect-invalid');
    assert.deepEqual(lintPolicy(applyFix(text, d), 'permission'), []);
    const ds = lintPolicy(perm({ Effect: 'Permit', Action: '*', Resource: '*' }), 'permission');
    assert.equal(only(ds, 'effect-invalid').fix, undefined);
  });

  it('Action / NotAction presence and value types', () => {
    assert.deepEqual(codes(lintPolicy(perm({ Effect: 'Allow', Resource: '*' }), 'permission')), ['action-missing']);
    assert.deepEqual(
      codes(lintPolicy(perm({ Effect: 'Allow', Action: '*', NotAction: 'ram:*', Resource: '*' }), 'permission')),
      ['action-both'],
    );
    assert.deepEqual(codes(lintPolicy(perm({ Effect: 'Allow', Action: [], Resource: '*' }), 'permission')), [
      'value-empty',
    ]);
    assert.deepEqual(
      codes(lintPolicy(perm({ Effect: 'Allow', Action: ['oss:GetObject', 3], Resource: '*' }), 'permission')),
      ['value-type'],
    );
    assert.deepEqual(lintPolicy(perm({ Effect: 'Deny', NotAction: ['oss:Get*'], Resource: '*' }), 'permission'), []);
  });

  it('action format and service prefixes', () => {
    const text = perm({
      Effect: 'Allow',
      Action: [
        'oss',
        'oss:',
        'ecs: CreateInstance',
        'ecs:[ECS RAM Action]',
        's3:GetObject',
        'ecss:DescribeInstances',
        'iot:Pub',
        'OSS:GetObject',
        'alikafka:*',
      ],
      Resource: '*',
    });
    const ds = lintPolicy(text, 'permission');
    assert.deepEqual(
      ds.map((d) => [d.severity, d.code, underlined(text, d)]),
      [
        ['error', 'action-format', '"oss"'],
        ['error', 'action-format', '"oss:"'],
        ['error', 'action-whitespace', '"ecs: CreateInstance"'],
        ['error', 'action-format', '"ecs:[ECS RAM Action]"'],
        ['warning', 'action-service-suspicious', 's3'],
        ['warning', 'action-service-suspicious', 'ecss'],
        ['info', 'action-service-unknown', 'iot'],
        ['info', 'action-service-unknown', 'alikafka'],
      ],
    );
    assert.equal(ds[4].message, 'Unknown service prefix "s3" in action "s3:GetObject"; did you mean "oss"?');
    assert.equal(ds[5].args[2], '"ecs"');
    assert.equal(ds[2].fix?.text, '"ecs:CreateInstance"');
  });

  it('Resource / NotResource', () => {
    assert.deepEqual(codes(lintPolicy(perm({ Effect: 'Allow', Action: '*' }), 'permission')), ['resource-missing']);
    assert.deepEqual(
      codes(
        lintPolicy(perm({ Effect: 'Allow', Action: '*', Resource: '*', NotResource: 'acs:oss:*:*:x' }), 'permission'),
      ),
      ['resource-both'],
    );
    const text = perm({
      Effect: 'Allow',
      Action: '*',
      Resource: [
        'arn:aws:s3:::bkt/*',
        'bkt/*',
        'acs:oss:*:*',
        'acs:oss:*:*:bkt/*',
        'ACS:ram::1:role/x',
        'acs:log:*:*:project/p/logstore/s',
      ],
    });
    const ds = lintPolicy(text, 'permission');
    assert.deepEqual(
      ds.map((d) => [d.code, underlined(text, d)]),
      [
        ['resource-format', '"arn:aws:s3:::bkt/*"'],
        ['resource-format', '"bkt/*"'],
        ['resource-arn-shape', '"acs:oss:*:*"'],
      ],
    );
    assert.deepEqual(codes(lintPolicy(perm({ Effect: 'Allow', Action: '*', Resource: '' }), 'permission')), [
      'resource-format',
    ]);
  });

  it('Principal in a permission policy is an error', () => {
    const ds = lintPolicy(
      perm({ Effect: 'Allow', Action: '*', Resource: '*', Principal: { Service: ['ecs.aliyuncs.com'] } }),
      'permission',
    );
    assert.deepEqual(
      ds.map((d) => [d.severity, d.code]),
      [['error', 'principal-in-permission']],
    );
  });

  it('actions of catalogued services: a misspelt or unknown one is an error with a fix, a wildcard must match something', () => {
    const text = perm({
      Effect: 'Allow',
      Action: ['oss:GetObjekt', 'OSS:getobject', 'oss:Get*', 'ecs:NoSuchThingAtAll', 'ram:PassRole', 'oss:Foo*'],
      Resource: '*',
      Principle: 'x',
    });
    const ds = lintPolicy(text, 'permission');
    assert.deepEqual(
      ds.map((d) => [d.severity, d.code]),
      [
        ['error', 'action-unknown-suggest'],
        ['error', 'action-unknown'],
        ['error', 'action-pattern-empty'],
        ['error', 'element-unknown'],
      ],
    );
    assert.equal(ds[0].message, '"oss:GetObjekt" is not an action of oss; did you mean "oss:GetObject"?');
    assert.equal(underlined(text, ds[0]), 'GetObjekt');
    assert.deepEqual(codes(lintPolicy(applyFix(text, ds[0]), 'permission')), [
      'action-unknown',
      'action-pattern-empty',
      'element-unknown',
    ]);
    // The blocking set is exactly the errors, whatever asks (editor, save, pre-API check).
    assert.deepEqual(
      policyErrors(text, 'permission'),
      ds.filter((d) => d.severity === 'error'),
    );
  });

  it('every diagnostic carries the one severity of its rule', () => {
    const samples = [
      perm({
        Effect: 'allow',
        Action: ['s3:GetObject', 'iot:Pub', 'oss:GetObjekt'],
        Resource: ['bkt', 'acs:oss'],
        Principal: '*',
        Condition: { stringequals: { x: 'y' } },
      }),
      '{"Version": 1, "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",}]}',
      JSON.stringify({
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: 'ecs:RunInstances', Principal: '*', Resource: '*' }],
      }),
    ];
    for (const t of samples) {
      for (const d of [...lintPolicy(t, 'permission'), ...lintPolicy(t, 'trust')]) {
        assert.equal(d.severity, LINT_SEVERITY[d.code], d.code);
      }
    }
    assert.deepEqual(Object.keys(LINT_SEVERITY).sort(), Object.keys(LINT_MESSAGES).sort());
  });

  it('document size limit', () => {
    const big = (pad: number) =>
      JSON.stringify({
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: [`acs:oss:*:*:${'b'.repeat(pad)}`] }],
      });
    const fits = big(MAX_POLICY_LENGTH - big(0).length);
    assert.equal(fits.length, MAX_POLICY_LENGTH);
    assert.deepEqual(lintPolicy(fits, 'permission'), []);
    const over = big(MAX_POLICY_LENGTH - big(0).length + 1);
    const d = only(lintPolicy(over, 'permission'), 'document-too-large');
    assert.equal(d.offset, MAX_POLICY_LENGTH);
    assert.equal(d.length, 1);
    assert.deepEqual(d.args, [String(MAX_POLICY_LENGTH + 1), String(MAX_POLICY_LENGTH)]);
    // Over as written but fine minified: also say so.
    const padded = big(100).replace('{', `{${' '.repeat(MAX_POLICY_LENGTH)}`);
    assert.ok(padded.length > MAX_POLICY_LENGTH);
    assert.deepEqual(codes(lintPolicy(padded, 'permission')), ['document-too-large', 'document-minified-fits']);
  });
});

describe('lint: conditions', () => {
  const withCond = (Condition: unknown) =>
    perm({ Effect: 'Allow', Action: 'oss:ListObjects', Resource: 'acs:oss:*:*:bkt', Condition });

  it('every supported operator with a sensible value is clean', () => {
    const Condition = {
      StringEquals: { 'acs:SourceVpc': 'vpc-1' },
      StringNotEquals: { 'acs:SourceVpc': ['vpc-2'] },
      StringEqualsIgnoreCase: { 'oss:Delimiter': '/' },
      StringNotEqualsIgnoreCase: { 'oss:Delimiter': '|' },
      StringLike: { 'oss:Prefix': 'logs/*' },
      StringNotLike: { 'oss:Prefix': 'secret/*' },
      NumericEquals: { 'oss:MaxKeys': 10 },
      NumericNotEquals: { 'oss:MaxKeys': '11' },
      NumericLessThan: { 'oss:MaxKeys': 100 },
      NumericLessThanEquals: { 'oss:MaxKeys': 100 },
      NumericGreaterThan: { 'oss:MaxKeys': 0 },
      NumericGreaterThanEquals: { 'oss:MaxKeys': 1 },
      DateEquals: { 'acs:CurrentTime': '2025-01-01T00:00:00Z' },
      DateNotEquals: { 'acs:CurrentTime': '2025-01-01T00:00:00+08:00' },
      DateLessThan: { 'acs:CurrentTime': '2030-01-01T00:00:00Z' },
      DateLessThanEquals: { 'acs:CurrentTime': '2030-01-01T00:00:00Z' },
      DateGreaterThan: { 'acs:CurrentTime': '2020-01-01T00:00:00Z' },
      DateGreaterThanEquals: { 'acs:CurrentTime': '1577836800' },
      Bool: { 'acs:SecureTransport': 'true', 'acs:MFAPresent': true },
      IpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '192.168.1.7', '2001:db8::/32'] },
      NotIpAddress: { 'acs:SourceIp': '203.0.113.0/24' },
    };
    assert.deepEqual(lintPolicy(withCond(Condition), 'permission'), []);
  });

  it('unknown operator, wrong case, bad shapes', () => {
    const text = withCond({ StringMatch: { 'acs:x': 'a' }, stringequals: { 'acs:y': 'b' }, Bool: 'true' });
    const ds = lintPolicy(text, 'permission');
    assert.deepEqual(
      ds.map((d) => [d.severity, d.code, underlined(text, d)]),
      [
        ['error', 'condition-operator-unknown', '"StringMatch"'],
        ['warning', 'condition-operator-case', '"stringequals"'],
        ['error', 'condition-keys-not-object', '"true"'],
      ],
    );
    assert.deepEqual(codes(lintPolicy(withCond(['x']), 'permission')), ['condition-not-object']);
    assert.deepEqual(codes(lintPolicy(withCond({ StringEquals: { SourceIp: 'a' } }), 'permission')), [
      'condition-key-format',
    ]);
    assert.deepEqual(codes(lintPolicy(withCond({ StringEquals: { 'acs:x': [] } }), 'permission')), ['value-empty']);
    assert.deepEqual(codes(lintPolicy(withCond({ StringEquals: { 'acs:x': [{ a: 1 }, null] } }), 'permission')), [
      'condition-value-type',
      'condition-value-type',
    ]);
  });

  it('values an operator can never match', () => {
    const text = withCond({
      IpAddress: { 'acs:SourceIp': ['10.0.0.0/33', '10.0.0.300', 'localhost'] },
      NumericLessThan: { 'oss:MaxKeys': 'ten' },
      DateLessThan: { 'acs:CurrentTime': 'tomorrow' },
      Bool: { 'acs:SecureTransport': 'yes' },
    });
    assert.deepEqual(codes(lintPolicy(text, 'permission')), [
      'condition-value-ip',
      'condition-value-ip',
      'condition-value-ip',
      'condition-value-number',
      'condition-value-date',
      'condition-value-bool',
    ]);
  });
});

describe('lint: trust policies', () => {
  it('Principal is required and must name Service/RAM/Federated', () => {
    assert.deepEqual(codes(lintPolicy(trust({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'trust')), [
      'principal-missing',
    ]);
    assert.deepEqual(codes(lintPolicy(trust({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: {} }), 'trust')), [
      'principal-invalid',
    ]);
    assert.deepEqual(
      codes(lintPolicy(trust({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: 'ecs.aliyuncs.com' }), 'trust')),
      ['principal-invalid'],
    );
    assert.deepEqual(
      codes(
        lintPolicy(
          trust({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Services: ['ecs.aliyuncs.com'] } }),
          'trust',
        ),
      ),
      ['principal-invalid', 'element-unknown'],
    );
    assert.deepEqual(
      codes(lintPolicy(trust({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: [] } }), 'trust')),
      ['value-empty'],
    );
  });

  it('RAM and Federated principals are fine; a wildcard is a warning; service names are checked', () => {
    assert.deepEqual(
      lintPolicy(
        trust({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: ['acs:ram::1234567890123456:root'] } }),
        'trust',
      ),
      [],
    );
    assert.deepEqual(
      lintPolicy(
        trust({
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithSAML',
          Principal: { Federated: ['acs:ram::1:saml-provider/idp'] },
          Condition: { StringEquals: { 'saml:recipient': 'https://signin.aliyun.com/saml-role/sso' } },
        }),
        'trust',
      ),
      [],
    );
    assert.deepEqual(codes(lintPolicy(trust({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: '*' }), 'trust')), [
      'principal-wildcard',
    ]);
    const text = trust({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { Service: ['ecs', 'ecs.amazonaws.com'] },
    });
    assert.deepEqual(
      lintPolicy(text, 'trust').map((d) => [d.code, underlined(text, d)]),
      [
        ['principal-service-format', '"ecs"'],
        ['principal-service-format', '"ecs.amazonaws.com"'],
      ],
    );
  });

  it('trust policies need no Resource (and warn if given) and should grant sts:AssumeRole', () => {
    const ds = lintPolicy(
      trust({
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'oss:GetObject'],
        Resource: '*',
        Principal: { Service: ['ecs.aliyuncs.com'] },
      }),
      'trust',
    );
    assert.deepEqual(
      ds.map((d) => [d.severity, d.code]),
      [
        ['warning', 'trust-action'],
        ['warning', 'trust-resource'],
      ],
    );
  });

  it('a trust policy linted as a permission policy (and vice versa) says so', () => {
    assert.deepEqual(codes(lintPolicy(formatPolicy(serviceTrustPolicy()), 'permission')), [
      'resource-missing',
      'principal-in-permission',
    ]);
    assert.deepEqual(codes(lintPolicy(formatPolicy(ossReadOnlyPolicy()), 'trust')), [
      'trust-no-assume-role',
      'principal-missing',
      'trust-action',
      'trust-action',
      'trust-resource',
    ]);
  });
});

describe('lint: messages', () => {
  it('every message is its template with the args filled in; every code has a template', () => {
    const texts = [
      DOC_PASSROLE_SAMPLE,
      '{"Version":1,"Statement":[{"effect":"x","Action":["s3:Get","bad"],"Resource":"x","Condition":{"Foo":{}}}]}',
    ];
    for (const t of texts) {
      for (const d of [...lintPolicy(t, 'permission'), ...lintPolicy(t, 'trust')]) {
        const template = LINT_MESSAGES[d.code];
        assert.ok(template, d.code);
        assert.equal(
          d.message,
          template.replace(/\{(\d+)\}/g, (_m, i: string) => d.args[Number(i)]),
        );
        assert.ok(d.offset >= 0 && d.offset + d.length <= t.length);
      }
    }
  });

  it('parsePolicy returns the document when there are only warnings', () => {
    const text = perm({ Effect: 'Allow', Action: ['iot:Pub', 's3:GetObject'], Resource: 'acs:oss' });
    const r = parsePolicy(text);
    assert.ok(r.diagnostics.length > 0);
    assert.ok(r.diagnostics.every((d) => d.severity !== 'error'));
    assert.deepEqual(r.document, JSON.parse(text));
  });
});
