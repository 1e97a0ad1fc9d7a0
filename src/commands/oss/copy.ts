/** Copy oss:// URIs, and presigned GET URLs whose lifetime never exceeds the credentials'. */
import * as vscode from 'vscode';
import { formatOssUri } from '../../cloud/ossLocation';
import { presignExpirySeconds } from '../../ui/trustedSettings';
import { defineCommand, is } from '../command';
import { cloudFor, OSS_ROWS, ossUriArgs, resolveTargets } from './targets';
import { showNotice, statusMessage } from '../../ui/prompt';

export const ossCopyUri = defineCommand({
  id: 'alibabaCloud.oss.copyUri',
  node: OSS_ROWS,
  args: ossUriArgs,
  run: async (s, input) => {
    const targets = await resolveTargets(s, input, 'any', vscode.l10n.t('Copy oss:// URI'));
    const text = targets.map((t) => formatOssUri(t)).join('\n');
    await vscode.env.clipboard.writeText(text);
    statusMessage(
      vscode.l10n.t('Copied {0}', targets.length === 1 ? text : vscode.l10n.t('{0} URIs', targets.length)),
      3000,
    );
    return text;
  },
});

/** "valid for 59 minutes" / "valid for 40 seconds". */
function lifetimeText(seconds: number): string {
  return seconds >= 120
    ? vscode.l10n.t('valid for {0} minutes', Math.floor(seconds / 60))
    : vscode.l10n.t('valid for {0} seconds', seconds);
}

export const ossCopyPresignedUrl = defineCommand({
  id: 'alibabaCloud.oss.copyPresignedUrl',
  node: OSS_ROWS,
  args: { ...ossUriArgs, seconds: is.number },
  run: async (s, input) => {
    const [t] = await resolveTargets(s, input, 'object', vscode.l10n.t('Copy Presigned URL'));
    const seconds = input.args.seconds ?? presignExpirySeconds();
    const { cloud, region } = await cloudFor(s, t);
    const signed = await cloud.oss.presignGet(t.bucket, region, t.key, seconds);
    await vscode.env.clipboard.writeText(signed.url);
    const left = Math.max(1, Math.round((signed.expiresAt.getTime() - Date.now()) / 1000));
    // The URL itself is a credential (signature and STS token): never logged, only copied.
    const message = signed.capped
      ? vscode.l10n.t("Presigned URL copied: {0} — capped at the credentials' expiry.", lifetimeText(left))
      : vscode.l10n.t('Presigned URL copied: {0}.', lifetimeText(left));
    void showNotice('info', message);
    return { url: signed.url, expiresAt: signed.expiresAt.toISOString(), capped: signed.capped, message };
  },
});
