// Table of policy documents, valid and invalid, with the exact diagnostics each gets: severity,
// code and the text underlined. Every fix the linter offers is applied and must leave a document
// without that problem. Among them are the ECS documentation's three samples (the trust policy,
// OSS read-only and the PassRole sample, whose statement lost its "}").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lintPolicy, type PolicyKind } from '../../../src/policy/lint';
import type { RuleOptions } from '../../../src/policy/rules';

type Expected = [severity: string, code: string, underlined: string];
interface Case {
  name: string;
  text: string;
  kind?: PolicyKind;
  opts?: RuleOptions;
  expect: Expected[];
  fixed?: Expected[];
}

const perm = (...Statement: object[]) => JSON.stringify({ Version: '1', Statement }, null, 2);
const trust = (...Statement: object[]) => JSON.stringify({ Version: '1', Statement }, null, 2);
const ECS_TRUST = { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: ['ecs.aliyuncs.com'] } };

/** "Create and attach an instance RAM role" (API steps): the role's trust policy, as printed. */
const DOC_TRUST = `{
     "Statement": [
     {
         "Action": "sts:AssumeRole",
         "Effect": "Allow",
         "Principal": {
         "Service": [
         "ecs.aliyuncs.com"
         ]
         }
     }
     ],
     "Version": "1"
 }`;
/** The same page's permission policy: read-only OSS. */
const DOC_OSS_READ_ONLY = `{
     "Statement": [
         {
         "Action": [
             "oss:Get*",
             "oss:List*"
         ],
         "Effect": "Allow",
         "Resource": "*"
         }
     ],
     "Version": "1"
 }`;
/**
 * "Authorize a RAM user to manage an instance RAM role": the PassRole sample with its placeholder
 * action, spaces after "ecs:", and the first statement's "}" missing.
 */
const DOC_PASSROLE = `{
    "Version": "1",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ecs: [ECS RAM Action]",
                "ecs: CreateInstance",
                "ecs: AttachInstanceRamRole",
                "ecs: DetachInstanceRAMRole"
            ],
            "Resource": "*",
        {
            "Effect": "Allow",
            "Action": "ram:PassRole",
            "Resource": "*"
        }
    ]
}`;

