/** What Show Activity and Propose Least-Privilege Policy share: which role, its 90 days read with progress, the report as Markdown. */
import * as vscode from 'vscode';
import type { Cloud } from '../../cloud';
import type { ActivityReport, Proposal } from '../../policy/rightsize';
import { readActivity, type RoleActivity } from '../../setup/rightsize';
import { pickRole } from '../../ui/pickers';
import { withProgress } from '../../ui/progress';
import type { Services } from '../../services/services';
import { RoleNode } from '../../views/ramView';
import { markdownCell } from '../../cloud/inert';
import { formatDateTime } from '../../cloud/timeFormat';
import { is } from '../command';
import { logDumpCostNote } from '../oss/accessLogDump';

export const rightsizeArgs = { roleName: is.string };

export async function roleOf(
  s: Services,
  cloud: Cloud,
  input: { node?: RoleNode; args: { roleName?: string } },
  title: string,
): Promise<string> {
  return input.node?.role.roleName ?? input.args.roleName ?? (await pickRole(s.prompt, cloud, title));
}

/** The role's 90 days, with progress per window; cancelling keeps what was read. */
export function readWithProgress(cloud: Cloud, roleName: string): Promise<RoleActivity> {
  return withProgress(vscode.l10n.t('Reading 90 days of activity of role {0}…', roleName), (report, signal) =>
    readActivity(cloud, roleName, {
      signal,
      onProgress: (p) =>
        report(
          vscode.l10n.t('window {0} of {1} · {2} events · {3} requests', p.window, p.windows, p.events, p.requests),
          100 / (p.windows * 4),
        ),
    }),
  );
}

/** Markdown cells hold cloud data: keep it from breaking the table or becoming a link. */
const cell = markdownCell;

