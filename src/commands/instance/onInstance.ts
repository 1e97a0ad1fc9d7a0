/**
 * On-instance commands: detect the instance role, refresh its credentials, diagnose the whole
 * chain, write an aliyun CLI profile for it, copy the environment other SDKs need. None of them
 * shows or copies a secret: in the ECS role mode every tool fetches its own credentials.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { readCliConfig, upsertEcsRamRoleProfile } from '../../cloud/cliConfig';
import { buildEnvExports, formatExpiry, formatTimeLeft } from '../../cloud/instance';
import { buildDiagnosticsReport, runInstanceDiagnostics } from '../../cloud/instanceDiagnostics';
import type { InstanceState } from '../../services/instanceIdentity';
import type { Services } from '../../services/services';
import { is, defineCommand } from '../command';
import { InstanceIdentityNode, InstanceProblemNode } from '../../views/identityView';
import { showNotice, statusMessage } from '../../ui/prompt';

type Found = Extract<InstanceState, { kind: 'found' }>;

/** The detected instance role, detecting first if needed; explains why not otherwise. */
async function requireInstance(s: Services): Promise<Found> {
  const svc = s.instance;
  const st = svc.state.kind === 'found' ? svc.state : await svc.detect({ userInitiated: true, quiet: true });
  if (st.kind === 'found') {
    return st;
  }
  if (st.kind === 'problem') {
    throw new Error(`${st.problem.title}. ${st.problem.fix}`);
  }
  throw new Error(
    vscode.l10n.t('No instance role found: this host does not look like an ECS instance with a RAM role.'),
  );
}

export const detectInstance = defineCommand({
  id: 'alibabaCloud.instance.detect',
  node: [InstanceProblemNode],
  run: async (s) => {
    const svc = s.instance;
    const st = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Detecting instance role…') },
      () => svc.detect({ userInitiated: true }),
    );
    if (st.kind === 'found') {
      statusMessage(
        vscode.l10n.t(
          'Instance role {0} on {1} ({2}); credentials: {3}.',
          st.roleName,
          st.identity.instanceId,
          st.identity.regionId,
          formatExpiry(st.provider.expiration),
        ),
        8000,
      );
    } else {
      // The explanation and the fix are a node in the identity view: show it there.
      void vscode.commands.executeCommand('alibabaCloud.identity.focus');
      statusMessage(st.kind === 'problem' ? st.problem.title : vscode.l10n.t('No instance role found.'), 8000);
    }
    return summary(st);
  },
});

/** A plain description of the state, for automation and tests (no secrets). */
function summary(st: InstanceState): Record<string, unknown> {
  switch (st.kind) {
    case 'found':
      return {
        kind: st.kind,
        instanceId: st.identity.instanceId,
        regionId: st.identity.regionId,
        roleName: st.roleName,
        expiration: st.provider.expiration?.toISOString(),
        entryId: st.entryId,
      };
    case 'problem':
      return { kind: st.kind, code: st.problem.code, title: st.problem.title, fix: st.problem.fix };
    default:
      return { kind: st.kind };
  }
}

/** "they expire in 5 h 59 min" / "they have expired": a sentence, not formatExpiry's label. */
function theyExpire(expiration: Date): string {
  const left = expiration.getTime() - Date.now();
  return left <= 0
    ? vscode.l10n.t('Instance credentials refreshed, but they have already expired.')
    : vscode.l10n.t('Instance credentials refreshed; they expire in {0}.', formatTimeLeft(left));
}

export const refreshInstanceCredentials = defineCommand({
  id: 'alibabaCloud.instance.refreshCredentials',
  node: [InstanceIdentityNode],
  run: async (s) => {
    const svc = s.instance;
    const expiration = await svc.refreshCredentials();
    statusMessage(expiration ? theyExpire(expiration) : vscode.l10n.t('No instance role to refresh.'), 5000);
    return { expiration: expiration?.toISOString() };
  },
});

export const diagnoseInstance = defineCommand({
  id: 'alibabaCloud.instance.diagnose',
  node: [InstanceIdentityNode, InstanceProblemNode],
  run: async (s) => {
    const svc = s.instance;
    const cfg = svc.configured();
    const allowed = await svc.mayProbe(true);
    if (!allowed.ok) {
      throw new Error(`${allowed.problem.title}. ${allowed.problem.fix}`);
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Diagnosing instance credentials…') },
      () =>
        runInstanceDiagnostics({
          imdsUrl: cfg.imdsUrl,
          endpointSource: cfg.source,
          allowInsecureFallback: cfg.allowInsecureFallback,
          useInternalOssEndpoint: cfg.useInternalOssEndpoint,
          sandboxUrl: svc.sandboxUrl(),
          environment: svc.environment(),
        }),
    );
    const content = buildDiagnosticsReport(result);
    s.log.info(
      `instance: diagnostics ${result.overall} (${result.checks.map((c) => `${c.id}=${c.status}`).join(' ')})`,
    );
    // Read-only and rendered: a report to read, so closing it never asks to save.
    await s.readOnly.showRendered(`/instance/${vscode.l10n.t('Instance Credentials Diagnostics')}.md`, content);
    return { overall: result.overall, checks: result.checks.map((c) => ({ id: c.id, status: c.status })) };
  },
});

