/**
 * What an endpoint may be before any request, signature or credential goes to it: region ids of
 * the real shape (they become host names), override URLs over https except to loopback, and which
 * hosts need the user's explicit trust (everything outside *.aliyuncs.com and loopback). The UI
 * layer asks the user; this file only decides.
 */
import { DEFAULT_IMDS_URL } from './imds';
import { l10n } from './l10n';
import { isRegionId, type Endpoints } from './profile';

/** node:net loads with the first check, not with the extension (a few ms of activation). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = () => require('node:net') as typeof import('node:net');

/** OSS V4 presigned URLs live at most 7 days (x-oss-expires 1–604800 s; OSS error 0002-00000232). */
export const PRESIGN_MAX_SECONDS = 604_800;
export const PRESIGN_MIN_SECONDS = 1;
/** Opening a bigger object in the editor holds it in memory twice (buffer and document). */
export const OPEN_MAX_MB = 100;

/** Clamps `value` into [min, max], `fallback` when it is not a finite number. */
export function clampNumber(value: unknown, min: number, max: number, fallback: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? value : fallback;
  return Math.min(max, Math.max(min, n));
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') {
    return true;
  }
  if (net().isIPv4(h)) {
    return h.startsWith('127.');
  }
  return h === '::1' || h === '::ffff:127.0.0.1';
}

const REGION_PLACEHOLDER = 'region-placeholder-0';
const IMDS_HOST = new URL(DEFAULT_IMDS_URL).hostname;

/** Alibaba Cloud's own API and OSS names; requests there need no extra trust. */
export function isAlibabaCloudHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'aliyuncs.com' || h.endsWith('.aliyuncs.com');
}

export type EndpointField = 'ram' | 'sts' | 'ecs' | 'ecsByRegion' | 'actiontrail' | 'oss' | 'ossResolveTo' | 'metadata';

export type UrlVerdict =
  { ok: true; host: string; loopback: boolean; needsTrust: boolean } | { ok: false; reason: string };

export interface UrlCheckOptions {
  /** 'host': host[:port] without scheme, taking `protocol` (how the RPC SDKs take endpoints). */
  kind?: 'url' | 'host';
  protocol?: 'http' | 'https';
  field?: EndpointField;
  /** Host names are resolved to this loopback IP (ossResolveTo): the connection stays local. */
  resolvesToLoopback?: boolean;
}

/**
 * Checks one endpoint. `{region}` stands for a region id. http is allowed only to loopback, and for
 * the metadata address itself (100.100.100.200 speaks only http). No user info, query or fragment:
 * they are never part of an endpoint and only serve to disguise one.
 */
export function checkEndpointUrl(value: unknown, opts: UrlCheckOptions = {}): UrlVerdict {
  const kind = opts.kind ?? 'url';
  if (typeof value !== 'string' || !value.trim()) {
    return { ok: false, reason: l10n.t('not a text value') };
  }
  // A placeholder that is a valid DNS label, put back afterwards: trust is given to the template.
  const raw = value.trim().replace(/\{region\}/g, REGION_PLACEHOLDER);
  if (kind === 'host' && /[/?#@\\\s]/.test(raw)) {
    return { ok: false, reason: l10n.t('a host[:port] without scheme or path is expected') };
  }
  let url: URL;
  try {
    url = new URL(kind === 'host' ? `${opts.protocol ?? 'https'}://${raw}` : raw);
  } catch {
    return { ok: false, reason: l10n.t('not a valid URL') };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: l10n.t('only http and https are supported') };
  }
  if (url.username || url.password) {
    return { ok: false, reason: l10n.t('user names and passwords are not allowed in an endpoint') };
  }
  if (url.search || url.hash) {
    return { ok: false, reason: l10n.t('a query or fragment is not allowed in an endpoint') };
  }
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .split(REGION_PLACEHOLDER)
    .join('{region}');
  const loopback = isLoopbackHost(host) || (!!opts.resolvesToLoopback && !net().isIP(host));
  const imds = opts.field === 'metadata' && host === IMDS_HOST;
  if (url.protocol === 'http:' && !loopback && !imds) {
    return { ok: false, reason: l10n.t('http is allowed only for loopback addresses; use https') };
  }
  return { ok: true, host, loopback, needsTrust: !loopback && !imds && !isAlibabaCloudHost(host) };
}

export interface EndpointProblem {
  field: EndpointField | 'protocol';
  key?: string;
  reason: string;
}

export interface VettedEndpoints {
  /** The overrides that passed. */
  endpoints: Endpoints;
  /** What was dropped, and why. */
  problems: EndpointProblem[];
  /** Hosts outside *.aliyuncs.com and loopback that the kept endpoints use: the user must trust each. */
  untrustedHosts: string[];
}

