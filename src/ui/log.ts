/**
 * The extension's log: a LogOutputChannel, with every line passed through `redact` so that a
 * secret that slipped into a message (an SDK echoing a token, say) never reaches the output
 * (see redact.ts for what is caught).
 */
import * as vscode from 'vscode';
import type { CloudLogger } from '../cloud/session';
import { redact, registerSecret } from './redact';

export { redact, registerSecret };

export class Log implements CloudLogger {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Alibaba Cloud', { log: true });
  }

  info(message: string): void {
    this.channel.info(redact(message));
  }
  warn(message: string): void {
    this.channel.warn(redact(message));
  }
  error(message: string): void {
    this.channel.error(redact(message));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
