// Export a role as Terraform and as an aliyun CLI script. The Terraform parses with HashiCorp's
// HCL parser (@cdktf/hcl2json, the Go parser compiled to WebAssembly); the script passes bash -n,
// and every call in it, read back from the script text, is sent to the sandbox over the wire with
// a real signature: after a tear-down the calls rebuild the role exactly, and a second run only
// meets "already exists".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import type { Cloud } from '../../src/cloud';
import { isCloudError, toCloudError } from '../../src/cloud/errors';
import { formatPolicy, ossReadWritePolicy } from '../../src/policy/builders';
import { DEMO } from '../../src/sandbox/seed/demo';
import {
  cliCalls,
  readRoleSnapshot,
  toCliScript,
  toTerraform,
  type CliCall,
  type RoleSnapshot,
} from '../../src/setup/exportRole';
import { applySetup, planSetup } from '../../src/setup/instanceRole';
import { applyTearDown, planTearDown } from '../../src/setup/tearDown';
import { useSandbox } from '../helpers/sandbox';

const REGIONS = [...DEMO.regions];
const ROLE = 'ExportedRole';
const POLICY = 'ExportedRolePolicy';

/** Shell words of one line: bare words and single-quoted strings with '\'' escapes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /\s*((?:'[^']*'|\\'|[^\s'\\]+)+)/y;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) && m[1]) {
    words.push(
      m[1].replace(/'([^']*)'|\\'/g, (_all, inner: string | undefined) => (inner !== undefined ? inner : "'")),
    );
  }
  return words;
}

/**
 * Parameters as the aliyun CLI reads its words (aliyun/aliyun-cli cli/parser.go): a word whose part
 * before the first `=` or `:` starts with `-` is a flag, with the rest as its value if there is
 * one; otherwise the next word that is not a flag is its value.
 */
function aliyunParams(words: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  let pending: string | undefined;
  for (const w of words) {
    const i = w.search(/[=:]/);
    const prefix = i < 0 ? w : w.slice(0, i);
    if (prefix.startsWith('-')) {
      pending = undefined;
      const name = prefix.replace(/^--?/, '');
      if (i >= 0 && i + 1 < w.length) {
        params[name] = w.slice(i + 1);
      } else {
        pending = name;
      }
    } else if (pending !== undefined) {
      params[pending] = w;
      pending = undefined;
    }
  }
  return params;
}

function callsInScript(script: string): CliCall[] {
  return script
    .split('\n')
    .filter((l) => l.startsWith('ensure aliyun '))
    .map((l) => {
      const [, , product, action, ...rest] = shellWords(l);
      return { product: product as CliCall['product'], action, params: aliyunParams(rest) };
    });
}