export const writeInstanceCliProfile = defineCommand({
  id: 'alibabaCloud.instance.writeCliProfile',
  node: [InstanceIdentityNode],
  args: { name: is.string, makeCurrent: is.boolean },
  run: async (s, { args: a }) => {
    const st = await requireInstance(s);
    const file = s.profiles.cliPath();
    const name =
      a.name ??
      (await s.prompt.input({
        title: vscode.l10n.t('Write aliyun CLI Profile'),
        prompt: vscode.l10n.t('Profile name in {0}', file),
        value: `ecs-${st.roleName}`.slice(0, 64),
        validateInput: (v) =>
          /^[\w.-]{1,64}$/.test(v) ? undefined : vscode.l10n.t('Use letters, digits, ".", "_" or "-" (at most 64).'),
      }));
    let existing: ReturnType<typeof readCliConfig> = { profiles: [] };
    try {
      existing = readCliConfig(file);
    } catch {
      /* unreadable: upsert reports it */
    }
    const exists = fs.existsSync(file);
    const same = existing.profiles.find((p) => p.name === name);
    // Replacing another profile of that name (an AccessKey one, say) is always asked, args or not.
    if (
      same &&
      !(same.supported && same.credentials.mode === 'EcsRamRole' && same.credentials.roleName === st.roleName) &&
      !(await s.prompt.confirm(
        vscode.l10n.t('Replace profile "{0}" in {1}?', name, file),
        vscode.l10n.t(
          'It is a {0} profile; the aliyun CLI would then use instance role {1} under that name.',
          same.mode,
          st.roleName,
        ),
        vscode.l10n.t('Replace'),
      ))
    ) {
      return undefined;
    }
    let makeCurrent = a.makeCurrent ?? false;
    if (a.makeCurrent === undefined && exists && existing.current !== name) {
      makeCurrent = await s.prompt.confirm(
        vscode.l10n.t('Make it the current profile?'),
        vscode.l10n.t(
          'The aliyun CLI uses the current profile ("{0}") unless --profile is given. Make "{1}" (instance role {2}) the current one?',
          existing.current ?? '-',
          name,
          st.roleName,
        ),
        vscode.l10n.t('Make Current'),
      );
    }
    const r = upsertEcsRamRoleProfile(
      file,
      { name, roleName: st.roleName, regionId: st.identity.regionId },
      makeCurrent,
    );
    const what = r.created
      ? vscode.l10n.t('Created {0} with profile "{1}"', file, name)
      : r.replaced
        ? vscode.l10n.t('Updated profile "{0}" in {1}', name, file)
        : vscode.l10n.t('Added profile "{0}" to {1}', name, file);
    const current = r.madeCurrent
      ? vscode.l10n.t('it is now the current profile.')
      : vscode.l10n.t(
          'the current profile is still "{0}"; use it with: aliyun --profile {1} …',
          existing.current ?? '-',
          name,
        );
    void showNotice(
      'info',
      vscode.l10n.t('{0} (EcsRamRole, role {1}, region {2}); {3}', what, st.roleName, st.identity.regionId, current),
    );
    return { file, name, ...r };
  },
});

export const copyInstanceEnvironment = defineCommand({
  id: 'alibabaCloud.instance.copyEnvironment',
  node: [InstanceIdentityNode],
  run: async (s) => {
    const st = await requireInstance(s);
    const cfg = s.instance.configured();
    const text = buildEnvExports({
      roleName: st.roleName,
      regionId: st.identity.regionId,
      instanceId: st.identity.instanceId,
      imdsUrl: st.baseUrl,
      hardened: !st.usedInsecureFallback,
      useInternalOssEndpoint: cfg.useInternalOssEndpoint,
    });
    await vscode.env.clipboard.writeText(text);
    void showNotice(
      'info',
      vscode.l10n.t(
        'Copied the environment for role {0} (no secrets: SDKs fetch the credentials from the metadata service themselves).',
        st.roleName,
      ),
    );
    return { text };
  },
});
