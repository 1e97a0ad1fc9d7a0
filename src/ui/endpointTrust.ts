/**
 * Hosts outside *.aliyuncs.com and loopback get requests, signatures and credentials only after the
 * user said yes once, in a modal naming the host. The answer is kept per machine (globalState,
 * keyed by host); a "no" holds for this session, so a tree refresh does not ask again.
 */
import * as vscode from 'vscode';
import type { Log } from './log';
import { VsCodePrompter, type Prompter } from './prompt';

const TRUSTED_KEY = 'alibabaCloud.trustedEndpointHosts';

export class EndpointTrust {
  /** Replaceable so in-host tests can answer the modal. */
  prompter: Prompter = new VsCodePrompter();
  private readonly declined = new Set<string>();
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {}

  isTrusted(host: string): boolean {
    return this.context.globalState.get<string[]>(TRUSTED_KEY, []).includes(host);
  }

  /**
   * Whether `host` may be used for `purpose`; asks once when `interactive`. Background work
   * (activation, timers) passes false and uses only hosts already trusted.
   */
  async allow(host: string, purpose: string, interactive = true): Promise<boolean> {
    if (this.isTrusted(host)) {
      return true;
    }
    if (!interactive || this.declined.has(host)) {
      return false;
    }
    let pending = this.asking.get(host);
    if (!pending) {
      pending = this.ask(host, purpose).finally(() => this.asking.delete(host));
      this.asking.set(host, pending);
    }
    return pending;
  }

  /** The hosts among `hosts` the user did not trust. */
  async refused(hosts: string[], purpose: string, interactive = true): Promise<Set<string>> {
    const out = new Set<string>();
    for (const h of hosts) {
      if (!(await this.allow(h, purpose, interactive))) {
        out.add(h);
      }
    }
    return out;
  }

  private async ask(host: string, purpose: string): Promise<boolean> {
    const ok = await this.prompter
      .confirm(
        vscode.l10n.t('Send Alibaba Cloud requests to {0}?', host),
        vscode.l10n.t(
          '{0} uses {1}, which is not an Alibaba Cloud (*.aliyuncs.com) or loopback address. Requests to it carry signatures made with your credentials, and what it answers is shown as your cloud. Allow it only if you run or trust this endpoint. The answer is remembered on this machine.',
          purpose,
          host,
        ),
        vscode.l10n.t('Trust {0}', host),
      )
      .catch(() => false);
    if (ok) {
      await this.context.globalState.update(TRUSTED_KEY, [
        ...this.context.globalState.get<string[]>(TRUSTED_KEY, []),
        host,
      ]);
      this.log.info(`settings: endpoint host ${host} trusted by the user`);
    } else {
      this.declined.add(host);
      this.log.warn(`settings: endpoint host ${host} not trusted; the settings that use it are ignored`);
    }
    return ok;
  }
}
