/**
 * The questions for a new ECS instance, as wizard steps shared by "Create Instance with RAM Role"
 * and the setup wizard: region → zone → image → instance type → VSwitch (in that zone; it fixes the
 * VPC) → security group (of that VPC) → name → SSH key pair (Linux images; "none" asks for a
 * password instead) → password twice → public IP. Answers already in the context (args, a region
 * node) are not asked again.
 */
import * as vscode from 'vscode';
import type { Cloud } from '../../cloud';
import {
  checkInstanceLogin,
  checkInstancePassword,
  type NewInstance,
  type PriceEstimate,
  SYSTEM_DISK_CATEGORY,
} from '../../cloud/ecs';
import { validateInstanceName } from '../../cloud/names';
import { ecsRegions } from '../settings';
import type { Prompter } from '../prompt';
import { promptStep, type WizardPromptStep } from './steps';
import { regionName } from '../../cloud/regionNames';

export interface NewInstanceContext {
  cloud: Cloud;
  defaultRegion: string;
  regionId?: string;
  zoneId?: string;
  imageId?: string;
  instanceType?: string;
  vpcId?: string;
  vSwitchId?: string;
  securityGroupId?: string;
  instanceName?: string;
  /** '' once the user chose no key pair (a password then). */
  keyPairName?: string;
  password?: string;
  allocatePublicIp?: boolean;
  /** The chosen image's OSType: key pairs are for Linux only. */
  imageOsType?: string;
}

/** The spec once every step has answered. */
export function newInstanceSpec(ctx: NewInstanceContext, ramRoleName?: string): NewInstance {
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined || v === '') {
      throw new Error(vscode.l10n.t('Missing {0} for the new instance.', what));
    }
    return v;
  };
  return {
    regionId: need(ctx.regionId, 'regionId'),
    zoneId: need(ctx.zoneId, 'zoneId'),
    imageId: need(ctx.imageId, 'imageId'),
    instanceType: need(ctx.instanceType, 'instanceType'),
    vSwitchId: need(ctx.vSwitchId, 'vSwitchId'),
    securityGroupId: need(ctx.securityGroupId, 'securityGroupId'),
    instanceName: need(ctx.instanceName, 'instanceName'),
    password: ctx.keyPairName ? ctx.password : need(ctx.password, 'password'),
    keyPairName: ctx.keyPairName || undefined,
    ramRoleName,
    hardenedMetadata: true,
  };
}

/** Name and password checks, before any call (args objects skip the input boxes' validation). */
export function checkNewInstanceInput(ctx: NewInstanceContext): string | undefined {
  if (ctx.instanceName !== undefined) {
    const bad = validateInstanceName(ctx.instanceName);
    if (bad) {
      return bad;
    }
  }
  return ctx.password !== undefined || ctx.keyPairName ? checkInstanceLogin(ctx) : undefined;
}

const none = (what: string, where: string) =>
  new Error(vscode.l10n.t('No {0} in {1}. Create one in the Alibaba Cloud console first.', what, where));

async function pickOne<T extends vscode.QuickPickItem>(
  prompt: Prompter,
  items: Promise<T[]>,
  title: string,
  placeHolder: string,
  empty: () => Error,
): Promise<T> {
  const list = await items;
  if (!list.length) {
    throw empty();
  }
  return prompt.pick(list, { title, placeHolder, matchOnDescription: true });
}