export function activityMarkdown(a: RoleActivity, proposal?: Proposal): string {
  const r: ActivityReport = a.report;
  const title = proposal
    ? vscode.l10n.t('Least-privilege proposal for role {0}', cell(a.roleName))
    : vscode.l10n.t('Activity of role {0}', cell(a.roleName));
  const lines = [`# ${title}`, ''];
  const done = a.read.windows.filter((w) => w.complete).length;
  lines.push(
    vscode.l10n.t(
      '{0} events over {1} of {2} 30-day windows ({3} ActionTrail requests).',
      r.events,
      done,
      a.read.windows.length,
      a.requests,
    ),
  );
  if (!a.read.complete) {
    lines.push(
      '',
      `> ${vscode.l10n.t('Partial: reading stopped before the end ({0}). What was read is shown.', cell(a.read.error?.message ?? vscode.l10n.t('cancelled')))}`,
    );
  }
  // The proof and the diff are what the report is for: first, before the tables.
  if (proposal) {
    lines.push('', `## ${vscode.l10n.t('Proposal')}`, '');
    lines.push(
      vscode.l10n.t(
        'Proof: {0} of {1} observed allowed calls are allowed by the draft (replayed through the policy evaluator).',
        proposal.proof.allowed,
        proposal.proof.checked,
      ),
      '',
      vscode.l10n.t(
        'The draft removes {0} of {1} actions the current policies allow; it holds {2} actions.',
        proposal.diff.removed,
        proposal.diff.current,
        proposal.diff.draftActions,
      ),
    );
    for (const f of proposal.proof.failures.slice(0, 20)) {
      lines.push(`- ${vscode.l10n.t('Not allowed by the draft:')} ${cell(f.action)} ${cell(f.resource)}`);
    }
  }
  lines.push(...objectSourceLines(a));
  if (a.auditError) {
    lines.push('', `> ${vscode.l10n.t('The RAM access audit could not be read: {0}', cell(a.auditError.message))}`);
  }
  for (const s of r.services) {
    lines.push(
      '',
      `## ${cell(s.service)}`,
      '',
      `| ${vscode.l10n.t('Action')} | ${vscode.l10n.t('Count')} | ${vscode.l10n.t('Last seen')} | ${vscode.l10n.t('Regions')} | ${vscode.l10n.t('Resources')} |`,
      '|---|---:|---|---|---|',
    );
    for (const x of s.actions) {
      lines.push(
        `| ${cell(x.action)}${x.source === 'audit' ? ` (${vscode.l10n.t('audit')})` : ''} | ${x.count || '-'} | ${cell(formatDateTime(x.lastSeen))} | ${cell(x.regions.join(', '))} | ${cell(x.resources.join(', '))} |`,
      );
    }
  }
  lines.push('', `## ${vscode.l10n.t('Denied attempts')}`, '');
  if (!r.denied.length) {
    lines.push(vscode.l10n.t('None.'));
  } else {
    lines.push(
      vscode.l10n.t('The role needed these and was refused.'),
      '',
      `| ${vscode.l10n.t('Action')} | ${vscode.l10n.t('Error')} | ${vscode.l10n.t('Count')} | ${vscode.l10n.t('Last seen')} | ${vscode.l10n.t('Resources')} |`,
      '|---|---|---:|---|---|',
    );
    for (const d of r.denied) {
      lines.push(
        `| ${cell(d.action)} | ${cell(d.errorCode)} | ${d.count} | ${cell(formatDateTime(d.lastSeen))} | ${cell(d.resources.join(', '))} |`,
      );
    }
  }
  lines.push('', `## ${vscode.l10n.t('Events that map to no RAM action')}`, '');
  if (!r.unmapped.length) {
    lines.push(vscode.l10n.t('None.'));
  } else {
    lines.push(vscode.l10n.t('Listed, not guessed: no policy statement is made for them.'), '');
    for (const u of r.unmapped) {
      lines.push(`- ${cell(u.serviceName)} ${cell(u.eventName)} × ${u.count} (${cell(formatDateTime(u.lastSeen))})`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Where each bucket's OSS object resources came from. Object keys are only in data events, which
 * LookupEvents never returns ("OSS data events", alibabacloud.com/help/tc/actiontrail/product-overview/object-storage-oss-data-events);
 * a bucket's dumped access log ("日志转存", help.aliyun.com/zh/oss/user-guide/logging) names them.
 */
function objectSourceLines(a: RoleActivity): string[] {
  if (!a.objectSources.length) {
    return [];
  }
  const out = ['', `## ${vscode.l10n.t('OSS object resources: where they came from')}`, ''];
  for (const o of a.objectSources) {
    const where = o.logging ? `${cell(o.logging.targetBucket)}/${cell(o.logging.targetPrefix)}` : '';
    let text: string;
    if (o.used) {
      text = vscode.l10n.t(
        'narrowed to prefixes from its access log dump ({0}): {1} log objects since {2}, {3} lines of this role, {4} unattributed (signed by STS keys no event of this role carries), {5} by other identities, {6} malformed lines skipped.',
        where,
        o.files,
        cell(formatDateTime(o.since ?? '')),
        o.attributed,
        o.unattributed,
        o.others,
        o.malformed,
      );
    } else if (o.error) {
      text = o.logging
        ? vscode.l10n.t(
            'has an access log dump ({0}) that could not be read ({1}): object actions stay bucket/*.',
            where,
            cell(o.error.message),
          )
        : vscode.l10n.t(
            'whether it has an access log dump could not be read ({0}): object actions stay bucket/*.',
            cell(o.error.message),
          );
    } else if (o.logging) {
      text = vscode.l10n.t(
        'has an access log dump ({0}), but it reaches back only to {1}, not the whole period read: object actions stay bucket/* (narrowing on part of the period could refuse what ran before it).',
        where,
        cell(formatDateTime(o.since ?? '')) || '-',
      );
    } else {
      text = vscode.l10n.t(
        'no access log dump: object actions stay bucket/*, because the RAM access audit says which actions were used but not on which objects. Turn On Access Log Dump… sets one up.',
      );
    }
    out.push(`- ${cell(o.bucket)} (${cell(o.region)}): ${text}`);
  }
  out.push(
    '',
    `> ${vscode.l10n.t('OSS object calls (GetObject, PutObject, ListObjects…) are data events: ActionTrail does not return them from LookupEvents. Without a log dump, the OSS object actions come from the RAM access audit and are scoped to the buckets the role was seen using.')} ${logDumpCostNote()}`,
  );
  return out;
}

/** Buckets the role used that have no access log dump: the offer's subjects. */
export function bucketsWithoutLogDump(a: RoleActivity): Array<{ bucket: string; region: string }> {
  return a.objectSources.filter((o) => !o.logging && !o.error).map((o) => ({ bucket: o.bucket, region: o.region }));
}

/** The offer: Turn On Access Log Dump… for the one bucket missing it, or a pick among them. */
export function logDumpOffer(a: RoleActivity): Record<string, () => unknown> {
  const missing = bucketsWithoutLogDump(a);
  if (!missing.length) {
    return {};
  }
  return {
    [vscode.l10n.t('Turn On Access Log Dump…')]: () =>
      vscode.commands.executeCommand('alibabaCloud.oss.turnOnAccessLogDump', missing.length === 1 ? missing[0] : {}),
  };
}

/** A proposal is offered only when its proof passed: otherwise say why, naming whose activity it was. */
export function requireOffered(proposal: Proposal, who: string, nothingObserved: string): void {
  if (proposal.offered) {
    return;
  }
  throw new Error(
    proposal.proof.checked === 0
      ? nothingObserved
      : vscode.l10n.t(
          'No policy is offered for {0}: {1} of {2} observed calls would be refused by the draft.',
          who,
          proposal.proof.failures.length,
          proposal.proof.checked,
        ),
  );
}
