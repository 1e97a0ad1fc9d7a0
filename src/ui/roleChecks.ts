/**
 * The last "Verify Role on Instance" result per instance, for the identity view. Kept per
 * Services (one extension host), not as a module singleton, and in memory only: it holds no
 * secret, but a verdict from yesterday would mislead.
 */
import * as vscode from 'vscode';
import type { VerifyRoleResult } from '../setup/verifyRole';
import type { Services } from '../ui/services';

export class RoleCheckStore {
  private readonly results = new Map<string, VerifyRoleResult>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  set(r: VerifyRoleResult): void {
    this.results.delete(r.instanceId); // newest first
    this.results.set(r.instanceId, r);
    this.changed.fire();
  }
  remove(instanceId: string): void {
    if (this.results.delete(instanceId)) { this.changed.fire(); }
  }
  all(): VerifyRoleResult[] {
    return [...this.results.values()].reverse();
  }
}

const stores = new WeakMap<Services, RoleCheckStore>();

export function roleChecksOf(s: Services): RoleCheckStore {
  let store = stores.get(s);
  if (!store) {
    store = new RoleCheckStore();
    const st = store;
    stores.set(s, st);
    s.context.subscriptions.push(st.onDidChange(() => s.refresh('identity')));
  }
  return store;
}
