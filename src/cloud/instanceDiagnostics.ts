/**
 * "Diagnose Instance Credentials": every step between this host and a working STS identity, run
 * one by one so the report says which one broke — token PUT, identity, role discovery, credentials
 * fetch, hardened mode, expiry, clock skew, an STS GetCallerIdentity and an OSS ListBuckets with
 * the role's credentials. The report is markdown and holds no secret: the AccessKeyId is masked,
 * and every text is scrubbed of the secret, the token and the full key before it is stored.
 */
import { createCloud as defaultCreateCloud, type Cloud } from './index';
import { CloudError, toCloudError } from './errors';
import { DEFAULT_IMDS_URL, ImdsClient, metadataRequest, type ImdsCredentials, type InstanceIdentity } from './imds';
import { explainInstanceProblem, formatTimeLeft, instanceProfileConfig, maskAccessKeyId } from './instance';
import { l10n } from './l10n';
import { markdownCell } from './inert';
import { formatDateTime } from './timeFormat';
import type { ProfileConfig } from './profile';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DiagnosticCheck {
  id: 'endpoint' | 'token' | 'identity' | 'role' | 'credentials' | 'hardened' | 'expiry' | 'clock' | 'sts' | 'oss';
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
  ms?: number;
}

export interface DiagnosticsInput {
  imdsUrl?: string;
  endpointSource?: 'setting' | 'env' | 'default';
  allowInsecureFallback?: boolean;
  useInternalOssEndpoint?: boolean;
  sandboxUrl?: string;
  /** Shown in the Environment section (remote name, extension kind, platform, DMI product, probe setting…). */
  environment?: Record<string, string | undefined>;
  timeoutMs?: number;
  createCloud?: (profile: ProfileConfig) => Cloud;
  now?: () => number;
}

export interface DiagnosticsResult {
  generatedAt: Date;
  imdsUrl: string;
  checks: DiagnosticCheck[];
  identity?: InstanceIdentity;
  roleName?: string;
  maskedAccessKeyId?: string;
  expiration?: Date;
  usedInsecureFallback: boolean;
  clockSkewMs?: number;
  environment: Record<string, string | undefined>;
  overall: 'ok' | 'warn' | 'fail';
}

/** Above this the signature checks of OSS and the POP APIs start refusing requests (15 min). */
const SKEW_FAIL_MS = 15 * 60_000;
const SKEW_WARN_MS = 60_000;
const STALE_MS = 15 * 60_000;

interface RawReply {
  status: number;
  date?: Date;
  localMidpoint: number;
  ms: number;
}

async function raw(
  url: string,
  method: 'GET' | 'PUT',
  headers: Record<string, string>,
  timeoutMs: number,
  now: () => number,
): Promise<RawReply> {
  const t0 = now();
  const res = await metadataRequest(url, method, headers, timeoutMs);
  const t1 = now();
  const d = res.date;
  const date = d ? new Date(d) : undefined;
  return {
    status: res.status,
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    localMidpoint: (t0 + t1) / 2,
    ms: t1 - t0,
  };
}

const tokenStatusText = (status: number): string => {
  switch (status) {
    case 400:
      return l10n.t('400: the TTL header was missing or out of range (1–21600 s).');
    case 403:
      return l10n.t(
        '403: refused — the request probably went through a proxy (X-Forwarded-For), which the metadata service rejects.',
      );
    case 404:
    case 405:
      return l10n.t('{0}: this endpoint does not offer hardened mode (no /latest/api/token).', status);
    default:
      return l10n.t('HTTP {0}.', status);
  }
};

