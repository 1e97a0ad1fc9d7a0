/** Identity commands: add / remove / select a profile, import from the aliyun CLI, pick regions. */
import * as vscode from 'vscode';
import { inertLabel } from '../../cloud/inert';
import { readCliConfig } from '../../cloud/cliConfig';
import { maskAccessKeyId } from '../../cloud/instance';
import { commandApprovalKey, visibleCommand } from '../../cloud/credentialSources';
import { ecsRegions, setVisibleRegions } from '../../ui/settings';
import { is, defineCommand } from '../command';
import { showNotice } from '../../ui/prompt';
import { regionName } from '../../cloud/regionNames';
import { EmptyRegionsNode } from '../../views/ecsView';

const REGIONS = [
  'cn-hangzhou',
  'cn-shanghai',
  'cn-beijing',
  'cn-shenzhen',
  'cn-qingdao',
  'cn-zhangjiakou',
  'cn-huhehaote',
  'cn-chengdu',
  'cn-hongkong',
  'ap-southeast-1',
  'ap-northeast-1',
  'ap-southeast-5',
  'eu-central-1',
  'us-west-1',
  'us-east-1',
];

export const addProfile = defineCommand({
  id: 'alibabaCloud.addProfile',
  args: { name: is.string, accessKeyId: is.string, accessKeySecret: is.string, regionId: is.string },
  run: async (s, { args: a, scripted }) => {
    const name =
      a.name ??
      (await s.prompt.input({
        title: vscode.l10n.t('Add AccessKey Profile (1/4)'),
        prompt: vscode.l10n.t('Profile name'),
        value: 'default',
        validateInput: (v) =>
          /^[\w.-]{1,64}$/.test(v) ? undefined : vscode.l10n.t('Use letters, digits, ".", "_" or "-" (at most 64).'),
      }));
    const accessKeyId =
      a.accessKeyId ??
      (await s.prompt.input({
        title: vscode.l10n.t('Add AccessKey Profile (2/4)'),
        prompt: vscode.l10n.t('AccessKey ID'),
        placeHolder: 'LTAI…',
        validateInput: (v) =>
          /^[A-Za-z0-9.]{8,64}$/.test(v.trim()) ? undefined : vscode.l10n.t('That does not look like an AccessKey ID.'),
      }));
    const accessKeySecret =
      a.accessKeySecret ??
      (await s.prompt.input({
        title: vscode.l10n.t('Add AccessKey Profile (3/4)'),
        prompt: vscode.l10n.t('AccessKey secret (kept in VS Code secret storage)'),
        password: true,
        validateInput: (v) => (v.trim().length >= 8 ? undefined : vscode.l10n.t('The secret is too short.')),
      }));
    const regionId =
      a.regionId ??
      (
        await s.prompt.pick(
          REGIONS.map((r) => ({ label: r })),
          { title: vscode.l10n.t('Add AccessKey Profile (4/4)'), placeHolder: vscode.l10n.t('Default region') },
        )
      ).label;
    // Any extension can run this command with args: adding (and so switching to) an identity it
    // supplies would send every later call, uploads included, to that account. The user decides.
    if (
      scripted &&
      !(await s.prompt.confirm(
        vscode.l10n.t('Add profile "{0}" and make it the active identity?', name),
        vscode.l10n.t(
          'A command asked to add AccessKey {0} (region {1}) and switch to it. Every call from VS Code, uploads and role changes included, would then act as that identity.',
          maskAccessKeyId(accessKeyId.trim()),
          regionId,
        ),
        vscode.l10n.t('Add and Switch'),
      ))
    ) {
      return;
    }
    // Same name replaces the stored secret: always asked, also when an args object named it.
    if (
      s.profiles.list().some((p) => p.id === `extension:${name}`) &&
      !(await s.prompt.confirm(
        vscode.l10n.t('Replace profile "{0}"?', name),
        vscode.l10n.t('Its AccessKey secret in VS Code secret storage is overwritten with the new one.'),
        vscode.l10n.t('Replace'),
      ))
    ) {
      return;
    }
    await s.profiles.addAccessKeyProfile(name, accessKeyId.trim(), accessKeySecret.trim(), regionId);
    void showNotice('info', vscode.l10n.t('Profile "{0}" added and selected.', name));
  },
});

export const selectProfile = defineCommand({
  id: 'alibabaCloud.selectProfile',
  args: { id: is.string },
  run: async (s, { args: a }) => {
    const all = s.profiles.list();
    const active = s.profiles.active()?.id;
    let id = a.id;
    if (!id) {
      const add = {
        label: `$(add) ${vscode.l10n.t('Add AccessKey Profile…')}`,
        detail: undefined as string | undefined,
        id: '',
        supported: true,
      };
      const item = await s.prompt.pick(
        [
          ...all.map((p) => ({
            label: inertLabel(p.name),
            description: `${p.source} · ${p.mode} · ${p.regionId}${p.id === active ? ' ' + vscode.l10n.t('(active)') : ''}`,
            detail: p.supported ? undefined : p.reason,
            id: p.id,
            supported: p.supported,
          })),
          // Switching is where a new user looks for a second identity.
          add,
        ],
        {
          title: vscode.l10n.t('Select Profile'),
          placeHolder: vscode.l10n.t('Which identity should the extension use?'),
        },
      );
      if (item === add) {
        return vscode.commands.executeCommand('alibabaCloud.addProfile');
      }
      if (!item.supported) {
        throw new Error(item.detail ?? vscode.l10n.t('This profile is not supported.'));
      }
      id = item.id;
    } else if (id !== active) {
      // Switching identity through args (other extensions, keybindings, links) is asked, naming the
      // profile: every later call, uploads included, would go to that account.
      const target = all.find((p) => p.id === id);
      if (!target) {
        throw new Error(vscode.l10n.t('There is no profile "{0}".', id));
      }
      const ok = await s.prompt.confirm(
        vscode.l10n.t('Switch to profile "{0}"?', target.name),
        vscode.l10n.t(
          '{0} · {1} · {2}. Every call from VS Code, uploads and role changes included, will act as this identity.',
          target.source,
          target.mode,
          target.regionId,
        ),
        vscode.l10n.t('Switch'),
      );
      if (!ok) {
        return false;
      }
    }
    await s.profiles.select(id);
    return true;
  },
});

