// A change that gets no answer, in the real extension host: the extension does not send it again
// (it may have happened, and a second CreateRole or RunInstances could bill or fail twice) and says
// the outcome is unknown. The sandbox is told over its control route (with the run's token) to
// answer CreateRole after the client's timeout; its request log proves one call, and the role exists.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { ourExtension, sandboxControl, sandboxRequests, waitFor } from './helpers';
import type { HostTest } from './runner';

const ROLE = `E2eNoAnswer-${Date.now().toString(36)}`;
/** Past the SDK's socket idle timeout (the profile's connect timeout, 5 s): the client gives up first. */
const SLOW_MS = 7000;

const createRoleCalls = async () =>
  (await sandboxRequests()).filter((r) => r.service === 'ram' && r.action === 'CreateRole');

export const outcomeTests: HostTest[] = [
  {
    name: 'Create ECS Role with no answer in time: OutcomeUnknown, sent once, and the role did get made',
    async run() {
      const a = (await ourExtension().activate()) as ExtensionApi;
      if (a.services.profiles.active()?.source !== 'sandbox') {
        await a.services.profiles.select('sandbox:Sandbox');
      }
      const before = (await createRoleCalls()).length;
      const fault = await sandboxControl('faults', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'ram', action: 'CreateRole', kind: 'delay', delayMs: SLOW_MS, count: 1 }),
      });
      assert.equal(fault.status, 200);
      const seen: string[] = [];
      const original = a.services.log.error;
      a.services.log.error = (m: string) => {
        seen.push(m);
        original.call(a.services.log, m);
      };
      try {
        void vscode.commands.executeCommand('alibabaCloud.ram.createEcsRole', { roleName: ROLE, description: 'e2e' });
        const message = await waitFor(
          'the error of Create ECS Role',
          () => seen.find((m) => m.startsWith('alibabaCloud.ram.createEcsRole')),
          20_000,
        );
        assert.match(message, /\[OutcomeUnknown\]/);
        assert.match(message, /may or may not/);
        // The delayed request still completes on the sandbox; nothing else was sent.
        await waitFor(
          'the sandbox to answer the late CreateRole',
          async () => (await createRoleCalls()).length > before,
          15_000,
        );
        assert.equal((await createRoleCalls()).length - before, 1, 'CreateRole was sent exactly once');
        const { cloud } = await a.services.cloud();
        assert.equal((await cloud.ram.getRole(ROLE)).roleName, ROLE, 'the unanswered request took effect');
        await cloud.ram.deleteRole(ROLE);
      } finally {
        a.services.log.error = original;
        await sandboxControl('faults', { method: 'DELETE' });
        await vscode.commands.executeCommand('notifications.clearAll');
      }
    },
  },
];
