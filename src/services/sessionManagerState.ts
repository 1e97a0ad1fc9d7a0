/**
 * What Session Manager keeps for one extension host: the private channel the bridge asks for
 * sessions on (opened on first use), the temporary keys on disk and the instances where their
 * plug-in is installed, and the remover of each open session's key. Owned by Services, disposed
 * with the extension (the channel closes, no key file stays).
 */
import type * as vscode from 'vscode';
import type { SessionChannel } from '../cloud/sessionChannel';
import { clearTempKeys, newTempKeyBook } from '../setup/tempKeyBook';

export class SessionManagerState implements vscode.Disposable {
  readonly keys = newTempKeyBook();
  /** Removers of the temporary keys of open sessions, by session id. */
  readonly keyRemovers = new Map<string, () => void>();
  channel?: Promise<SessionChannel>;
  /** `region/instance/user/commit` where the VS Code server was found or downloaded. */
  readonly stagedServers = new Set<string>();

  dispose(): void {
    void this.channel?.then(
      (c) => c.dispose(),
      () => undefined,
    );
    this.channel = undefined;
    this.keyRemovers.clear();
    clearTempKeys(this.keys);
  }
}
