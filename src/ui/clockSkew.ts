/**
 * One warning per session when the computer's clock is minutes off Alibaba Cloud's (learned from
 * the Date of its answers, cloud/clock.ts). The product corrects for it where it can (OSS request
 * dates, expiry countdowns, refresh timing, presigned URLs), but RPC APIs sign with the local time
 * and refuse requests 15 minutes off, so the user should fix the clock.
 */
import * as vscode from 'vscode';
import { serverClock } from '../cloud/clock';
import type { Log } from './log';
import { showNotice } from './prompt';

export function describeSkew(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  return offsetMs > 0
    ? vscode.l10n.t("Your computer's clock is about {0} min behind Alibaba Cloud's.", minutes)
    : vscode.l10n.t("Your computer's clock is about {0} min ahead of Alibaba Cloud's.", minutes);
}

export function watchClockSkew(log: Log): vscode.Disposable {
  const sub = serverClock.onLargeSkew((offsetMs) => {
    const text = `${describeSkew(offsetMs)} ${vscode.l10n.t("Requests more than 15 minutes off are refused. Turn on automatic time synchronization in your operating system's date and time settings.")}`;
    log.warn(`clock skew: server is ${offsetMs} ms ahead of this machine`);
    void showNotice('warning', text);
  });
  return new vscode.Disposable(() => sub.dispose());
}