const CASES: Case[] = [
  // --- the documentation's samples
  { name: 'doc: ECS trust policy', text: DOC_TRUST, kind: 'trust', opts: { ecsRole: true }, expect: [] },
  { name: 'doc: OSS read-only', text: DOC_OSS_READ_ONLY, expect: [] },
  {
    name: 'doc: PassRole sample (missing "}")',
    text: DOC_PASSROLE,
    expect: [
      ['error', 'action-format', '"ecs: [ECS RAM Action]"'],
      ['error', 'action-whitespace', '"ecs: CreateInstance"'],
      ['error', 'action-whitespace', '"ecs: AttachInstanceRamRole"'],
      ['error', 'action-whitespace', '"ecs: DetachInstanceRAMRole"'],
      ['error', 'json-missing-close-brace', '{'],
      ['warning', 'overbroad-pass-role', '"*"'],
    ],
    fixed: [
      ['error', 'action-format', '"ecs: [ECS RAM Action]"'],
      ['warning', 'overbroad-pass-role', '"*"'],
    ],
  },
  {
    name: 'an ecs: action with only an acs:oss: resource grants nothing',
    text: perm({
      Effect: 'Allow',
      Action: ['ecs:DescribeInstances', 'oss:GetObject'],
      Resource: 'acs:oss:*:*:demo-data/*',
    }),
    expect: [['warning', 'action-resource-service', '"ecs:DescribeInstances"']],
  },
  {
    name: 'valid: actions beside "*", their own service, or a service whose ARNs they use (sts on a RAM role)',
    text: perm(
      { Effect: 'Allow', Action: 'ecs:DescribeInstances', Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['ecs:StartInstance', 'oss:GetObject'],
        Resource: ['acs:ecs:*:*:instance/*', 'acs:oss:*:*:b/*'],
      },
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'acs:ram:*:123456789012:role/reader' },
    ),
    expect: [],
  },
  // --- valid documents
  {
    name: 'valid: one bucket read-write with prefix',
    text: perm(
      {
        Effect: 'Allow',
        Action: ['oss:ListObjects'],
        Resource: 'acs:oss:*:*:photos',
        Condition: { StringLike: { 'oss:Prefix': ['2024/*'] } },
      },
      { Effect: 'Allow', Action: ['oss:GetObject', 'oss:PutObject'], Resource: 'acs:oss:*:*:photos/2024/*' },
    ),
    expect: [],
  },
  {
    name: 'valid: PassRole on one role',
    text: perm({ Effect: 'Allow', Action: 'ram:PassRole', Resource: 'acs:ram::1234567890123456:role/EcsRoleForOss' }),
    expect: [],
  },
  {
    name: 'valid: ECS describe on every resource',
    text: perm({ Effect: 'Allow', Action: ['ecs:Describe*'], Resource: '*' }),
    expect: [],
  },
  {
    name: 'valid: Deny with NotAction',
    text: perm({ Effect: 'Deny', NotAction: ['oss:Get*'], Resource: 'acs:oss:*:*:logs/*' }),
    expect: [],
  },
  {
    name: 'valid: kms and log actions',
    text: perm({ Effect: 'Allow', Action: ['kms:Decrypt', 'log:PostLogStoreLogs', 'kms:SomethingNew'], Resource: '*' }),
    expect: [],
  },
  {
    name: 'valid: RAM trust principal',
    text: trust({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: ['acs:ram::1234567890123456:root'] } }),
    kind: 'trust',
    expect: [],
  },
  {
    name: 'valid: sts read',
    text: perm({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }),
    expect: [],
  },
  {
    name: 'valid: action names are case-insensitive',
    text: perm({ Effect: 'Allow', Action: 'ecs:DetachInstanceRAMRole', Resource: '*' }),
    expect: [],
  },
  // --- Version
  {
    name: 'Version missing',
    text: '{"Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}',
    expect: [['error', 'version-missing', '{']],
  },
  {
    name: 'Version as a number',
    text: '{"Version":1,"Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}',
    expect: [['error', 'version-invalid', '1']],
    fixed: [],
  },
  {
    name: 'Version from AWS',
    text: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}',
    expect: [['error', 'version-invalid', '"2012-10-17"']],
  },
  // --- Effect
  {
    name: 'Effect lower case',
    text: perm({ Effect: 'allow', Action: 'oss:GetObject', Resource: '*' }),
    expect: [['error', 'effect-invalid', '"allow"']],
    fixed: [],
  },
  {
    name: 'Effect Permit',
    text: perm({ Effect: 'Permit', Action: 'oss:GetObject', Resource: '*' }),
    expect: [['error', 'effect-invalid', '"Permit"']],
  },
  {
    name: 'Effect missing',
    text: '{"Version":"1","Statement":[{"Action":"oss:GetObject","Resource":"*"}]}',
    expect: [['error', 'effect-missing', '{']],
  },
  // --- actions
  {
    name: 'action without service',
    text: perm({ Effect: 'Allow', Action: 'GetObject', Resource: '*' }),
    expect: [['error', 'action-format', '"GetObject"']],
  },
  {
    name: 'unknown OSS action, near miss',
    text: perm({ Effect: 'Allow', Action: 'oss:GetObjekt', Resource: '*' }),
    expect: [['error', 'action-unknown-suggest', 'GetObjekt']],
    fixed: [],
  },
  {
    name: 'unknown ECS action, no near miss',
    text: perm({ Effect: 'Allow', Action: 'ecs:LaunchRocket', Resource: '*' }),
    expect: [['error', 'action-unknown', 'LaunchRocket']],
  },
  {
    name: 'unknown RAM action, near miss',
    text: perm({ Effect: 'Allow', Action: 'ram:PasRole', Resource: 'acs:ram::1234567890123456:role/r' }),
    expect: [['error', 'action-unknown-suggest', 'PasRole']],
    fixed: [],
  },
  {
    name: 'wildcard matching nothing',
    text: perm({ Effect: 'Allow', Action: 'oss:Fetch*', Resource: '*' }),
    expect: [['error', 'action-pattern-empty', 'Fetch*']],
  },
  {
    name: 'AWS service prefix',
    text: perm({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
    expect: [['warning', 'action-service-suspicious', 's3']],
  },
  // --- breadth
  {
    name: 'Action "*"',
    text: perm({ Effect: 'Allow', Action: '*', Resource: '*' }),
    expect: [['warning', 'overbroad-action', '"*"']],
  },
  {
    name: 'oss:* on every resource',
    text: perm({ Effect: 'Allow', Action: 'oss:*', Resource: '*' }),
    expect: [['warning', 'overbroad-service', '"oss:*"']],
  },
  {
    name: 'oss:* on one bucket is fine',
    text: perm({ Effect: 'Allow', Action: 'oss:*', Resource: ['acs:oss:*:*:b1', 'acs:oss:*:*:b1/*'] }),
    expect: [],
  },
  {
    name: 'Allow NotAction on every resource',
    text: perm({ Effect: 'Allow', NotAction: 'ram:*', Resource: '*' }),
    expect: [['warning', 'overbroad-not-action', '"NotAction"']],
  },
  {
    name: 'Deny "*" is not over-broad',
    text: perm({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { NotIpAddress: { 'acs:SourceIp': '10.0.0.0/8' } },
    }),
    expect: [],
  },
  // --- ARNs
  {
    name: 'OSS ARN with placeholder',
    text: perm({ Effect: 'Allow', Action: 'oss:GetObject', Resource: 'acs:oss:*:*:<bucket>/*' }),
    expect: [['error', 'resource-placeholder', '"acs:oss:*:*:<bucket>/*"']],
  },
  {
    name: 'RAM ARN with placeholder uid',
    text: perm({ Effect: 'Allow', Action: 'ram:PassRole', Resource: 'acs:ram::<uid>:role/<name>' }),
    expect: [['error', 'resource-placeholder', '"acs:ram::<uid>:role/<name>"']],
  },
  {
    name: 'RAM ARN with a region',
    text: perm({ Effect: 'Allow', Action: 'ram:GetRole', Resource: 'acs:ram:cn-hangzhou:1234567890123456:role/r' }),
    expect: [['error', 'resource-ram-region', '"acs:ram:cn-hangzhou:1234567890123456:role/r"']],
    fixed: [],
  },
  {
    name: 'RAM ARN of no known type',
    text: perm({ Effect: 'Allow', Action: 'ram:GetRole', Resource: 'acs:ram::1234567890123456:roles/r' }),
    expect: [['warning', 'resource-ram-type', '"acs:ram::1234567890123456:roles/r"']],
  },
  {
    name: 'account name instead of id',
    text: perm({ Effect: 'Allow', Action: 'oss:GetObject', Resource: 'acs:oss:*:mycompany:bkt/*' }),
    expect: [['error', 'resource-account', '"acs:oss:*:mycompany:bkt/*"']],
  },
  {
    name: 'OSS ARN with a leading slash',
    text: perm({ Effect: 'Allow', Action: 'oss:GetObject', Resource: 'acs:oss:*:*:/bkt/key' }),
    expect: [['error', 'resource-oss-bucket', '"acs:oss:*:*:/bkt/key"']],
  },
  {
    name: 'OSS bucket in upper case',
    text: perm({ Effect: 'Allow', Action: 'oss:GetObject', Resource: 'acs:oss:*:*:My_Bucket/*' }),
    expect: [['error', 'resource-oss-bucket', '"acs:oss:*:*:My_Bucket/*"']],
  },
  {
    name: 'OSS ARN too short',
    text: perm({ Effect: 'Allow', Action: 'oss:GetObject', Resource: 'acs:oss:*:*' }),
    expect: [['warning', 'resource-arn-shape', '"acs:oss:*:*"']],
  },
  {
    name: 'S3 ARN',
    text: perm({ Effect: 'Allow', Action: 'oss:GetObject', Resource: 'arn:aws:s3:::bkt/*' }),
    expect: [['error', 'resource-format', '"arn:aws:s3:::bkt/*"']],
  },
  // --- ListObjects pitfall
  {
    name: 'ListObjects on bucket/*',
    text: perm({ Effect: 'Allow', Action: ['oss:ListObjects', 'oss:GetObject'], Resource: 'acs:oss:*:*:photos/*' }),
    expect: [['warning', 'list-objects-on-objects', '"acs:oss:*:*:photos/*"']],
    fixed: [],
  },
  {
    name: 'ListObjects on bucket/prefix*',
    text: perm({ Effect: 'Allow', Action: 'oss:ListObjects', Resource: 'acs:oss:*:*:photos/2024/*' }),
    expect: [['warning', 'list-objects-on-objects', '"acs:oss:*:*:photos/2024/*"']],
    fixed: [],
  },
  {
    name: 'ListObjects on the bucket is fine',
    text: perm({
      Effect: 'Allow',
      Action: 'oss:ListObjects',
      Resource: ['acs:oss:*:*:photos', 'acs:oss:*:*:photos/*'],
    }),
    expect: [],
  },
  // --- duplicates
  {
    name: 'duplicate statement',
    text: perm(
      { Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' },
      { Effect: 'Allow', Action: ['oss:GetObject'], Resource: ['*'] },
    ),
    expect: [
      [
        'warning',
        'statement-duplicate',
        '{\n      "Effect": "Allow",\n      "Action": [\n        "oss:GetObject"\n      ],\n      "Resource": [\n        "*"\n      ]\n    }',
      ],
    ],
    fixed: [],
  },
  // --- trust policies
  {
    name: 'ECS role trusting only a RAM user',
    text: trust({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: ['acs:ram::1234567890123456:root'] } }),
    kind: 'trust',
    opts: { ecsRole: true },
    expect: [['error', 'trust-not-ecs', '"Statement"']],
    fixed: [],
  },
  {
    name: 'ECS role trust without sts:AssumeRole',
    text: trust({ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Principal: { Service: ['ecs.aliyuncs.com'] } }),
    kind: 'trust',
    opts: { ecsRole: true },
    expect: [
      ['error', 'trust-not-ecs', '"Statement"'],
      ['warning', 'trust-action', '"sts:GetCallerIdentity"'],
    ],
    fixed: [['warning', 'trust-action', '"sts:GetCallerIdentity"']],
  },
  {
    name: 'trust policy that only denies',
    text: trust({ Effect: 'Deny', Action: 'sts:AssumeRole', Principal: { Service: ['ecs.aliyuncs.com'] } }),
    kind: 'trust',
    expect: [['error', 'trust-no-assume-role', '"Statement"']],
  },
  {
    name: 'ECS trust with a typo in the service',
    text: trust({ ...ECS_TRUST, Principal: { Service: ['ecs.aliyun.com'] } }),
    kind: 'trust',
    expect: [['warning', 'principal-service-format', '"ecs.aliyun.com"']],
  },
  // --- size and syntax
  {
    name: 'over 6144 characters',
    text: perm({
      Effect: 'Allow',
      Action: 'oss:GetObject',
      Resource: Array.from({ length: 300 }, (_, i) => `acs:oss:*:*:bucket-${i}/*`),
    }),
    expect: [['error', 'document-too-large', '']],
  },
  {
    name: 'over 6144 characters only with whitespace',
    text: perm({
      Effect: 'Allow',
      Action: 'oss:GetObject',
      Resource: Array.from({ length: 200 }, (_, i) => `acs:oss:*:*:bucket-${i}/*`),
    }),
    expect: [
      ['error', 'document-too-large', ''],
      ['info', 'document-minified-fits', ''],
    ],
  },
  {
    name: 'trailing comma',
    text: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"},]}',
    expect: [['error', 'json-trailing-comma', ',']],
    fixed: [],
  },
  {
    name: 'last statement without "}"',
    text: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"]}',
    expect: [['error', 'json-missing-close-brace-end', ']']],
    fixed: [],
  },
];

const view = (text: string, kind: PolicyKind, opts: RuleOptions = {}) =>
  lintPolicy(text, kind, opts).map((d): Expected => {
    // The size diagnostic underlines everything past the limit; name it by its start only.
    const under =
      d.code === 'document-too-large' || d.code === 'document-minified-fits'
        ? ''
        : text.slice(d.offset, d.offset + d.length);
    return [d.severity, d.code, under];
  });

describe('policy diagnostics: table of documents', () => {
  it('has at least 40 documents', () => assert.ok(CASES.length >= 40, String(CASES.length)));
  for (const c of CASES) {
    it(c.name, () => {
      const kind = c.kind ?? 'permission';
      assert.deepEqual(view(c.text, kind, c.opts), c.expect);
      if (!c.fixed) {
        return;
      }
      // Apply every fix, last first, as the editor's "fix all" does.
      let text = c.text;
      const fixes = lintPolicy(text, kind, c.opts)
        .flatMap((d) => (d.fix ? [d.fix] : []))
        .sort((a, b) => b.offset - a.offset);
      assert.ok(fixes.length > 0, 'expected a fix');
      for (const f of fixes) {
        text = text.slice(0, f.offset) + f.text + text.slice(f.offset + f.length);
      }
      assert.deepEqual(view(text, kind, c.opts), c.fixed);
    });
  }
});

describe('policy diagnostics: what the fixes write', () => {
  const apply = (text: string, kind: PolicyKind = 'permission', opts: RuleOptions = {}) => {
    const fixes = lintPolicy(text, kind, opts)
      .flatMap((d) => (d.fix ? [d.fix] : []))
      .sort((a, b) => b.offset - a.offset);
    for (const f of fixes) {
      text = text.slice(0, f.offset) + f.text + text.slice(f.offset + f.length);
    }
    return JSON.parse(text) as { Statement: object[] };
  };

  it('the PassRole sample gets its "}" back before the comma', () => {
    const fixed = apply(DOC_PASSROLE);
    assert.equal(fixed.Statement.length, 2);
    assert.deepEqual(fixed.Statement[1], { Effect: 'Allow', Action: 'ram:PassRole', Resource: '*' });
  });

  it('ListObjects moves to the bucket with the prefix as oss:Prefix; other actions keep the objects', () => {
    const text = perm({
      Effect: 'Allow',
      Action: ['oss:ListObjects', 'oss:GetObject'],
      Resource: 'acs:oss:*:*:photos/2024/*',
    });
    assert.deepEqual(apply(text).Statement, [
      { Effect: 'Allow', Action: ['oss:GetObject'], Resource: 'acs:oss:*:*:photos/2024/*' },
      {
        Effect: 'Allow',
        Action: ['oss:ListObjects'],
        Resource: ['acs:oss:*:*:photos'],
        Condition: { StringLike: { 'oss:Prefix': ['2024/*'] } },
      },
    ]);
  });

  it('an ECS role keeps whom it trusts and gains ECS', () => {
    const text = trust({
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { RAM: ['acs:ram::1234567890123456:root'] },
    });
    assert.deepEqual(apply(text, 'trust', { ecsRole: true }).Statement, [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: ['acs:ram::1234567890123456:root'] } },
      ECS_TRUST,
    ]);
  });

  it('a duplicate is removed with its comma', () => {
    const text = perm(
      { Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' },
      { Effect: 'Allow', Action: 'oss:GetObject', Resource: '*' },
      { Effect: 'Deny', Action: 'oss:PutObject', Resource: '*' },
    );
    assert.equal(apply(text).Statement.length, 2);
  });
});
