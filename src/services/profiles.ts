/**
 * Every identity the user can act as, from all sources, and the active one:
 * - extension profiles: AccessKey id in globalState, secret in SecretStorage (never settings);
 * - aliyun CLI profiles (~/.aliyun/config.json), read-only here;
 * - environment variables (ALIBABA_CLOUD_ACCESS_KEY_ID, …);
 * - the sandbox (a local Alibaba Cloud, started by the extension or announced by env);
 * - the instance role, when running on an ECS instance (set by the instance identity service).
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { Cloud } from '../cloud';
import { defaultCliConfigPath, readCliConfig } from '../cloud/cliConfig';
import { CredentialProviders, credentialsFromEnv } from '../cloud/credentials';
import { RoleChanges } from '../cloud/waiting';
import type { CommandApprovalScope } from '../cloud/credentialSources';
import { vetEndpointOverrides } from '../cloud/endpointPolicy';
import { sandboxEndpoints, type CredentialConfig, type Endpoints, type ProfileConfig } from '../cloud/profile';
import { EndpointTrust } from '../ui/endpointTrust';
import { registerSecret, type Log } from '../ui/log';
import type { Prompter } from '../ui/prompt';
import { trustedSetting } from '../ui/trustedSettings';
import { showNotice } from '../ui/prompt';
import type { OnDemandModules } from './onDemand';

export type ProfileSource = 'extension' | 'cli' | 'env' | 'sandbox' | 'instance';

export interface ProfileEntry {
  id: string;
  name: string;
  source: ProfileSource;
  regionId: string;
  mode: string;
  supported: boolean;
  reason?: string;
  /** Never made active on its own (a role found through a non-default metadata endpoint): the user picks it. */
  manualOnly?: boolean;
}

interface StoredProfile {
  name: string;
  accessKeyId: string;
  regionId: string;
}

interface SandboxConnection {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  imdsInstanceId?: string;
}

const STORED_KEY = 'alibabaCloud.profiles';
/**
 * Credential commands (External profiles) the user allowed to run, each bound to its machine,
 * config file and resolved program (CommandApprovalScope). Never synced. Entries of the first
 * format (bare command strings, bound to nothing) are ignored: those commands are asked again.
 */
const APPROVED_COMMANDS_KEY = 'alibabaCloud.approvedCredentialCommands';

export interface ApprovedCommand extends CommandApprovalScope {
  profile: string;
  approvedAt: string;
}

const isApproval = (x: unknown): x is ApprovedCommand =>
  !!x &&
  typeof x === 'object' &&
  ['machine', 'configPath', 'program', 'command', 'profile'].every(
    (k) => typeof (x as Record<string, unknown>)[k] === 'string',
  );
const ACTIVE_KEY = 'alibabaCloud.activeProfile';
const secretKey = (name: string) => `alibabaCloud.profile.${name}.accessKeySecret`;

