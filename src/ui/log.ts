/**
 * The extension's log: a LogOutputChannel, with every line passed through `redact` so that a
 * secret that slipped into a message (an SDK echoing a token, say) never reaches the output.
 */
import * as vscode from 'vscode';
import type { CloudLogger } from '../cloud/session';

const secrets = new Set<string>();

/** Values that must never be printed (AccessKey secrets, STS secrets and tokens). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) { secrets.add(value); }
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) { out = out.split(s).join('***'); }
  // Belt and braces: the shapes of signatures and tokens in URLs and headers.
  return out
    .replace(/(Signature=)[^&\s]+/g, '$1***')
    .replace(/(security-token=|SecurityToken=)[^&\s]+/gi, '$1***')
    .replace(/(x-acs-security-token:|x-oss-security-token:)\s*\S+/gi, '$1 ***');
}

export class Log implements CloudLogger {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Alibaba Cloud', { log: true });
  }

  info(message: string): void { this.channel.info(redact(message)); }
  warn(message: string): void { this.channel.warn(redact(message)); }
  error(message: string): void { this.channel.error(redact(message)); }
  show(): void { this.channel.show(true); }
  dispose(): void { this.channel.dispose(); }
}