export const removeProfile = defineCommand({
  id: 'alibabaCloud.removeProfile',
  args: { id: is.string },
  run: async (s, { args: a }) => {
    const own = s.profiles.list().filter((p) => p.source === 'extension');
    if (!own.length) {
      void showNotice(
        'info',
        vscode.l10n.t(
          'There are no AccessKey profiles added by this extension. aliyun CLI and environment profiles are managed outside VS Code.',
        ),
      );
      return;
    }
    const id =
      a.id ??
      (
        await s.prompt.pick(
          own.map((p) => ({ label: inertLabel(p.name), description: p.regionId, id: p.id })),
          { title: vscode.l10n.t('Remove Profile') },
        )
      ).id;
    const name = id.slice(id.indexOf(':') + 1);
    if (
      !(await s.prompt.confirm(
        vscode.l10n.t('Remove profile "{0}"?', name),
        vscode.l10n.t(
          'Its AccessKey secret is deleted from VS Code secret storage. The AccessKey itself stays valid in RAM.',
        ),
        vscode.l10n.t('Remove'),
      ))
    ) {
      return;
    }
    await s.profiles.removeProfile(id);
  },
});

export const importCliProfile = defineCommand({
  id: 'alibabaCloud.importCliProfile',
  run: async (s) => {
    const cli = readCliConfig(s.profiles.cliPath());
    if (!cli.profiles.length) {
      void showNotice(
        'info',
        vscode.l10n.t(
          'No aliyun CLI profiles found in ~/.aliyun/config.json. Run "aliyun configure" first, or add an AccessKey profile.',
        ),
      );
      return;
    }
    // CLI profiles are read live from the CLI's file; "importing" is choosing one.
    const item = await s.prompt.pick(
      cli.profiles.map((p) => ({
        label: inertLabel(p.name),
        description: p.mode,
        detail: p.supported ? modeNote(p.mode) : p.reason,
        p,
      })),
      { title: vscode.l10n.t('Use aliyun CLI Profile') },
    );
    if (!item.p.supported) {
      throw new Error(item.p.reason);
    }
    await s.profiles.select(`cli:${item.p.name}`);
  },
});

/** Withdraws approvals of External credential commands; each is asked again before it next runs. */
export const forgetApprovedCommands = defineCommand({
  id: 'alibabaCloud.forgetApprovedCredentialCommands',
  run: async (s) => {
    const approved = s.profiles.approvedCommands();
    if (!approved.length) {
      void s.prompt.notify(vscode.l10n.t('No credential commands are approved.'), []);
      return { forgotten: 0 };
    }
    const picked = await s.prompt.pickMany(
      approved.map((a) => ({
        label: inertLabel(visibleCommand(a.command)),
        description: s.profiles.isThisMachine(a)
          ? vscode.l10n.t('profile "{0}"', a.profile)
          : vscode.l10n.t('profile "{0}", another machine', a.profile),
        detail: `${visibleCommand(a.program)} · ${a.configPath}`,
        key: commandApprovalKey(a),
      })),
      {
        title: vscode.l10n.t('Forget Approved Credential Commands'),
        placeHolder: vscode.l10n.t('Commands to ask about again before they next run'),
      },
    );
    if (!picked.length) {
      return { forgotten: 0 };
    }
    await s.profiles.forgetApprovedCommands(picked.map((p) => p.key));
    void s.prompt.notify(
      picked.length === 1
        ? vscode.l10n.t('1 credential command will be asked about again before it next runs.')
        : vscode.l10n.t('{0} credential commands will be asked about again before they next run.', picked.length),
      [],
    );
    return { forgotten: picked.length };
  },
});

/** What a usable CLI profile will do when chosen, where that is not obvious. */
function modeNote(mode: string): string | undefined {
  switch (mode) {
    case 'External':
      return vscode.l10n.t("Runs the profile's credential command (you are asked once before it first runs).");
    case 'CloudSSO':
    case 'OAuth':
      return vscode.l10n.t('Uses the credentials the aliyun CLI keeps for this sign-in until they expire.');
    default:
      return undefined;
  }
}

export const selectRegions = defineCommand({
  id: 'alibabaCloud.selectRegions',
  node: [EmptyRegionsNode],
  args: { regions: is.strings },
  run: async (s, { args: a }) => {
    let regions = a.regions;
    if (!regions) {
      // Opens with what the ECS view shows checked: the chosen regions, else every region with instances.
      let current = [s.profiles.active()?.regionId ?? 'cn-hangzhou'];
      let known = REGIONS;
      try {
        const { cloud, entry } = await s.cloud();
        const shown = await ecsRegions(cloud.ecs, entry.regionId);
        current = shown.regions;
        known = shown.probes?.map((p) => p.regionId) ?? (await cloud.ecs.describeRegions()).map((r) => r.regionId);
      } catch {
        /* offline or no permission: the static list will do */
      }
      const picked = await s.prompt.pickMany(
        known.map((r) => ({ label: r, description: regionName(r, vscode.env.language), picked: current.includes(r) })),
        { title: vscode.l10n.t('Regions to Show') },
      );
      regions = picked.map((p) => p.label);
    }
    await setVisibleRegions(regions);
  },
});
