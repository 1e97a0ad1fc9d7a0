/**
 * The ECS view's filter: which instances it shows, by name, id, status or tag. One filter for the
 * whole view (it outlives a profile switch, like the view's own state), announced so the view can
 * say it is filtered.
 */
import * as vscode from 'vscode';
import type { EcsInstance } from '../cloud/ecs';

/**
 * Every term must match. `tag:key` or `tag:key=value` match tags, `status:stopped` the status
 * exactly; a plain term is looked for in the name, id, status and tags (`key=value`).
 */
export function instanceMatches(i: EcsInstance, filter: string | undefined): boolean {
  if (!filter?.trim()) { return true; }
  const tags = (i.tags ?? []).map((t) => `${t.key}=${t.value}`.toLowerCase());
  return filter.toLowerCase().trim().split(/\s+/).every((term) => {
    if (term.startsWith('tag:')) {
      const want = term.slice(4);
      return tags.some((t) => (want.includes('=') ? t === want : t.split('=')[0] === want));
    }
    if (term.startsWith('status:')) { return i.status.toLowerCase() === term.slice(7); }
    return [i.instanceName, i.instanceId, i.status, ...tags].some((x) => x.toLowerCase().includes(term));
  });
}

class InstanceFilter {
  private text?: string;
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChange = this.changed.event;
  get value(): string | undefined { return this.text; }
  set(text: string | undefined): void {
    const next = text?.trim() || undefined;
    if (next === this.text) { return; }
    this.text = next;
    void vscode.commands.executeCommand('setContext', 'alibabaCloud.ecsFiltered', !!next);
    this.changed.fire(next);
  }
  matches(i: EcsInstance): boolean { return instanceMatches(i, this.text); }
}

export const ecsFilter = new InstanceFilter();
