/**
 * ECS Cloud Assistant over the real SDK: is the agent there (DescribeCloudAssistantStatus), run a
 * script (RunCommand), and read what it did (DescribeInvocationResults). Field names and states
 * follow the ECS API reference; ErrorInfo strings are the service's own (English) and are shown
 * next to our explanation rather than translated.
 */
import { randomUUID } from 'node:crypto';
import { loadEcsSdk } from './sdk';
import type { CloudSession } from './session';

export interface AgentStatus {
  instanceId: string;
  /** CloudAssistantStatus "true": the agent is installed and has reported in recently. */
  running: boolean;
  /** Empty when the agent was never installed. */
  version: string;
  lastHeartbeat?: string;
  osType?: string;
}

export type ScriptType = 'RunShellScript' | 'RunPowerShellScript' | 'RunBatScript';

/** Every InvocationStatus the reference lists; the first four are not final. */
export type InvocationStatus =
  | 'Pending'
  | 'Scheduled'
  | 'Running'
  | 'Stopping'
  | 'Success'
  | 'Failed'
  | 'Error'
  | 'Timeout'
  | 'Invalid'
  | 'Aborted'
  | 'Cancelled'
  | 'Terminated';

export const FINAL_STATES: ReadonlySet<string> = new Set([
  'Success',
  'Failed',
  'Error',
  'Timeout',
  'Invalid',
  'Aborted',
  'Cancelled',
  'Terminated',
]);

export interface InvocationResult {
  invokeId: string;
  instanceId: string;
  status: InvocationStatus | string;
  exitCode?: number;
  /** Decoded from Base64. */
  output: string;
  errorCode?: string;
  errorInfo?: string;
  startTime?: string;
  finishedTime?: string;
}

/** Cloud Assistant's public command that registers a 60-second SSH public key. */
export const SEND_SSH_PUBLIC_KEY = 'ACS-ECS-SendSshPublicKey';

export class CloudAssistantApi {
  constructor(private readonly session: CloudSession) {}

  private client(regionId: string) {
    return { c: this.session.ecsClient(regionId), m: loadEcsSdk() };
  }

  async status(regionId: string, instanceId: string): Promise<AgentStatus> {
    const r = await this.session.call('ecs', 'DescribeCloudAssistantStatus', regionId, () => {
      const { c, m } = this.client(regionId);
      return c.describeCloudAssistantStatus(
        new m.DescribeCloudAssistantStatusRequest({ regionId, instanceId: [instanceId] }),
      );
    });
    const s = r.body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus?.find(
      (x) => x.instanceId === instanceId,
    );
    return {
      instanceId,
      running: s?.cloudAssistantStatus === 'true',
      version: s?.cloudAssistantVersion ?? '',
      lastHeartbeat: s?.lastHeartbeatTime || undefined,
      osType: s?.OSType || undefined,
    };
  }

  /**
   * RunCommand for one instance. It carries a ClientToken (RunCommand accepts one), so a request
   * that timed out is sent again without running the script twice.
   */
  async run(
    regionId: string,
    instanceId: string,
    spec: { type: ScriptType; content: string; name: string; timeoutSeconds?: number },
  ): Promise<{ invokeId: string; commandId: string }> {
    const clientToken = randomUUID();
    const r = await this.session.call(
      'ecs',
      'RunCommand',
      regionId,
      () => {
        const { c, m } = this.client(regionId);
        return c.runCommand(
          new m.RunCommandRequest({
            regionId,
            instanceId: [instanceId],
            type: spec.type,
            name: spec.name,
            timeout: spec.timeoutSeconds ?? 60,
            commandContent: Buffer.from(spec.content, 'utf8').toString('base64'),
            contentEncoding: 'Base64',
            keepCommand: false,
            clientToken,
          }),
        );
      },
      { idempotent: true },
    );
    return { invokeId: r.body?.invokeId ?? '', commandId: r.body?.commandId ?? '' };
  }

  /**
   * Registers an SSH public key for `username` on the instance for 60 seconds, through Cloud
   * Assistant's public command ACS-ECS-SendSshPublicKey (InvokeCommand with parameters username and
   * sshPublicKey; the instance needs the config_ecs_instance_connect plugin). authorized_keys is not
   * touched. Alibaba Cloud help: "Connect to a Linux instance by using the config_ecs_instance_connect
   * plug-in" and "Connect to an instance with a temporary key pair by using Session Manager CLI"
   * (help/en/ecs/user-guide/register-a-public-key-and-connect-to-an-instance-with-the-key-by-using-ali-instance-cli).
   */
  async sendSshPublicKey(
    regionId: string,
    instanceId: string,
    username: string,
    sshPublicKey: string,
  ): Promise<{ invokeId: string }> {
    const r = await this.session.call('ecs', 'InvokeCommand', regionId, () => {
      const { c, m } = this.client(regionId);
      return c.invokeCommand(
        new m.InvokeCommandRequest({
          regionId,
          instanceId: [instanceId],
          commandId: SEND_SSH_PUBLIC_KEY,
          parameters: { username, sshPublicKey },
        }),
      );
    });
    return { invokeId: r.body?.invokeId ?? '' };
  }

  async result(regionId: string, invokeId: string, instanceId: string): Promise<InvocationResult | undefined> {
    const r = await this.session.call('ecs', 'DescribeInvocationResults', regionId, () => {
      const { c, m } = this.client(regionId);
      return c.describeInvocationResults(
        new m.DescribeInvocationResultsRequest({ regionId, invokeId, instanceId, contentEncoding: 'Base64' }),
      );
    });
    const x = r.body?.invocation?.invocationResults?.invocationResult?.find((i) => i.instanceId === instanceId);
    if (!x) {
      return undefined;
    }
    return {
      invokeId,
      instanceId,
      status: x.invocationStatus ?? '',
      exitCode: x.exitCode,
      output: x.output ? Buffer.from(x.output, 'base64').toString('utf8') : '',
      errorCode: x.errorCode || undefined,
      errorInfo: x.errorInfo || undefined,
      startTime: x.startTime || undefined,
      finishedTime: x.finishedTime || undefined,
    };
  }
}