/** Sends one call as the CLI would: an RPC request signed by the SDK's own client. */
async function send(cloud: Cloud, call: CliCall): Promise<void> {
  const client = call.product === 'ram' ? cloud.session.ramClient() : cloud.session.ecsClient(call.params.RegionId);
  const params = new $OpenApiUtil.Params({
    action: call.action,
    version: call.product === 'ram' ? '2015-05-01' : '2014-05-26',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  try {
    const r = await (
      client as unknown as { callApi(p: unknown, q: unknown, rt: unknown): Promise<{ body?: Record<string, unknown> }> }
    ).callApi(params, new $OpenApiUtil.OpenApiRequest({ query: call.params }), new $dara.RuntimeOptions({}));
    // AttachInstanceRamRole answers 200 with per-instance results.
    const results = (
      r.body?.AttachInstanceRamRoleResults as
        { AttachInstanceRamRoleResult?: { Success?: boolean; Code?: string }[] } | undefined
    )?.AttachInstanceRamRoleResult;
    const failed = results?.find((x) => !x.Success);
    if (failed) {
      throw Object.assign(new Error(failed.Code), { code: failed.Code });
    }
  } catch (e) {
    throw toCloudError(e);
  }
}

describe('Export a role', () => {
  const t = useSandbox();

  it('as Terraform that HCL parses, and as a bash script whose calls rebuild the role', async () => {
    const c = t.cloud();
    await applySetup(
      c,
      await planSetup(c, {
        roleName: ROLE,
        roleDescription: 'Reads and writes "uploads" (${not interpolated})',
        policy: {
          kind: 'new',
          policyName: POLICY,
          document: formatPolicy(ossReadWritePolicy(DEMO.bucket, "it's/")),
          description: "O'Brien's uploads",
        },
        instance: { kind: 'existing', regionId: 'cn-hangzhou', instanceId: DEMO.vpcInstanceId },
      }),
    );
    await c.ram.attachPolicyToRole(ROLE, 'AliyunECSReadOnlyAccess', 'System');
    const snapshot = await readRoleSnapshot(c, ROLE, REGIONS);
    assert.deepEqual(snapshot.instances, [{ regionId: 'cn-hangzhou', instanceId: DEMO.vpcInstanceId }]);

    // Terraform: deterministic, parses, and says what the cloud holds.
    const tf = toTerraform(snapshot);
    assert.equal(toTerraform(await readRoleSnapshot(c, ROLE, REGIONS)), tf);
    const hcl = (await parseHcl('role.tf', tf)) as {
      resource: Record<string, Record<string, Record<string, string>[]>>;
    };
    const r = hcl.resource;
    assert.deepEqual(Object.keys(r).sort(), [
      'alicloud_ecs_ram_role_attachment',
      'alicloud_ram_policy',
      'alicloud_ram_role',
      'alicloud_ram_role_policy_attachment',
    ]);
    const role = r.alicloud_ram_role[ROLE][0];
    assert.equal(role.name, ROLE);
    // hcl2json shows template escapes as written; Terraform reads `$${` as a literal `${`.
    assert.equal(role.description, 'Reads and writes "uploads" ($${not interpolated})');
    assert.deepEqual(JSON.parse(role.document), JSON.parse(snapshot.trustPolicy));
    const policy = r.alicloud_ram_policy[POLICY][0];
    assert.equal(policy.policy_name, POLICY);
    assert.deepEqual(
      JSON.parse(policy.policy_document),
      JSON.parse(snapshot.policies.find((p) => p.policyName === POLICY)!.document!),
    );
    const attachments = Object.values(r.alicloud_ram_role_policy_attachment).map((a) => a[0]);
    assert.deepEqual(attachments.map((a) => [a.policy_name, a.policy_type]).sort(), [
      ['${alicloud_ram_policy.ExportedRolePolicy.policy_name}', 'Custom'],
      ['AliyunECSReadOnlyAccess', 'System'],
    ]);
    assert.ok(attachments.every((a) => a.role_name === `\${alicloud_ram_role.${ROLE}.name}`));
    const instance = Object.values(r.alicloud_ecs_ram_role_attachment)[0][0];
    assert.deepEqual(instance, {
      ram_role_name: `\${alicloud_ram_role.${ROLE}.name}`,
      instance_id: DEMO.vpcInstanceId,
    });

    // The script: valid bash, and the calls written in it are exactly the planned ones.
    const script = toCliScript(snapshot);
    assert.equal(toCliScript(await readRoleSnapshot(c, ROLE, REGIONS)), script);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'export-')), 'role.sh');
    fs.writeFileSync(file, script);
    const check = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    const calls = callsInScript(script);
    assert.deepEqual(calls, cliCalls(snapshot));
    assert.deepEqual(
      calls.map((x) => `${x.product}:${x.action}`),
      [
        'ram:CreateRole',
        'ram:CreatePolicy',
        'ram:AttachPolicyToRole',
        'ram:AttachPolicyToRole',
        'ecs:AttachInstanceRamRole',
      ],
    );

    // Tear the role down, replay the script's calls: the same role comes back.
    await applyTearDown(c, await planTearDown(c, ROLE, REGIONS));
    await assert.rejects(c.ram.getRole(ROLE), (e) => isCloudError(e, 'EntityNotExist.Role'));
    for (const call of calls) {
      await send(c, call);
    }
    const rebuilt = await readRoleSnapshot(c, ROLE, REGIONS);
    assert.deepEqual(
      {
        ...rebuilt,
        trustPolicy: JSON.parse(rebuilt.trustPolicy),
        policies: rebuilt.policies.map((p) => ({ ...p, document: p.document && JSON.parse(p.document) })),
      },
      {
        ...snapshot,
        trustPolicy: JSON.parse(snapshot.trustPolicy),
        policies: snapshot.policies.map((p) => ({ ...p, document: p.document && JSON.parse(p.document) })),
      },
    );

    // Running it again meets only what the script's ensure() skips, and changes nothing.
    for (const call of calls) {
      // ECS treats re-attaching the role an instance already has as a no-op.
      if (call.action === 'AttachInstanceRamRole') {
        await send(c, call);
        continue;
      }
      await assert.rejects(
        send(c, call),
        (e) => isCloudError(e, /^(EntityAlreadyExists\..*|InvalidRamRole\.Duplicate|.*RamRole\.Duplicate)$/),
        `${call.action} on a second run`,
      );
    }
    assert.deepEqual(await readRoleSnapshot(c, ROLE, REGIONS), rebuilt);
  });
});

describe('The aliyun CLI script', () => {
  it('passes each parameter as one --Key=value word: a description starting with -- adds no flag', () => {
    // Run by bash itself with a stand-in `aliyun` that records its argv, then read as the CLI reads it.
    const hostile = "--endpoint=attacker.example\n$(touch pwned) 'q' `touch pwned2`";
    const snapshot: RoleSnapshot = {
      roleName: 'R',
      description: hostile,
      trustPolicy: '{"Version":"1"}',
      instances: [],
      policies: [{ policyName: 'P', policyType: 'Custom', description: '--RoleName=Other', document: '{}' }],
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-argv-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(
      path.join(dir, 'bin', 'aliyun'),
      '#!/bin/sh\nprintf \'%s\\0\' "$@" >> "$ARGV_OUT"; printf \'\\n\\0\' >> "$ARGV_OUT"\n',
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(dir, 'role.sh'), toCliScript(snapshot));
    const out = path.join(dir, 'argv');
    const run = spawnSync('bash', ['role.sh'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${path.join(dir, 'bin')}${path.delimiter}${process.env.PATH}`, ARGV_OUT: out },
    });
    assert.equal(run.status, 0, run.stderr);
    const invocations = fs
      .readFileSync(out, 'utf8')
      .split('\n\0')
      .filter(Boolean)
      .map((a) => a.split('\0').slice(0, -1));
    const seen = invocations.map(([product, action, ...rest]) => ({ product, action, params: aliyunParams(rest) }));
    assert.deepEqual(seen, cliCalls(snapshot));
    assert.equal(seen[0].params.Description, hostile);
    assert.ok(seen.every((c) => !('endpoint' in c.params)));
    assert.ok(!fs.existsSync(path.join(dir, 'pwned')) && !fs.existsSync(path.join(dir, 'pwned2')));
  });
});