export class ProfileStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private sandbox?: SandboxConnection;
  private instance?: { entry: ProfileEntry; config: ProfileConfig };
  /** The active profile's Cloud, shared by callers that ask while it is still being made (one credential provider, one External run). */
  private cloud?: { id: string; cloud: Promise<Cloud> };
  /** Credential caches (instance role, External commands) shared by the clouds this store makes. */
  readonly credentialProviders = new CredentialProviders();
  /** Recent RAM changes, seen by every Cloud this store makes (see RoleChanges). */
  readonly roleChanges = new RoleChanges();
  private readonly reported = new Set<string>();
  readonly endpointTrust: EndpointTrust;
  private readonly configSub: vscode.Disposable;
  private prompter?: () => Prompter;
  private readonly approvals = new Map<string, Promise<boolean>>();
  private readonly approvers = new Map<string, (command: string) => Promise<boolean>>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
    /**
     * The API clients (RAM, ECS, OSS, the session that signs for them) and the external credential
     * sources, from dist/lazy.js: they load with the first cloud or credential command, not at activation.
     */
    private readonly onDemand: () => OnDemandModules,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.endpointTrust = new EndpointTrust(context, log);
    // New overrides apply at once: the cached clients were built with the old endpoints.
    this.configSub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('alibabaCloud.endpointOverrides')) {
        this.fire();
      }
    });
    const url = env.ALIBABA_CLOUD_SANDBOX_URL;
    if (url && env.ALIBABA_CLOUD_SANDBOX_ACCESS_KEY_ID && env.ALIBABA_CLOUD_SANDBOX_ACCESS_KEY_SECRET) {
      this.sandbox = {
        endpoint: url.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
        accessKeyId: env.ALIBABA_CLOUD_SANDBOX_ACCESS_KEY_ID,
        accessKeySecret: env.ALIBABA_CLOUD_SANDBOX_ACCESS_KEY_SECRET,
      };
      registerSecret(this.sandbox.accessKeySecret);
    }
  }

  /** Where the External-command question goes (scripted in in-host tests). */
  usePrompter(prompter: () => Prompter): void {
    this.prompter = prompter;
  }

  private get stored(): StoredProfile[] {
    return this.context.globalState.get<StoredProfile[]>(STORED_KEY, []);
  }

  list(): ProfileEntry[] {
    const out: ProfileEntry[] = [];
    if (this.instance) {
      out.push(this.instance.entry);
    }
    if (this.sandbox) {
      out.push({
        id: 'sandbox:Sandbox',
        name: vscode.l10n.t('Sandbox'),
        source: 'sandbox',
        regionId: 'cn-hangzhou',
        mode: 'AK',
        supported: true,
      });
    }
    for (const p of this.stored) {
      out.push({
        id: `extension:${p.name}`,
        name: p.name,
        source: 'extension',
        regionId: p.regionId,
        mode: 'AK',
        supported: true,
      });
    }
    try {
      for (const p of readCliConfig(this.cliPath()).profiles) {
        out.push({
          id: `cli:${p.name}`,
          name: p.name,
          source: 'cli',
          regionId: p.regionId ?? 'cn-hangzhou',
          mode: p.mode,
          supported: p.supported,
          reason: p.supported ? undefined : p.reason,
        });
      }
    } catch (e) {
      this.log.warn(`Could not read ${this.cliPath()}: ${(e as Error).message}`);
    }
    const env = credentialsFromEnv(this.env);
    if (env) {
      out.push({
        id: 'env:Environment',
        name: vscode.l10n.t('Environment variables'),
        source: 'env',
        regionId: this.env.ALIBABA_CLOUD_REGION_ID ?? 'cn-hangzhou',
        mode: env.mode,
        supported: true,
      });
    }
    return out;
  }

  /** The aliyun CLI config file: the user's, or the one ALIBABA_CLOUD_CLI_CONFIG names (never a workspace file). */
  cliPath(): string {
    return this.env.ALIBABA_CLOUD_CLI_CONFIG ?? defaultCliConfigPath();
  }

  /**
   * Where the choice is kept. On an instance with a role the choice is per instance (globalState
   * is shared with the local window), so the instance role is the default there until the user
   * picks another profile on that instance.
   */
  private get activeKey(): string {
    return this.instance ? `${ACTIVE_KEY}@${this.instance.entry.id}` : ACTIVE_KEY;
  }

  /**
   * The active profile: the one chosen (on this instance, else in general) if it still exists, else
   * the first usable one that may be active on its own (the instance role, when found at the real
   * metadata address: so it never replaces a profile chosen elsewhere; see instanceRoleTakeover).
   */
  active(): ProfileEntry | undefined {
    const { here, elsewhere } = this.chosen();
    return here ?? elsewhere ?? this.list().find((p) => p.supported && !p.manualOnly);
  }

  /** The profiles the user chose, on this instance and in general, each only while it still exists. */
  chosen(): { here?: ProfileEntry; elsewhere?: ProfileEntry } {
    const all = this.list().filter((p) => p.supported);
    const byId = (id: string | undefined) => (id ? all.find((p) => p.id === id) : undefined);
    return {
      here: this.instance ? byId(this.context.globalState.get<string>(this.activeKey)) : undefined,
      elsewhere: byId(this.context.globalState.get<string>(ACTIVE_KEY)),
    };
  }

  async select(id: string): Promise<void> {
    await this.context.globalState.update(this.activeKey, id);
    this.fire();
  }

  async addAccessKeyProfile(
    name: string,
    accessKeyId: string,
    accessKeySecret: string,
    regionId: string,
  ): Promise<ProfileEntry> {
    await this.context.secrets.store(secretKey(name), accessKeySecret);
    registerSecret(accessKeySecret);
    const rest = this.stored.filter((p) => p.name !== name);
    await this.context.globalState.update(STORED_KEY, [...rest, { name, accessKeyId, regionId }]);
    await this.select(`extension:${name}`);
    return this.list().find((p) => p.id === `extension:${name}`)!;
  }

  async removeProfile(id: string): Promise<void> {
    const [source, name] = splitId(id);
    if (source !== 'extension') {
      return;
    }
    await this.context.secrets.delete(secretKey(name));
    await this.context.globalState.update(
      STORED_KEY,
      this.stored.filter((p) => p.name !== name),
    );
    if (this.context.globalState.get<string>(this.activeKey) === id) {
      await this.context.globalState.update(this.activeKey, undefined);
    }
    this.fire();
  }

  /** Connects the "Sandbox" profile to a running sandbox and makes it active. */
  async connectSandbox(connection: SandboxConnection): Promise<void> {
    this.sandbox = connection;
    registerSecret(connection.accessKeySecret);
    await this.select('sandbox:Sandbox');
  }

  get sandboxEndpoint(): string | undefined {
    return this.sandbox?.endpoint;
  }

  /** Sandbox mode (announced by env, or Start Sandbox): nothing may reach a real metadata service. */
  get inSandboxMode(): boolean {
    return !!this.sandbox || !!this.env.ALIBABA_CLOUD_SANDBOX_URL;
  }

  /** Set by the instance identity service when this host is an ECS instance with a role. */
  setInstanceProfile(profile: { entry: ProfileEntry; config: ProfileConfig } | undefined): void {
    this.instance = profile;
    this.fire();
  }

  /** The instance role profile, when this host is an instance with a role. */
  get instanceProfile(): { entry: ProfileEntry; config: ProfileConfig } | undefined {
    return this.instance;
  }

  /** The Cloud for the active profile, created once per profile and reused. */
  async activeCloud(): Promise<{ entry: ProfileEntry; cloud: Cloud } | undefined> {
    const entry = this.active();
    if (!entry) {
      return undefined;
    }
    if (this.cloud?.id !== entry.id) {
      this.disposeCloud();
      const made = { id: entry.id, cloud: this.resolve(entry).then((config) => this.create(config)) };
      this.cloud = made;
      // A failed resolve is not kept: the next call tries again.
      made.cloud.catch(() => {
        if (this.cloud === made) {
          this.cloud = undefined;
        }
      });
    }
    return { entry, cloud: await this.cloud!.cloud };
  }

  /** A Cloud for any profile (e.g. the PassRole command acting as an administrator). */
  async cloudFor(entry: ProfileEntry): Promise<Cloud> {
    return this.create(await this.resolve(entry));
  }

  /** Every provider announces its credentials to the log's redaction itself (src/cloud/secretValues). */
  private create(config: ProfileConfig): Cloud {
    return this.onDemand().cloud.createCloud(config, this.log, this.credentialProviders, this.roleChanges);
  }

  private async resolve(entry: ProfileEntry): Promise<ProfileConfig> {
    const [source, name] = splitId(entry.id);
    const overrides = await this.endpointOverrides(entry.name);
    const base = (credentials: CredentialConfig, endpoints?: Endpoints): ProfileConfig => ({
      name: entry.name,
      regionId: entry.regionId,
      credentials,
      endpoints: { ...endpoints, ...overrides },
    });
    switch (source) {
      case 'instance':
        if (!this.instance) {
          throw new Error(vscode.l10n.t('The instance role is no longer available.'));
        }
        return { ...this.instance.config, endpoints: { ...this.instance.config.endpoints, ...overrides } };
      case 'sandbox': {
        const s = this.sandbox!;
        return base(
          { mode: 'AK', accessKeyId: s.accessKeyId, accessKeySecret: s.accessKeySecret },
          sandboxEndpoints(s.endpoint, s.imdsInstanceId),
        );
      }
      case 'extension': {
        const p = this.stored.find((x) => x.name === name)!;
        const secret = await this.context.secrets.get(secretKey(name));
        if (!secret) {
          throw new Error(
            vscode.l10n.t('The AccessKey secret of profile "{0}" is missing; add the profile again.', name),
          );
        }
        registerSecret(secret);
        return base({ mode: 'AK', accessKeyId: p.accessKeyId, accessKeySecret: secret });
      }
      case 'cli': {
        const p = readCliConfig(this.cliPath()).profiles.find((x) => x.name === name);
        if (!p || !p.supported) {
          throw new Error(
            p && !p.supported ? p.reason : vscode.l10n.t('Profile "{0}" is gone from the aliyun CLI config.', name),
          );
        }
        return { ...base(p.credentials), approveCommand: this.approverFor(name) };
      }
      default: {
        const creds = credentialsFromEnv(this.env);
        if (!creds) {
          throw new Error(vscode.l10n.t('The environment variables with credentials are no longer set.'));
        }
        return base(creds);
      }
    }
  }

  /**
   * An External profile runs a program named in ~/.aliyun/config.json, which any process of this
   * user could have written: asked once per command, config file, resolved program and machine,
   * naming them, before it first runs. A change to any of them is a new question.
   */
  /** One hook per profile, kept: rebuilt clients then share the command's credentials (credentials.ts). */
  private approverFor(profile: string): (command: string) => Promise<boolean> {
    let hook = this.approvers.get(profile);
    if (!hook) {
      hook = (command) => this.approveCommand(profile, command);
      this.approvers.set(profile, hook);
    }
    return hook;
  }

  private approveCommand(profile: string, command: string): Promise<boolean> {
    // Views and commands ask for credentials at the same moment after a switch: one question for all.
    let pending = this.approvals.get(command);
    if (!pending) {
      pending = this.askApproval(profile, command).finally(() => this.approvals.delete(command));
      this.approvals.set(command, pending);
    }
    return pending;
  }

  /**
   * This machine as approvals see it: the window's remote (a remote extension host shares
   * globalState and machineId with the local window) and the host the extension runs on.
   */
  private machine(): string {
    return `${vscode.env.remoteName ?? 'local'}|${os.hostname()}|${vscode.env.machineId}`;
  }

  private approvalScope(command: string): CommandApprovalScope {
    const program = this.onDemand().credentialSources.splitCommand(command)[0] ?? '';
    return {
      machine: this.machine(),
      configPath: this.cliPath(),
      program: this.onDemand().credentialSources.resolveProgram(program) ?? program,
      command,
    };
  }

  /** Every approved credential command, on any machine (the list "Forget Approved Credential Commands…" offers). */
  approvedCommands(): ApprovedCommand[] {
    return this.context.globalState.get<unknown[]>(APPROVED_COMMANDS_KEY, []).filter(isApproval);
  }

  /** Whether an approval was given on this machine (its list is shown as such). */
  isThisMachine(a: ApprovedCommand): boolean {
    return a.machine === this.machine();
  }

  /** Withdraws approvals (by commandApprovalKey): their commands are asked again before they next run. */
  async forgetApprovedCommands(keys: string[]): Promise<void> {
    const drop = new Set(keys);
    await this.context.globalState.update(
      APPROVED_COMMANDS_KEY,
      this.approvedCommands().filter((a) => !drop.has(this.onDemand().credentialSources.commandApprovalKey(a))),
    );
  }

  private async askApproval(profile: string, command: string): Promise<boolean> {
    let scope: CommandApprovalScope;
    try {
      scope = this.approvalScope(command);
    } catch {
      return false;
    }
    const { commandApprovalKey, visibleCommand } = this.onDemand().credentialSources;
    const key = commandApprovalKey(scope);
    const approved = this.approvedCommands();
    if (approved.some((a) => commandApprovalKey(a) === key)) {
      return true;
    }
    const prompt = this.prompter?.();
    if (!prompt) {
      return false;
    }
    const ok = await prompt.confirm(
      vscode.l10n.t('Run the credential command of profile "{0}"?', profile),
      vscode.l10n.t(
        'The aliyun CLI profile "{0}" in {1} gets its credentials by running this command: {2}\n\nProgram: {3}\n\nIt runs without a shell, now and whenever the credentials need refreshing. Allow it only if you wrote it or trust it.',
        profile,
        scope.configPath,
        visibleCommand(command),
        visibleCommand(scope.program),
      ),
      vscode.l10n.t('Allow and Run'),
    );
    if (ok) {
      await this.context.globalState.update(APPROVED_COMMANDS_KEY, [
        ...approved,
        { ...scope, profile, approvedAt: new Date().toISOString() },
      ]);
    }
    return ok;
  }

  /**
   * The user's endpoint overrides for a profile, vetted: invalid ones and those to hosts the user
   * does not trust are dropped, each with a logged reason and one visible warning.
   */
  private async endpointOverrides(profile: string): Promise<Endpoints> {
    const all = trustedSetting<Record<string, unknown>>('endpointOverrides', {}, this.log);
    const raw = all && typeof all === 'object' ? all[profile] : undefined;
    if (raw === undefined) {
      return {};
    }
    let vetted = vetEndpointOverrides(raw);
    const refused = await this.endpointTrust.refused(
      vetted.untrustedHosts,
      vscode.l10n.t('The endpoint override of profile "{0}"', profile),
    );
    if (refused.size) {
      vetted = vetEndpointOverrides(raw, refused);
    }
    for (const p of vetted.problems) {
      const what = `alibabaCloud.endpointOverrides["${profile}"].${p.field}${p.key ? `.${p.key}` : ''}`;
      const line = `${what}: ${p.reason}`;
      if (this.reported.has(line)) {
        continue;
      }
      this.reported.add(line);
      this.log.warn(`settings: ignored ${line}`);
      void showNotice('warning', vscode.l10n.t('Ignored the setting {0}: {1}.', what, p.reason));
    }
    return vetted.endpoints;
  }

  private disposeCloud(): void {
    void this.cloud?.cloud.then(
      (c) => c.dispose(),
      () => undefined,
    );
    this.cloud = undefined;
  }

  private fire(): void {
    this.disposeCloud();
    void vscode.commands.executeCommand('setContext', 'alibabaCloud.hasProfile', !!this.active());
    this.changed.fire();
  }

  /** Called once at activation so welcome views know whether a profile exists. */
  initContext(): void {
    void vscode.commands.executeCommand('setContext', 'alibabaCloud.hasProfile', !!this.active());
  }

  dispose(): void {
    this.disposeCloud();
    this.configSub.dispose();
    this.changed.dispose();
  }
}

function splitId(id: string): [ProfileSource, string] {
  const i = id.indexOf(':');
  return [id.slice(0, i) as ProfileSource, id.slice(i + 1)];
}
