/**
 * The last "Verify Role on Instance" result per instance, for the identity view. Owned by
 * Services (`roleChecks`), not a module singleton, and in memory only: it holds no secret, but a
 * verdict from yesterday would mislead.
 */
import * as vscode from 'vscode';
import type { VerifyRoleResult } from '../setup/verifyRole';

export class RoleCheckStore implements vscode.Disposable {
  private readonly results = new Map<string, VerifyRoleResult>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  set(r: VerifyRoleResult): void {
    this.results.delete(r.instanceId); // newest first
    this.results.set(r.instanceId, r);
    this.changed.fire();
  }
  remove(instanceId: string): void {
    if (this.results.delete(instanceId)) {
      this.changed.fire();
    }
  }
  all(): VerifyRoleResult[] {
    return [...this.results.values()].reverse();
  }
  dispose(): void {
    this.changed.dispose();
  }
}
