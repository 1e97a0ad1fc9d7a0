/**
 * The instance role, when VS Code runs on an ECS instance (Remote-SSH puts this extension in the
 * remote extension host, on the instance). Detects it — only where that makes sense — adds the
 * "Instance role" profile and makes it the default there, keeps its credentials fresh with a timer
 * ahead of expiry, and publishes a state the identity view and the status bar render (a live
 * countdown, refreshed every 30 s). Failures become a state with an explanation and a fix, never
 * a toast.
 */
import * as vscode from 'vscode';
import { serverClock } from '../cloud/clock';
import { checkEndpointUrl } from '../cloud/endpointPolicy';
import { DEFAULT_IMDS_URL } from '../cloud/imds';
import {
  decideProbe,
  detectInstance,
  instanceRoleTakeover,
  explainInstanceProblem,
  formatTimeLeft,
  instanceProfileConfig,
  nextRefreshDelay,
  readDmiProductName,
  resolveImdsEndpoint,
  sandboxProbeProblem,
  type InstanceProblem,
  type ProbeDecision,
  type ProbeSetting,
} from '../cloud/instance';
import type { EcsRamRoleProvider } from '../cloud/credentials';
import type { InstanceIdentity } from '../cloud/imds';
import type { Log } from '../ui/log';
import type { ProfileEntry, ProfileStore } from './profiles';
import type { Prompter } from '../ui/prompt';
import { describeError } from '../ui/errorFunnel';
import type { ProfileStatusBar } from './statusBar';
import { trustedSetting } from '../ui/trustedSettings';

export type InstanceState =
  /** Not probed, or nothing answered where no answer was expected: nothing to show. */
  | { kind: 'none'; decision?: ProbeDecision }
  | { kind: 'detecting'; baseUrl: string }
  | {
      kind: 'found';
      baseUrl: string;
      entryId: string;
      identity: InstanceIdentity;
      roleName: string;
      provider: EcsRamRoleProvider;
      usedInsecureFallback: boolean;
      /** The last background refresh failed (old credentials still in use while valid). */
      refreshError?: string;
    }
  | { kind: 'problem'; baseUrl: string; problem: InstanceProblem; identity?: InstanceIdentity };

/** 'state' rebuilds the view's instance node; 'tick' only re-renders it (countdown). */
export type InstanceChange = 'state' | 'tick';

const TICK_MS = 30_000;

/** What the service needs; it is itself one of the Services, so it cannot take them all. */
export interface InstanceIdentityDeps {
  context: vscode.ExtensionContext;
  log: Log;
  profiles: ProfileStore;
  /** The current prompter (in-host tests swap it for a scripted one). */
  prompt: () => Prompter;
}

