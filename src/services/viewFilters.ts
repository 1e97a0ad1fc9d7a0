/**
 * The tree views' filters, one object owned by Services and kept in workspace state so they survive
 * a reload: the ECS view's (one for the view, by name, id, status or tag), the RAM folders' (by
 * name, per folder) and the OSS locations' (by prefix, per `oss://` location).
 */
import * as vscode from 'vscode';

/** `ecs`, `ram:<folder id>` or `oss:<oss:// uri>`. */
export type FilterKey = 'ecs' | `ram:${string}` | `oss:${string}`;

const KEY = 'alibabaCloud.viewFilters';
/** Where OSS filters were kept before the three were one object (read once, then dropped). */
const OLD_OSS_KEY = 'alibabaCloud.oss.filters';

export class ViewFilters implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FilterKey>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    if (this.get('ecs')) {
      void vscode.commands.executeCommand('setContext', 'alibabaCloud.ecsFiltered', true);
    }
  }

  get(key: FilterKey): string | undefined {
    return this.all()[key] || undefined;
  }

  /** Sets (or, empty, clears) a filter; fires only when it changed. */
  async set(key: FilterKey, text: string | undefined): Promise<void> {
    const next = text?.trim() || undefined;
    const all = this.all();
    if (all[key] === next) {
      return;
    }
    if (next) {
      all[key] = next;
    } else {
      delete all[key];
    }
    await this.state.update(KEY, all);
    if (this.state.get(OLD_OSS_KEY) !== undefined) {
      await this.state.update(OLD_OSS_KEY, undefined);
    }
    if (key === 'ecs') {
      void vscode.commands.executeCommand('setContext', 'alibabaCloud.ecsFiltered', !!next);
    }
    this.changed.fire(key);
  }

  private all(): Record<string, string> {
    const old = Object.entries(this.state.get<Record<string, string>>(OLD_OSS_KEY, {})).map(([uri, f]) => [
      `oss:${uri}`,
      f,
    ]);
    return { ...Object.fromEntries(old), ...this.state.get<Record<string, string>>(KEY, {}) };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
