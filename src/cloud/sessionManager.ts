/**
 * ECS Session Manager over the real SDK: the account switch (DescribeCloudAssistantSettings /
 * ModifyCloudAssistantSettings, SessionManagerConfig), StartTerminalSession, EndTerminalSession
 * and DescribeTerminalSessions, with the field names of the ECS API reference
 * (help.aliyun.com "StartTerminalSession", document_detail/365660; "DescribeTerminalSessions").
 * The WebSocketUrl (valid 10 minutes) and the SecurityToken are credentials: announced for
 * redaction at once and handed only to the bridge, over its private channel.
 */
import { loadEcsSdk } from './sdk';
import { announceSecret } from './secretValues';
import type { CloudSession } from './session';

export interface TerminalSessionTicket {
  sessionId: string;
  webSocketUrl: string;
  securityToken: string;
}

export interface TerminalConnectionInfo {
  status: string;
  closedReason?: string;
  failedDetail?: string;
}

export class SessionManagerApi {
  constructor(private readonly session: CloudSession) {}

  private client(regionId: string) {
    return { c: this.session.ecsClient(regionId), m: loadEcsSdk() };
  }

  async enabled(regionId: string): Promise<boolean> {
    const r = await this.session.call('ecs', 'DescribeCloudAssistantSettings', regionId, () => {
      const { c, m } = this.client(regionId);
      return c.describeCloudAssistantSettings(
        new m.DescribeCloudAssistantSettingsRequest({ regionId, settingType: ['SessionManagerConfig'] }),
      );
    });
    return r.body?.sessionManagerConfig?.sessionManagerEnabled === true;
  }

  /** Turns Session Manager on (or off) for the whole account (not one instance). */
  async setEnabled(regionId: string, enabled: boolean): Promise<void> {
    await this.session.call('ecs', 'ModifyCloudAssistantSettings', regionId, () => {
      const { c, m } = this.client(regionId);
      return c.modifyCloudAssistantSettings(
        new m.ModifyCloudAssistantSettingsRequest({
          regionId,
          settingType: 'SessionManagerConfig',
          sessionManagerConfig: new m.ModifyCloudAssistantSettingsRequestSessionManagerConfig({
            sessionManagerEnabled: enabled,
          }),
        }),
      );
    });
  }

  /** A session forwarding to `portNumber` of the instance (or of `targetServer`, a VPC address, through it). */
  async start(
    regionId: string,
    instanceId: string,
    portNumber: number,
    targetServer?: string,
  ): Promise<TerminalSessionTicket> {
    const r = await this.session.call('ecs', 'StartTerminalSession', regionId, () => {
      const { c, m } = this.client(regionId);
      return c.startTerminalSession(
        new m.StartTerminalSessionRequest({ regionId, instanceId: [instanceId], portNumber, targetServer }),
      );
    });
    const ticket = {
      sessionId: r.body?.sessionId ?? '',
      webSocketUrl: r.body?.webSocketUrl ?? '',
      securityToken: r.body?.securityToken ?? '',
    };
    announceSecret(ticket.securityToken, ticket.webSocketUrl);
    return ticket;
  }

  async end(regionId: string, sessionId: string): Promise<void> {
    await this.session.call('ecs', 'EndTerminalSession', regionId, () => {
      const { c, m } = this.client(regionId);
      return c.endTerminalSession(new m.EndTerminalSessionRequest({ regionId, sessionId }));
    });
  }

  /** The connections of one session, newest last. */
  async connections(regionId: string, sessionId: string): Promise<TerminalConnectionInfo[]> {
    const r = await this.session.call('ecs', 'DescribeTerminalSessions', regionId, () => {
      const { c, m } = this.client(regionId);
      return c.describeTerminalSessions(new m.DescribeTerminalSessionsRequest({ regionId, sessionId }));
    });
    const s = r.body?.sessions?.session?.find((x) => x.sessionId === sessionId);
    return (s?.connections?.connection ?? []).map((c) => ({
      status: c.status ?? '',
      closedReason: c.closedReason || undefined,
      failedDetail: c.failedDetail || undefined,
    }));
  }
}
