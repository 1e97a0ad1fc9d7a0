/**
 * Object Properties (a read-only document from HeadObject: size, ETag, storage class, content
 * type, user metadata, CRC64) and Edit Metadata (content type and user metadata, replaced in place
 * through CopyObject with x-oss-metadata-directive REPLACE, after a confirmation).
 * Args: { uri } and, for Edit Metadata, { contentType, meta: { key: value } }.
 */
import * as vscode from 'vscode';
import { formatDate, formatOssUri, formatSize } from '../../cloud/ossLocation';
import { markdownCell } from '../../cloud/inert';
import { withProgress } from '../../ui/progress';
import { showPropertiesDocument } from '../../views/readOnlyDocuments';
import { defineCommand, is } from '../command';
import { clickedOnly, cloudFor, OSS_ROWS, ossUriArgs, refreshOss, resolveTargets } from './targets';

/** x-oss-meta-* names: letters, digits and hyphens (HTTP header tokens; OSS stores them lower case). */
const META_NAME = /^[a-z0-9-]+$/i;

/** `a=1; b=two` → { a: '1', b: 'two' }, or a message naming the bad part. */
export function parseUserMeta(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (eq < 0 || !META_NAME.test(name)) {
      return vscode.l10n.t('"{0}" is not name=value with a name of letters, digits and hyphens.', part);
    }
    out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

export const ossObjectProperties = defineCommand({
  id: 'alibabaCloud.oss.objectProperties',
  node: OSS_ROWS,
  args: ossUriArgs,
  run: async (s, input) => {
    const [t] = await resolveTargets(s, clickedOnly(input), 'object', vscode.l10n.t('Object Properties'));
    const { cloud, region } = await cloudFor(s, t);
    const p = await cloud.oss.objectProperties(t.bucket, region, t.key);
    const meta = Object.entries(p.userMeta);
    const text = [
      `# ${markdownCell(formatOssUri(t))}`,
      '',
      `| ${vscode.l10n.t('Property')} | ${vscode.l10n.t('Value')} |`,
      '|---|---|',
      `| ${vscode.l10n.t('Size')} | ${formatSize(p.size)} (${p.size} bytes) |`,
      `| ETag | ${markdownCell(p.etag)} |`,
      `| ${vscode.l10n.t('Storage class')} | ${markdownCell(p.storageClass)} |`,
      `| ${vscode.l10n.t('Content type')} | ${markdownCell(p.contentType)} |`,
      `| ${vscode.l10n.t('Last modified')} | ${markdownCell(formatDate(p.lastModified))} |`,
      `| ${vscode.l10n.t('Object type')} | ${markdownCell(p.objectType)} |`,
      `| CRC64 (x-oss-hash-crc64ecma) | ${markdownCell(p.crc64)} |`,
      `| ${vscode.l10n.t('Region')} | ${region} |`,
      '',
      `## ${vscode.l10n.t('User metadata (x-oss-meta-*)')}`,
      '',
      ...(meta.length ? meta.map(([k, v]) => `- ${markdownCell(k)}: ${markdownCell(v)}`) : [vscode.l10n.t('None.')]),
      '',
    ].join('\n');
    const doc = await showPropertiesDocument(s, `/oss/${t.bucket}/${t.key}.md`, text);
    return { uri: doc.uri.toString(), text: doc.getText(), properties: p };
  },
});

export const ossEditObjectMetadata = defineCommand({
  id: 'alibabaCloud.oss.editObjectMetadata',
  node: OSS_ROWS,
  args: { ...ossUriArgs, contentType: is.string, meta: is.record },
  run: async (s, input) => {
    const a = input.args;
    const title = vscode.l10n.t('Edit Content Type and Metadata');
    const [t] = await resolveTargets(s, clickedOnly(input), 'object', title);
    const { cloud, region } = await cloudFor(s, t);
    const p = await cloud.oss.objectProperties(t.bucket, region, t.key);
    const contentType =
      a.contentType ??
      (await s.prompt.input({
        title,
        prompt: vscode.l10n.t('Content type of {0}', formatOssUri(t)),
        value: p.contentType ?? 'application/octet-stream',
        validateInput: (v) =>
          /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(v.trim())
            ? undefined
            : vscode.l10n.t('Type a media type such as text/plain or application/json.'),
      }));
    let meta = a.meta;
    if (!meta) {
      const typed = await s.prompt.input({
        title,
        prompt: vscode.l10n.t('User metadata as name=value pairs separated by ";" (empty removes all)'),
        value: Object.entries(p.userMeta)
          .map(([k, v]) => `${k}=${v}`)
          .join('; '),
        validateInput: (v) => {
          const r = parseUserMeta(v);
          return typeof r === 'string' ? r : undefined;
        },
      });
      const parsed = parseUserMeta(typed);
      if (typeof parsed === 'string') {
        throw new Error(parsed);
      }
      meta = parsed;
    }
    for (const k of Object.keys(meta)) {
      if (!META_NAME.test(k)) {
        throw new Error(vscode.l10n.t('"{0}" is not name=value with a name of letters, digits and hyphens.', k));
      }
    }
    const ok = await s.prompt.confirm(
      vscode.l10n.t('Replace the metadata of {0}?', formatOssUri(t)),
      vscode.l10n.t(
        'Content type: {0}\nUser metadata: {1}\n\nOSS rewrites the object onto itself (CopyObject, REPLACE): its content stays, its last-modified time changes, and metadata not listed here is removed.',
        contentType,
        Object.entries(meta)
          .map(([k, v]) => `${k}=${v}`)
          .join('; ') || '-',
      ),
      vscode.l10n.t('Replace'),
    );
    if (!ok) {
      return undefined;
    }
    try {
      await withProgress(
        vscode.l10n.t('Updating {0}…', formatOssUri(t)),
        () => cloud.oss.replaceObjectMetadata(t.bucket, region, t.key, contentType.trim(), meta!),
        false,
      );
    } finally {
      refreshOss(s, [t.node?.parent ?? t.node]);
    }
    s.prompt.done(vscode.l10n.t('Updated the content type and metadata of {0}.', formatOssUri(t)));
    return cloud.oss.objectProperties(t.bucket, region, t.key);
  },
});
