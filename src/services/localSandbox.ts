/**
 * The sandbox this window started in its own extension host, if any. The sandbox code itself is
 * loaded only when a user asks for it, so the composition root hands in how to start one.
 */
import type * as vscode from 'vscode';

export interface RunningSandbox {
  readonly info: { endpoint: string; url: string; accessKeyId: string; accessKeySecret: string; controlToken: string };
  close(): Promise<void>;
}

export type SandboxStarter = (options: { statePath: string }) => Promise<RunningSandbox>;

export class LocalSandbox implements vscode.Disposable {
  private running?: RunningSandbox;

  constructor(private readonly start: SandboxStarter) {}

  get current(): RunningSandbox | undefined {
    return this.running;
  }

  /** The running sandbox, started (with its state kept at `statePath`) if there is none. */
  async ensure(statePath: string): Promise<{ sandbox: RunningSandbox; reused: boolean }> {
    if (this.running) {
      return { sandbox: this.running, reused: true };
    }
    this.running = await this.start({ statePath });
    return { sandbox: this.running, reused: false };
  }

  dispose(): void {
    void this.running?.close();
    this.running = undefined;
  }
}