export class InstanceIdentityService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<InstanceChange>();
  readonly onDidChange = this.changed.event;
  private current: InstanceState = { kind: 'none' };
  private pending?: Promise<InstanceState>;
  private tick?: NodeJS.Timeout;
  private refreshTimer?: NodeJS.Timeout;
  private providerSub?: { dispose(): void };
  private readonly disposables: vscode.Disposable[] = [];
  /** Instances whose role was offered in this session: a dismissed offer is not repeated on each detection. */
  private readonly offered = new Set<string>();
  /** See treatAsDefaultAddressForTests. */
  private defaultAddressForTests?: string;

  constructor(
    private readonly s: InstanceIdentityDeps,
    private readonly statusBar?: ProfileStatusBar,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.disposables.push(
      this.changed,
      s.profiles.onDidChange(() => {
        // Start Sandbox on a real instance: the real role found before is dropped at once.
        if (s.profiles.inSandboxMode && this.current.kind === 'found' && !isLoopbackUrl(this.current.baseUrl)) {
          void this.detect({ userInitiated: false, fresh: true });
        }
        this.updateStatusBar();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          e.affectsConfiguration('alibabaCloud.metadata') ||
          e.affectsConfiguration('alibabaCloud.oss.useInternalEndpointOnInstance')
        ) {
          void this.detect({ userInitiated: false, fresh: true });
        }
      }),
    );
  }

  get state(): InstanceState {
    return this.current;
  }

  /** Whether the extension runs in a remote (workspace) extension host, i.e. on the remote machine. */
  get runsRemotely(): boolean {
    return !!vscode.env.remoteName && this.s.context.extension.extensionKind === vscode.ExtensionKind.Workspace;
  }

  private settings() {
    const endpoint = resolveImdsEndpoint(trustedSetting<string>('metadata.endpoint', '', this.s.log), this.env);
    return {
      endpoint,
      allowInsecureFallback: trustedSetting<boolean>('metadata.allowInsecureFallback', false, this.s.log) === true,
      probe: trustedSetting<ProbeSetting>('metadata.probe', 'auto', this.s.log),
      useInternalOssEndpoint: trustedSetting<boolean>('oss.useInternalEndpointOnInstance', true, this.s.log) !== false,
    };
  }

  /**
   * Whether the configured metadata URL may be asked now: sandbox mode allows only loopback, a URL
   * must pass the endpoint policy, and a host outside Alibaba Cloud and loopback needs the user's
   * trust (asked only when the user runs a command). Returns the problem to show otherwise.
   */
  async mayProbe(userInitiated: boolean): Promise<{ ok: true } | { ok: false; problem: InstanceProblem }> {
    const url = this.settings().endpoint.url;
    const verdict = checkEndpointUrl(url, { field: 'metadata' });
    if (this.s.profiles.inSandboxMode && !(verdict.ok && verdict.loopback)) {
      return { ok: false, problem: sandboxProbeProblem(url) };
    }
    if (!verdict.ok) {
      this.s.log.warn(`instance: metadata endpoint not used: ${verdict.reason}`);
      return {
        ok: false,
        problem: {
          code: 'InvalidEndpoint',
          title: vscode.l10n.t('The metadata endpoint {0} is not used', url),
          explanation: verdict.reason,
          fix: vscode.l10n.t(
            'Correct alibabaCloud.metadata.endpoint in your user settings, or leave it empty on a real instance.',
          ),
        },
      };
    }
    if (
      verdict.needsTrust &&
      !(await this.s.profiles.endpointTrust.allow(
        verdict.host,
        vscode.l10n.t('The setting alibabaCloud.metadata.endpoint'),
        userInitiated,
      ))
    ) {
      return {
        ok: false,
        problem: {
          code: 'UntrustedEndpoint',
          title: vscode.l10n.t('The metadata endpoint {0} is not trusted', url),
          explanation: vscode.l10n.t(
            '{0} is neither the ECS metadata address nor a loopback address, and it was not confirmed as trusted.',
            verdict.host,
          ),
          fix: vscode.l10n.t(
            'Run "Alibaba Cloud: Detect Instance Role" and confirm the host, or correct alibabaCloud.metadata.endpoint.',
          ),
        },
      };
    }
    return { ok: true };
  }

  /** Facts for the diagnostics report's Environment section (no secrets). */
  environment(): Record<string, string | undefined> {
    const cfg = this.settings();
    return {
      [vscode.l10n.t('Extension host')]: this.runsRemotely
        ? vscode.l10n.t('remote ({0})', vscode.env.remoteName ?? '-')
        : vscode.l10n.t('local{0}', vscode.env.remoteName ? ` (window: ${vscode.env.remoteName})` : ''),
      [vscode.l10n.t('Platform')]: `${process.platform} ${process.arch}`,
      [vscode.l10n.t('DMI product name')]: process.platform === 'linux' ? (readDmiProductName() ?? '-') : undefined,
      [vscode.l10n.t('Probe setting')]: cfg.probe,
      [vscode.l10n.t('Endpoint source')]: cfg.endpoint.source,
      [vscode.l10n.t('Internal OSS endpoint')]: String(cfg.useInternalOssEndpoint),
    };
  }

  /** Called once after activation: probes in the background if this may be an instance. */
  start(): void {
    void this.detect({ userInitiated: false });
  }

  /**
   * Detects the instance role. Without `userInitiated` it probes only where it makes sense (see
   * decideProbe) and stays silent when nothing answers where nothing was expected.
   */
  detect(opts: { userInitiated: boolean; fresh?: boolean; quiet?: boolean }): Promise<InstanceState> {
    // A background detection joins one in flight; the user's (or one after a settings change)
    // runs after it, with the current settings and its own rules for what to show.
    if (this.pending && !opts.userInitiated && !opts.fresh) {
      return this.pending;
    }
    const before = this.pending ?? Promise.resolve(this.current);
    const p: Promise<InstanceState> = before
      .catch(() => undefined)
      .then(() => this.runDetect(opts.userInitiated, opts.quiet === true))
      .finally(() => {
        if (this.pending === p) {
          this.pending = undefined;
        }
      });
    this.pending = p;
    return p;
  }

  /**
   * `quiet`: a command that only needs the instance (Copy Instance Environment, …) reports a problem
   * in its own error; the problem does not stay in the identity view as if Detect had been asked.
   */
  private async runDetect(userInitiated: boolean, quiet: boolean): Promise<InstanceState> {
    const st = await this.detectOnce(userInitiated);
    if (quiet && st.kind === 'problem') {
      this.set({ kind: 'none' });
    }
    return st;
  }

  private async detectOnce(userInitiated: boolean): Promise<InstanceState> {
    const cfg = this.settings();
    const baseUrl = cfg.endpoint.url;
    const target = checkEndpointUrl(baseUrl, { field: 'metadata' });
    const decision = decideProbe({
      setting: cfg.probe,
      remote: this.runsRemotely,
      explicitEndpoint: cfg.endpoint.explicit,
      userInitiated,
      sandbox: this.s.profiles.inSandboxMode,
      endpointLoopback: target.ok && target.loopback,
    });
    const allowed = decision.probe ? await this.mayProbe(userInitiated) : undefined;
    if (!decision.probe || !allowed?.ok) {
      const problem =
        allowed && !allowed.ok
          ? allowed.problem
          : decision.reason === 'sandbox'
            ? sandboxProbeProblem(baseUrl)
            : undefined;
      this.s.log.info(`instance: not probing ${baseUrl} (${problem?.code ?? decision.reason})`);
      this.set(problem && decision.evidence ? { kind: 'problem', baseUrl, problem } : { kind: 'none', decision });
      if (this.s.profiles.instanceProfile) {
        this.s.profiles.setInstanceProfile(undefined);
      }
      return this.current;
    }
    this.s.log.info(`instance: probing ${baseUrl} (${decision.reason})`);
    const outcome = await detectInstance({
      baseUrl,
      allowInsecureFallback: cfg.allowInsecureFallback,
      providers: this.s.profiles.credentialProviders,
    });
    this.s.log.info(
      `instance: ${outcome.kind}${outcome.kind === 'found' ? '' : ` ${outcome.error.code}`} in ${outcome.elapsedMs} ms`,
    );
    switch (outcome.kind) {
      case 'found': {
        const entryId = `instance:${outcome.identity.instanceId}`;
        const config = instanceProfileConfig({
          identity: outcome.identity,
          roleName: outcome.roleName,
          imdsUrl: baseUrl,
          allowInsecureFallback: cfg.allowInsecureFallback,
          useInternalOssEndpoint: cfg.useInternalOssEndpoint,
          sandboxUrl: this.sandboxUrl(),
        });
        this.set({
          kind: 'found',
          baseUrl,
          entryId,
          identity: outcome.identity,
          roleName: outcome.roleName,
          provider: outcome.provider,
          usedInsecureFallback: outcome.usedInsecureFallback,
        });
        const defaultAddress = this.isDefaultAddress(baseUrl);
        const entry: ProfileEntry = {
          id: entryId,
          name: vscode.l10n.t('Instance role'),
          source: 'instance',
          regionId: outcome.identity.regionId,
          mode: 'EcsRamRole',
          supported: true,
          manualOnly: !defaultAddress,
        };
        this.s.profiles.setInstanceProfile({ entry, config });
        this.offerInstanceRole(entry, outcome.roleName, defaultAddress);
        break;
      }
      case 'unreachable':
        // On a remote host that is not an instance this is the normal answer: say nothing.
        this.set(
          decision.evidence
            ? {
                kind: 'problem',
                baseUrl,
                problem: explainInstanceProblem(outcome.error, {
                  baseUrl,
                  allowInsecureFallback: cfg.allowInsecureFallback,
                }),
              }
            : { kind: 'none', decision },
        );
        break;
      case 'failed':
        this.set({
          kind: 'problem',
          baseUrl,
          identity: outcome.identity,
          problem: explainInstanceProblem(outcome.error, {
            baseUrl,
            instanceId: outcome.identity?.instanceId,
            allowInsecureFallback: cfg.allowInsecureFallback,
          }),
        });
        break;
    }
    if (this.current.kind !== 'found' && this.s.profiles.instanceProfile) {
      this.s.profiles.setInstanceProfile(undefined);
    }
    return this.current;
  }

  /**
   * Takes `url` as the real metadata address (100.100.100.200, which tests cannot reach), so the
   * rules at the real address run against a sandbox IMDS; each call starts a new scenario (offers
   * may be made again). Reached only through the test API (extension.ts, test mode).
   */
  treatAsDefaultAddressForTests(url: string | undefined): void {
    this.defaultAddressForTests = url;
    this.offered.clear();
  }

  private isDefaultAddress(url: string): boolean {
    return url === DEFAULT_IMDS_URL || (!!this.defaultAddressForTests && url === this.defaultAddressForTests);
  }

  /**
   * At the real metadata address with a profile chosen elsewhere, the role is offered rather than
   * switched to: a notification, so nothing waits on the answer. "Keep" records the choice on
   * this instance, so it is not asked again here.
   */
  private offerInstanceRole(entry: ProfileEntry, roleName: string, defaultAddress: boolean): void {
    const { here, elsewhere } = this.s.profiles.chosen();
    if (
      instanceRoleTakeover({ defaultAddress, chosenHere: !!here, chosenElsewhere: !!elsewhere }) !== 'offer' ||
      !elsewhere ||
      this.offered.has(entry.id)
    ) {
      return;
    }
    this.offered.add(entry.id);
    const use = vscode.l10n.t('Use Instance Role');
    const keep = vscode.l10n.t('Keep "{0}"', elsewhere.name);
    const message = vscode.l10n.t(
      'This machine is an ECS instance with the RAM role {0}. Use the instance role instead of the profile "{1}"?',
      roleName,
      elsewhere.name,
    );
    this.s.log.info(`instance: offering the instance role (active profile: ${elsewhere.id})`);
    void this.s
      .prompt()
      .notify(message, [use, keep])
      .then(async (choice) => {
        if (choice === use) {
          await this.s.profiles.select(entry.id);
        }
        if (choice === keep) {
          await this.s.profiles.select(elsewhere.id);
        }
      })
      .catch((e: unknown) => this.s.log.warn(`instance: the offer failed: ${describeError(e).message}`));
  }

  /** The sandbox's URL in sandbox mode (announced by env, or started by Start Sandbox). */
  sandboxUrl(): string | undefined {
    return (
      this.env.ALIBABA_CLOUD_SANDBOX_URL ??
      (this.s.profiles.sandboxEndpoint ? `http://${this.s.profiles.sandboxEndpoint}` : undefined)
    );
  }

  /** Fetches new credentials now (the command, and the background timer). */
  async refreshCredentials(): Promise<Date | undefined> {
    const st = this.current;
    if (st.kind !== 'found') {
      const after = await this.detect({ userInitiated: true, quiet: true });
      return after.kind === 'found' ? after.provider.expiration : undefined;
    }
    const c = await st.provider.refresh();
    return c.expiration;
  }

  private set(state: InstanceState): void {
    this.clearTimers();
    this.current = state;
    if (state.kind === 'found') {
      // The provider is shared with the profile's sessions: a lazy refresh there updates us too.
      this.providerSub = state.provider.onDidRefresh(() => {
        if (this.current === state) {
          state.refreshError = undefined;
          this.scheduleRefresh(state);
          this.changed.fire('tick');
          this.updateStatusBar();
        }
      });
      this.scheduleRefresh(state);
      this.tick = setInterval(() => {
        this.changed.fire('tick');
        this.updateStatusBar();
      }, TICK_MS);
    }
    this.changed.fire('state');
    this.updateStatusBar();
  }

  /** Refreshes ahead of expiry so no call waits for it; retries every 30 s if it fails while the old ones are still valid. */
  private scheduleRefresh(state: Extract<InstanceState, { kind: 'found' }>): void {
    if (this.refreshTimer) {
      clearTimeout(this.refreshTimer);
    }
    const delay = nextRefreshDelay(state.provider.expiration);
    this.refreshTimer = setTimeout(() => {
      if (this.current !== state) {
        return;
      }
      const before = state.provider.expiration?.getTime();
      state.provider.refresh().then(
        (c) => {
          // Not rotated yet: the instance renews them later; ask again shortly (nextRefreshDelay's minimum).
          if (c.expiration?.getTime() === before) {
            this.s.log.info('instance: credentials not rotated yet');
          }
        },
        (e: unknown) => {
          state.refreshError = describeError(e).message;
          this.s.log.warn(`instance: background refresh failed: ${state.refreshError}`);
          this.scheduleRefresh(state);
          this.changed.fire('tick');
        },
      );
    }, delay);
    this.refreshTimer.unref?.();
  }

  private clearTimers(): void {
    if (this.tick) {
      clearInterval(this.tick);
      this.tick = undefined;
    }
    if (this.refreshTimer) {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = undefined;
    }
    this.providerSub?.dispose();
    this.providerSub = undefined;
  }

  /** "DemoEcsOssReader · 5 h 59 min" while the instance profile is active. */
  private updateStatusBar(): void {
    if (!this.statusBar) {
      return;
    }
    const st = this.current;
    const active = this.s.profiles.active();
    const suffix =
      st.kind === 'found' && active?.id === st.entryId
        ? `${st.roleName} · ${st.provider.expiration ? formatTimeLeft(st.provider.expiration.getTime() - serverClock.now()) : '-'}`
        : '';
    if (suffix !== this.statusBar.suffix) {
      this.statusBar.suffix = suffix;
      this.statusBar.update();
    }
  }

  /** The metadata URL and options currently configured (for diagnostics and exports). */
  configured(): {
    imdsUrl: string;
    source: 'setting' | 'env' | 'default';
    allowInsecureFallback: boolean;
    useInternalOssEndpoint: boolean;
    isDefault: boolean;
  } {
    const cfg = this.settings();
    return {
      imdsUrl: cfg.endpoint.url,
      source: cfg.endpoint.source,
      allowInsecureFallback: cfg.allowInsecureFallback,
      useInternalOssEndpoint: cfg.useInternalOssEndpoint,
      isDefault: cfg.endpoint.url === DEFAULT_IMDS_URL,
    };
  }

  dispose(): void {
    this.clearTimers();
    this.disposables.forEach((d) => d.dispose());
  }
}

function isLoopbackUrl(url: string): boolean {
  const v = checkEndpointUrl(url, { field: 'metadata' });
  return v.ok && v.loopback;
}