export function newInstanceSteps<C extends NewInstanceContext>(): WizardPromptStep<C>[] {
  return [
    promptStep(
      (c) => !c.regionId,
      async (c, p, title) => {
        const shown = (await ecsRegions(c.cloud.ecs, c.defaultRegion).catch(() => ({ regions: [c.defaultRegion] })))
          .regions;
        const all = c.cloud.ecs
          .describeRegions()
          .then((rs) => rs.map((r) => r.regionId))
          .catch(() => shown);
        const items = all.then((ids) =>
          [...new Set([...shown, ...ids])].map((r) => ({
            label: r,
            description: [
              regionName(r, vscode.env.language),
              shown.includes(r) ? vscode.l10n.t('shown in the ECS view') : '',
            ]
              .filter(Boolean)
              .join(' · '),
          })),
        );
        c.regionId = (await p.pick(items, { title, placeHolder: vscode.l10n.t('Region of the new instance') })).label;
      },
    ),
    promptStep(
      (c) => !c.zoneId,
      async (c, p, title) => {
        const zones = c.cloud.ecs
          .describeZones(c.regionId!)
          .then((zs) => zs.map((z) => ({ label: z.zoneId, description: z.localName })));
        c.zoneId = (
          await pickOne(p, zones, title, vscode.l10n.t('Zone'), () => none(vscode.l10n.t('zone'), c.regionId!))
        ).label;
      },
    ),
    promptStep(
      (c) => !c.imageId,
      async (c, p, title) => {
        const images = c.cloud.ecs.describeImages(c.regionId!).then((is) =>
          is.map((i) => ({
            label: i.imageName || i.imageId,
            description: i.imageId,
            detail: `${i.osType} · ${i.architecture}`,
            id: i.imageId,
            osType: i.osType,
          })),
        );
        const image = await pickOne(p, images, title, vscode.l10n.t('Image (operating system)'), () =>
          none(vscode.l10n.t('public image'), c.regionId!),
        );
        c.imageId = image.id;
        c.imageOsType = image.osType;
      },
    ),
    promptStep(
      (c) => !c.instanceType,
      async (c, p, title) => {
        const types = c.cloud.ecs.describeInstanceTypes(c.regionId!).then((ts) =>
          ts
            .sort((a, b) => a.cpuCoreCount - b.cpuCoreCount || a.memorySize - b.memorySize)
            .map((t) => ({
              label: t.instanceTypeId,
              description: vscode.l10n.t('{0} vCPU · {1} GiB', t.cpuCoreCount, t.memorySize),
            })),
        );
        c.instanceType = (
          await pickOne(p, types, title, vscode.l10n.t('Instance type'), () =>
            none(vscode.l10n.t('instance type'), c.regionId!),
          )
        ).label;
      },
    ),
    promptStep(
      (c) => !c.vSwitchId,
      async (c, p, title) => {
        const vsws = c.cloud.ecs.describeVSwitches(c.regionId!, c.vpcId, c.zoneId).then((vs) =>
          vs
            .filter((v) => !c.zoneId || v.zoneId === c.zoneId)
            .map((v) => ({
              label: v.vSwitchName || v.vSwitchId,
              description: `${v.vSwitchId} · ${v.vpcId}`,
              detail: `${v.cidrBlock}${v.availableIps !== undefined ? ' · ' + vscode.l10n.t('{0} free IPs', v.availableIps) : ''}`,
              vsw: v,
            })),
        );
        const item = await pickOne(
          p,
          vsws,
          title,
          vscode.l10n.t('VSwitch (VPC network in zone {0})', c.zoneId ?? ''),
          () => none(vscode.l10n.t('VSwitch'), c.zoneId ?? c.regionId!),
        );
        c.vSwitchId = item.vsw.vSwitchId;
        c.vpcId = item.vsw.vpcId;
      },
    ),
    promptStep(
      (c) => !c.securityGroupId,
      async (c, p, title) => {
        const groups = c.cloud.ecs.describeSecurityGroups(c.regionId!, c.vpcId).then((gs) =>
          gs
            .filter((g) => !c.vpcId || g.vpcId === c.vpcId)
            .map((g) => ({
              label: g.securityGroupName || g.securityGroupId,
              description: g.securityGroupId,
              detail: g.description,
              id: g.securityGroupId,
            })),
        );
        c.securityGroupId = (
          await pickOne(
            p,
            groups,
            title,
            vscode.l10n.t('Security group (controls SSH and other inbound traffic)'),
            () => none(vscode.l10n.t('security group'), c.vpcId ?? c.regionId!),
          )
        ).id;
      },
    ),
    promptStep(
      (c) => c.instanceName === undefined,
      async (c, p, title) => {
        c.instanceName = (
          await p.input({
            title,
            prompt: vscode.l10n.t('Instance name'),
            value: 'ecs-with-ram-role',
            validateInput: (v) => validateInstanceName(v.trim()),
          })
        ).trim();
      },
    ),
    promptStep(
      // A password given as an argument means no key pair was wanted; Windows images take none.
      (c) => c.keyPairName === undefined && c.password === undefined && c.imageOsType?.toLowerCase() !== 'windows',
      async (c, p, title) => {
        // No key pair in the region, or no right to list them: the password is the way in, unasked.
        const pairs = await c.cloud.ecs.describeKeyPairs(c.regionId!).catch(() => []);
        if (!pairs.length) {
          c.keyPairName = '';
          return;
        }
        const items = [
          { label: vscode.l10n.t('None: log in with a password'), description: '', name: '' },
          ...pairs.map((k) => ({
            label: k.keyPairName,
            description: vscode.l10n.t('SSH key pair'),
            detail: k.fingerprint ? vscode.l10n.t('fingerprint {0}', k.fingerprint) : undefined,
            name: k.keyPairName,
          })),
        ];
        c.keyPairName = (
          await p.pick(items, {
            title,
            placeHolder: vscode.l10n.t('SSH key pair (Connect then uses its private key, e.g. ~/.ssh/<name>.pem)'),
            matchOnDescription: true,
          })
        ).name;
      },
    ),
    promptStep(
      (c) => c.password === undefined && !c.keyPairName,
      async (c, p, title) => {
        const first = await p.input({
          title,
          prompt: vscode.l10n.t('Password for root (8–30 characters, three of: upper, lower, digits, special)'),
          password: true,
          validateInput: (v) => checkInstancePassword(v),
        });
        await p.input({
          title,
          prompt: vscode.l10n.t('Type the password again'),
          password: true,
          validateInput: (v) => (v === first ? undefined : vscode.l10n.t('The passwords do not match.')),
        });
        c.password = first;
      },
    ),
    promptStep(
      (c) => c.allocatePublicIp === undefined,
      async (c, p, title) => {
        const yes = vscode.l10n.t('Yes, give it a public IP');
        const item = await p.pick(
          [
            {
              label: yes,
              description: vscode.l10n.t('pay-by-traffic bandwidth; needed to SSH in from outside the VPC'),
            },
            {
              label: vscode.l10n.t('No public IP'),
              description: vscode.l10n.t('reach it through a bastion host, VPN or another instance'),
            },
          ],
          { title, placeHolder: vscode.l10n.t('Public IP address?') },
        );
        c.allocatePublicIp = item.label === yes;
      },
    ),
  ];
}