export async function runInstanceDiagnostics(input: DiagnosticsInput = {}): Promise<DiagnosticsResult> {
  const now = input.now ?? Date.now;
  const imdsUrl = (input.imdsUrl ?? DEFAULT_IMDS_URL).replace(/\/+$/, '');
  const timeoutMs = Math.min(input.timeoutMs ?? 1000, 1000);
  const fallback = input.allowInsecureFallback ?? false;
  const secrets: string[] = [];
  const scrub = (text: string) => secrets.reduce((t, s) => (s ? t.split(s).join('***') : t), text);
  const checks: DiagnosticCheck[] = [];
  const add = (c: DiagnosticCheck) => {
    checks.push({ ...c, detail: scrub(c.detail), fix: c.fix && scrub(c.fix) });
  };
  const skip = (id: DiagnosticCheck['id'], title: string, why: string) =>
    add({ id, title, status: 'skip', detail: why });
  const result: DiagnosticsResult = {
    generatedAt: new Date(now()),
    imdsUrl,
    checks,
    usedInsecureFallback: false,
    environment: input.environment ?? {},
    overall: 'ok',
  };
  const errorText = (e: unknown) => {
    const err = toCloudError(e);
    return `${err.explanation ?? err.message} [${err.code}]`;
  };

  add({
    id: 'endpoint',
    title: l10n.t('Metadata endpoint'),
    status: 'ok',
    detail: l10n.t(
      '{0} (from {1}); token-less fallback {2}.',
      imdsUrl,
      input.endpointSource ?? (imdsUrl === DEFAULT_IMDS_URL ? 'default' : 'setting'),
      fallback ? l10n.t('allowed') : l10n.t('off (hardened mode only)'),
    ),
  });

  // 1. Token PUT, by hand, to report its exact status and read the server's clock.
  let tokenOk: boolean;
  let dateReply: RawReply | undefined;
  try {
    const r = await raw(
      `${imdsUrl}/latest/api/token`,
      'PUT',
      { 'X-aliyun-ecs-metadata-token-ttl-seconds': '60' },
      timeoutMs,
      now,
    );
    dateReply = r;
    tokenOk = r.status === 200;
    add(
      tokenOk
        ? {
            id: 'token',
            title: l10n.t('Token (PUT /latest/api/token)'),
            status: 'ok',
            detail: l10n.t('Issued in {0} ms.', Math.round(r.ms)),
            ms: r.ms,
          }
        : {
            id: 'token',
            title: l10n.t('Token (PUT /latest/api/token)'),
            status: fallback ? 'warn' : 'fail',
            detail: tokenStatusText(r.status),
            ms: r.ms,
            fix: fallback
              ? l10n.t('Reads continue without a token (fallback allowed).')
              : explainInstanceProblem(
                  new CloudError({ code: 'ImdsHardenedRequired', status: r.status, message: '' }),
                  { baseUrl: imdsUrl },
                ).fix,
          },
    );
  } catch (e) {
    const timedOut = /Timeout|Abort/.test((e as Error).name);
    const err = new CloudError({
      code: 'ImdsUnreachable',
      service: 'imds',
      message: timedOut
        ? l10n.t('The metadata service at {0} did not answer within {1} ms.', imdsUrl, timeoutMs)
        : l10n.t('The metadata service at {0} could not be reached.', imdsUrl),
    });
    const p = explainInstanceProblem(err, { baseUrl: imdsUrl });
    add({
      id: 'token',
      title: l10n.t('Token (PUT /latest/api/token)'),
      status: 'fail',
      detail: err.message,
      fix: p.fix,
    });
    for (const [id, title] of [
      ['identity', l10n.t('Instance identity')],
      ['role', l10n.t('Role discovery')],
      ['credentials', l10n.t('Credentials fetch')],
    ] as const) {
      skip(id, title, l10n.t('Skipped: the metadata service is unreachable.'));
    }
    return finish(result);
  }

  // 2. Identity and role through the extension's own client (same code path as detection).
  const imds = new ImdsClient({ baseUrl: imdsUrl, allowInsecureFallback: fallback, timeoutMs });
  try {
    const t0 = now();
    result.identity = await imds.getIdentity();
    add({
      id: 'identity',
      title: l10n.t('Instance identity'),
      status: 'ok',
      ms: now() - t0,
      detail: l10n.t('{0} in {1} ({2}).', result.identity.instanceId, result.identity.regionId, result.identity.zoneId),
    });
  } catch (e) {
    const err = toCloudError(e);
    add({
      id: 'identity',
      title: l10n.t('Instance identity'),
      status: 'fail',
      detail: errorText(err),
      fix: explainInstanceProblem(err, { baseUrl: imdsUrl, allowInsecureFallback: fallback }).fix,
    });
  }
  let creds: ImdsCredentials | undefined;
  try {
    const t0 = now();
    result.roleName = await imds.getRoleName();
    add({
      id: 'role',
      title: l10n.t('Role discovery'),
      status: 'ok',
      ms: now() - t0,
      detail: l10n.t('Role {0} is attached.', result.roleName),
    });
  } catch (e) {
    const err = toCloudError(e);
    add({
      id: 'role',
      title: l10n.t('Role discovery'),
      status: 'fail',
      detail: errorText(err),
      fix: explainInstanceProblem(err, {
        baseUrl: imdsUrl,
        instanceId: result.identity?.instanceId,
        allowInsecureFallback: fallback,
      }).fix,
    });
  }
  if (result.roleName) {
    try {
      const t0 = now();
      creds = await imds.getCredentials(result.roleName);
      secrets.push(creds.accessKeySecret, creds.securityToken, creds.accessKeyId);
      result.maskedAccessKeyId = maskAccessKeyId(creds.accessKeyId);
      result.expiration = creds.expiration;
      add({
        id: 'credentials',
        title: l10n.t('Credentials fetch'),
        status: 'ok',
        ms: now() - t0,
        detail: l10n.t(
          'AccessKeyId {0}; Expiration {1}; LastUpdated {2}. (Secret and token not shown.)',
          result.maskedAccessKeyId,
          formatDateTime(creds.expiration),
          formatDateTime(creds.lastUpdated) || '-',
        ),
      });
    } catch (e) {
      const err = toCloudError(e);
      add({
        id: 'credentials',
        title: l10n.t('Credentials fetch'),
        status: 'fail',
        detail: errorText(err),
        fix: explainInstanceProblem(err, { baseUrl: imdsUrl, allowInsecureFallback: fallback }).fix,
      });
    }
  } else {
    skip('credentials', l10n.t('Credentials fetch'), l10n.t('Skipped: no role.'));
  }

  // 3. Hardened mode: did every read carry a token?
  result.usedInsecureFallback = imds.usedInsecureFallback;
  add(
    imds.usedInsecureFallback
      ? {
          id: 'hardened',
          title: l10n.t('Hardened mode'),
          status: 'warn',
          detail: l10n.t('The token request failed and reads went without a token (fallback).'),
          fix: l10n.t('Fix the token request (see above) so the instance can require tokens (HttpTokens=required).'),
        }
      : {
          id: 'hardened',
          title: l10n.t('Hardened mode'),
          status: tokenOk ? 'ok' : 'fail',
          detail: tokenOk
            ? l10n.t('Every read used a metadata token; no fallback.')
            : l10n.t('No token and no fallback: metadata could not be read.'),
        },
  );

  // 4. Expiry sanity, on the local clock (which is what the refresh logic uses).
  if (creds) {
    const left = creds.expiration.getTime() - now();
    const life = creds.lastUpdated ? creds.expiration.getTime() - creds.lastUpdated.getTime() : undefined;
    const lifeText =
      life !== undefined ? l10n.t(' Lifetime {0} (Expiration − LastUpdated).', formatTimeLeft(life)) : '';
    if (left <= 0) {
      add({
        id: 'expiry',
        title: l10n.t('Expiry'),
        status: 'fail',
        detail: l10n.t('Already expired by the local clock ({0} ago).', formatTimeLeft(-left)) + lifeText,
        fix: l10n.t(
          "The metadata service serves expired credentials, or this host's clock runs ahead: check the clock (below) and NTP.",
        ),
      });
    } else if (left < STALE_MS) {
      add({
        id: 'expiry',
        title: l10n.t('Expiry'),
        status: 'warn',
        detail:
          l10n.t('Expires in {0}: the instance should already have rotated them.', formatTimeLeft(left)) + lifeText,
        fix: l10n.t('Refresh again in a minute; if the expiry does not move, check the clock.'),
      });
    } else {
      add({
        id: 'expiry',
        title: l10n.t('Expiry'),
        status: 'ok',
        detail: l10n.t('Expires in {0} ({1}).', formatTimeLeft(left), formatDateTime(creds.expiration)) + lifeText,
      });
    }
  } else {
    skip('expiry', l10n.t('Expiry'), l10n.t('Skipped: no credentials.'));
  }

  // 5. Clock skew: the metadata service's Date header against the local clock; LastUpdated as a cross-check.
  if (dateReply?.date) {
    // Date has a resolution of one second: anything below that is noise.
    const skew = dateReply.date.getTime() - dateReply.localMidpoint;
    const abs = Math.abs(skew) < 1000 ? 0 : Math.abs(skew);
    result.clockSkewMs = abs === 0 ? 0 : skew;
    const dir = skew > 0 ? l10n.t('behind') : l10n.t('ahead');
    const futureUpdate = creds?.lastUpdated && creds.lastUpdated.getTime() - now() > SKEW_FAIL_MS;
    if (abs > SKEW_FAIL_MS) {
      add({
        id: 'clock',
        title: l10n.t('Clock skew'),
        status: 'fail',
        detail: l10n.t('The local clock is {0} s {1} of the metadata service.', Math.round(abs / 1000), dir),
        fix: l10n.t(
          'Signed requests are refused beyond 15 minutes of skew: sync the clock (chrony/NTP; on ECS use ntp.cloud.aliyuncs.com).',
        ),
      });
    } else if (abs > SKEW_WARN_MS || futureUpdate) {
      add({
        id: 'clock',
        title: l10n.t('Clock skew'),
        status: 'warn',
        detail: futureUpdate
          ? l10n.t('LastUpdated of the credentials lies in the future by the local clock.')
          : l10n.t('The local clock is {0} s {1} of the metadata service.', Math.round(abs / 1000), dir),
        fix: l10n.t('Sync the clock (chrony/NTP).'),
      });
    } else {
      add({
        id: 'clock',
        title: l10n.t('Clock skew'),
        status: 'ok',
        detail: l10n.t('Within a second of the metadata service (Date header).'),
      });
    }
  } else {
    skip('clock', l10n.t('Clock skew'), l10n.t('Skipped: the metadata service sent no Date header.'));
  }

  // 6. Use the credentials: STS GetCallerIdentity, then OSS ListBuckets.
  if (creds && result.identity && result.roleName) {
    const profile: ProfileConfig = {
      ...instanceProfileConfig({
        identity: result.identity,
        roleName: result.roleName,
        imdsUrl,
        allowInsecureFallback: fallback,
        useInternalOssEndpoint: input.useInternalOssEndpoint,
        sandboxUrl: input.sandboxUrl,
      }),
      connectTimeoutMs: 3000,
      readTimeoutMs: 5000,
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    };
    const cloud = (input.createCloud ?? defaultCreateCloud)(profile);
    try {
      const t0 = now();
      try {
        const who = await cloud.whoAmI();
        add({
          id: 'sts',
          title: l10n.t('STS GetCallerIdentity'),
          status: 'ok',
          ms: now() - t0,
          detail: l10n.t(
            '{0} (account {1}) via {2}.',
            who.arn,
            who.accountId,
            profile.endpoints?.sts ?? 'sts.aliyuncs.com',
          ),
        });
      } catch (e) {
        const err = toCloudError(e);
        add({
          id: 'sts',
          title: l10n.t('STS GetCallerIdentity'),
          status: 'fail',
          ms: now() - t0,
          detail: errorText(err),
          fix: err.fix ?? l10n.t('Check that this host can reach {0}.', profile.endpoints?.sts ?? 'sts.aliyuncs.com'),
        });
      }
      const t1 = now();
      try {
        const page = await cloud.oss.listBuckets(undefined, 10);
        add({
          id: 'oss',
          title: l10n.t('OSS ListBuckets'),
          status: 'ok',
          ms: now() - t1,
          detail: page.next
            ? l10n.t('More than {0} buckets visible.', page.items.length)
            : page.items.length === 1
              ? l10n.t('1 bucket visible.')
              : l10n.t('{0} buckets visible.', page.items.length),
        });
      } catch (e) {
        const err = toCloudError(e);
        const denied = /AccessDenied/.test(err.code);
        add({
          id: 'oss',
          title: l10n.t('OSS ListBuckets'),
          status: denied ? 'warn' : 'fail',
          ms: now() - t1,
          detail: errorText(err),
          fix: denied
            ? l10n.t(
                'The role may not list buckets (oss:ListBuckets). That is fine if it only reads buckets it knows: pin them in the OSS view.',
              )
            : err.fix,
        });
      }
    } finally {
      cloud.dispose();
    }
  } else {
    skip('sts', l10n.t('STS GetCallerIdentity'), l10n.t('Skipped: no credentials.'));
    skip('oss', l10n.t('OSS ListBuckets'), l10n.t('Skipped: no credentials.'));
  }
  return finish(result);
}

