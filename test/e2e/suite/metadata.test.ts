// Require Hardened Metadata Mode and its rollback in the real extension host, against the
// harness's sandbox: the probe runs through Cloud Assistant (nothing reads demo-worker-1's metadata
// there, so it is clean), the confirmation names account and profile, the switch and the
// post-check go over the wire, and Roll Back from the result is one ModifyInstanceMetadataOptions.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { sandboxRequests, waitFor, sandboxApi as api } from './helpers';
import type { HostTest } from './runner';

const WORKER = 'i-bp1sandboxvpc000002';
const REGION = 'cn-hangzhou';

const modifyCalls = async (from: number) =>
  (await sandboxRequests()).slice(from).filter((r) => r.action === 'ModifyInstanceMetadataOptions');

export const metadataTests: HostTest[] = [
  {
    name: 'Require Hardened Metadata Mode on demo-worker-1: probe, confirmation naming account and profile, switch, post-check, Roll Back from the result',
    timeoutMs: 90_000,
    async run() {
      const a = await api();
      const p = a.useScriptedPrompter();
      // confirm; the summary notice; the post-check notice → Roll Back.
      p.enqueue(true, 'ok', 'Roll Back');
      const from = (await sandboxRequests()).length;
      const r = (await vscode.commands.executeCommand('alibabaCloud.ecs.requireHardenedMetadata', {
        regionId: REGION,
        instanceIds: [WORKER],
        seconds: 1,
      })) as { switched: string[]; postChecks: Array<{ ok: boolean; summary: string }> };
      assert.deepEqual(r.switched, [WORKER]);
      assert.equal(r.postChecks[0].ok, true, r.postChecks[0].summary);
      assert.ok(
        p.asked.some((q) => /^confirm:Require hardened metadata mode on .+ in account \d+ \(profile /.test(q)),
        p.asked.join('\n'),
      );
      const actions = (await sandboxRequests()).slice(from).map((x) => x.action);
      assert.ok(actions.indexOf('RunCommand') < actions.indexOf('ModifyInstanceMetadataOptions'), 'probe first');
      await waitFor('the rollback call', async () => (await modifyCalls(from)).length === 2);
      assert.deepEqual(
        (await modifyCalls(from)).map((x) => x.status),
        [200, 200],
      );
    },
  },
];