/** What the cost confirmation shows. */
export function describeNewInstance(spec: NewInstance, allocatePublicIp: boolean): string {
  return [
    vscode.l10n.t('Region {0}, zone {1}', spec.regionId, spec.zoneId),
    vscode.l10n.t('Type {0}, image {1}', spec.instanceType, spec.imageId),
    vscode.l10n.t('VSwitch {0}, security group {1}', spec.vSwitchId, spec.securityGroupId),
    spec.ramRoleName ? vscode.l10n.t('RAM role {0}', spec.ramRoleName) : '',
    spec.keyPairName
      ? vscode.l10n.t('SSH key pair {0} (no password is set; set one later if you need it)', spec.keyPairName)
      : vscode.l10n.t('Log in with the password you typed'),
    allocatePublicIp ? vscode.l10n.t('Public IP (pay-by-traffic bandwidth)') : vscode.l10n.t('No public IP'),
    spec.hardenedMetadata === false
      ? vscode.l10n.t('Metadata: normal mode allowed')
      : vscode.l10n.t(
          'Metadata: hardened only (programs must ask for a token first, so an SSRF in an app cannot read the role credentials)',
        ),
  ]
    .filter(Boolean)
    .join('\n');
}

/** How long the cost confirmation waits for a price before it goes on without one. */
const PRICE_WAIT_MS = 8000;

/**
 * The estimate the cost confirmation shows: DescribePrice for the instance type and the system disk
 * RunInstances is sent with, pay-as-you-go per hour, and what a month of running costs. Never
 * blocks the confirmation: a refusal, an error or a slow answer becomes a line that says so.
 */
export async function priceEstimateText(cloud: Cloud, spec: NewInstance, timeoutMs = PRICE_WAIT_MS): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutMs);
  });
  try {
    const price: PriceEstimate | 'late' = await Promise.race([
      cloud.ecs.describeInstancePrice(spec.regionId, {
        instanceType: spec.instanceType,
        imageId: spec.imageId,
        systemDiskCategory: SYSTEM_DISK_CATEGORY,
      }),
      late,
    ]);
    if (price === 'late') {
      return vscode.l10n.t('Price estimate: not available (DescribePrice did not answer in time).');
    }
    const fmt = (n: number) => n.toFixed(n < 1 ? 3 : 2);
    const hourly = vscode.l10n.t(
      'Price estimate: {0} {1} per hour for {2} with its system disk, about {3} {1} for a month of running',
      fmt(price.tradePrice),
      price.currency,
      spec.instanceType,
      fmt(price.tradePrice * 730),
    );
    const list =
      price.discountPrice > 0
        ? vscode.l10n.t(' (list price {0} {1} per hour)', fmt(price.originalPrice), price.currency)
        : '';
    return `${hourly}${list}. ${vscode.l10n.t('Public IP traffic is billed on top.')}`;
  } catch (e) {
    return vscode.l10n.t(
      'Price estimate: not available ({0}). The instance is still billed pay-as-you-go.',
      e instanceof Error ? e.message : String(e),
    );
  } finally {
    clearTimeout(timer);
  }
}