/**
 * Vets a profile's endpoint overrides from settings. Invalid entries, and those whose host is in
 * `refused` (the user did not trust it), are dropped with a reason. `ossResolveTo` (every OSS host
 * name resolves to it, for a sandbox) must be a loopback IP. `protocol: "http"` downgrades every
 * default endpoint too, so it is kept only when RAM, STS, ECS and OSS are all overridden.
 */
export function vetEndpointOverrides(overrides: unknown, refused: ReadonlySet<string> = new Set()): VettedEndpoints {
  const problems: EndpointProblem[] = [];
  const untrusted = new Set<string>();
  const e: Endpoints = {};
  if (overrides === undefined || overrides === null) {
    return { endpoints: e, problems, untrustedHosts: [] };
  }
  if (typeof overrides !== 'object' || Array.isArray(overrides)) {
    return {
      endpoints: e,
      problems: [{ field: 'protocol', reason: l10n.t('endpoint overrides must be an object') }],
      untrustedHosts: [],
    };
  }
  const o = overrides as Record<string, unknown>;
  if (o.protocol !== undefined && o.protocol !== 'http' && o.protocol !== 'https') {
    problems.push({ field: 'protocol', reason: l10n.t('protocol must be "http" or "https"') });
  }
  const protocol = o.protocol === 'http' ? 'http' : 'https';
  let resolveTo: string | undefined;
  if (o.ossResolveTo !== undefined) {
    if (typeof o.ossResolveTo === 'string' && net().isIP(o.ossResolveTo) && isLoopbackHost(o.ossResolveTo)) {
      resolveTo = o.ossResolveTo;
    } else {
      problems.push({
        field: 'ossResolveTo',
        reason: l10n.t('must be a loopback IP address (it is meant for a local sandbox)'),
      });
    }
  }
  const take = (field: EndpointField, value: unknown, opts: UrlCheckOptions, key?: string): string | undefined => {
    if (value === undefined) {
      return undefined;
    }
    const v = checkEndpointUrl(value, { ...opts, field });
    if (!v.ok) {
      problems.push({ field, key, reason: v.reason });
      return undefined;
    }
    if (v.needsTrust && refused.has(v.host)) {
      problems.push({ field, key, reason: l10n.t('{0} is not confirmed as a trusted endpoint host', v.host) });
      return undefined;
    }
    if (v.needsTrust) {
      untrusted.add(v.host);
    }
    return String(value).trim();
  };
  const hostOpts: UrlCheckOptions = { kind: 'host', protocol };
  e.ram = take('ram', o.ram, hostOpts);
  e.sts = take('sts', o.sts, hostOpts);
  e.ecs = take('ecs', o.ecs, hostOpts);
  e.actiontrail = take('actiontrail', o.actiontrail, hostOpts);
  if (o.ecsByRegion !== undefined) {
    if (typeof o.ecsByRegion !== 'object' || o.ecsByRegion === null || Array.isArray(o.ecsByRegion)) {
      problems.push({ field: 'ecsByRegion', reason: l10n.t('must map region ids to hosts') });
    } else {
      const byRegion: Record<string, string> = {};
      for (const [region, host] of Object.entries(o.ecsByRegion as Record<string, unknown>)) {
        if (!isRegionId(region)) {
          problems.push({ field: 'ecsByRegion', key: region.slice(0, 64), reason: l10n.t('not a region id') });
          continue;
        }
        const h = take('ecsByRegion', host, hostOpts, region);
        if (h !== undefined) {
          byRegion[region] = h;
        }
      }
      if (Object.keys(byRegion).length) {
        e.ecsByRegion = byRegion;
      }
    }
  }
  e.oss = take('oss', o.oss, { resolvesToLoopback: !!resolveTo });
  if (resolveTo && e.oss) {
    e.ossResolveTo = resolveTo;
  }
  if (o.ossInternal !== undefined) {
    if (typeof o.ossInternal === 'boolean') {
      e.ossInternal = o.ossInternal;
    } else {
      problems.push({ field: 'oss', reason: l10n.t('ossInternal must be true or false') });
    }
  }
  e.metadata = take('metadata', o.metadata, {});
  if (o.protocol === 'https') {
    e.protocol = 'https';
  }
  if (o.protocol === 'http') {
    if (e.ram && e.sts && e.ecs && e.oss) {
      e.protocol = 'http';
    } else {
      problems.push({
        field: 'protocol',
        reason: l10n.t(
          '"http" needs RAM, STS, ECS and OSS all overridden with loopback endpoints; the defaults are reached over https only',
        ),
      });
    }
  }
  const endpoints = Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as Endpoints;
  return { endpoints, problems, untrustedHosts: [...untrusted] };
}