function finish(result: DiagnosticsResult): DiagnosticsResult {
  result.overall = result.checks.some((c) => c.status === 'fail')
    ? 'fail'
    : result.checks.some((c) => c.status === 'warn')
      ? 'warn'
      : 'ok';
  return result;
}

const mark: Record<CheckStatus, string> = { ok: '✅', warn: '⚠️', fail: '❌', skip: '➖' };
// The report is shown rendered: what the metadata service or an error said cannot become markup.
const cell = markdownCell;

/** The markdown report (a read-only document in VS Code). Built only from the scrubbed result. */
export function buildDiagnosticsReport(r: DiagnosticsResult): string {
  const overall =
    r.overall === 'ok'
      ? l10n.t('all checks passed')
      : r.overall === 'warn'
        ? l10n.t('working, with warnings')
        : l10n.t('failing');
  const out: string[] = [
    `# ${l10n.t('Instance credentials diagnostics')}`,
    '',
    `${l10n.t('Generated {0}', formatDateTime(r.generatedAt))} · ${mark[r.overall]} **${overall}**`,
    '',
  ];
  if (r.identity || r.roleName) {
    out.push(
      `- ${l10n.t('Instance')}: \`${r.identity?.instanceId ?? '-'}\` (${r.identity?.regionId ?? '-'}, ${r.identity?.zoneId ?? '-'})`,
    );
    out.push(`- ${l10n.t('Role')}: \`${r.roleName ?? '-'}\``);
    if (r.maskedAccessKeyId) {
      out.push(`- ${l10n.t('AccessKeyId')}: \`${r.maskedAccessKeyId}\``);
    }
    if (r.expiration) {
      out.push(`- ${l10n.t('Expiration')}: ${formatDateTime(r.expiration)}`);
    }
    out.push('');
  }
  out.push(
    `| ${l10n.t('Check')} | ${l10n.t('Result')} | ${l10n.t('Details')} | ${l10n.t('Time')} |`,
    '|---|---|---|---|',
  );
  for (const c of r.checks) {
    out.push(
      `| ${cell(c.title)} | ${mark[c.status]} ${c.status} | ${cell(c.detail)} | ${c.ms !== undefined ? `${Math.round(c.ms)} ms` : ''} |`,
    );
  }
  const fixes = r.checks.filter((c) => c.fix && (c.status === 'fail' || c.status === 'warn'));
  if (fixes.length) {
    out.push('', `## ${l10n.t('What to do')}`, '');
    for (const c of fixes) {
      out.push(`- **${c.title}**: ${c.fix}`);
    }
  }
  out.push('', `## ${l10n.t('Environment')}`, '');
  out.push(`- ${l10n.t('Metadata endpoint')}: ${r.imdsUrl}`);
  out.push(`- ${l10n.t('Token-less fallback used')}: ${r.usedInsecureFallback ? l10n.t('yes') : l10n.t('no')}`);
  if (r.clockSkewMs !== undefined) {
    out.push(`- ${l10n.t('Clock skew')}: ${Math.round(r.clockSkewMs / 1000)} s`);
  }
  for (const [k, v] of Object.entries(r.environment)) {
    if (v !== undefined) {
      out.push(`- ${k}: ${v}`);
    }
  }
  out.push(
    '',
    `_${l10n.t('No secrets in this report: the AccessKeyId is masked; the AccessKeySecret and the SecurityToken are never included.')}_`,
    '',
  );
  return out.join('\n');
}
