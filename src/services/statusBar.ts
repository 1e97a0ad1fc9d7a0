/** Status bar: active profile and region; click to switch. The instance role adds its time left. */
import * as vscode from 'vscode';
import type { ProfileStore } from './profiles';

export class ProfileStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('alibabaCloud.profile', vscode.StatusBarAlignment.Left, 10);
  private readonly sub: vscode.Disposable;
  /** Extra text (e.g. credential time left), set by the instance identity service. */
  suffix = '';

  constructor(private readonly profiles: ProfileStore) {
    this.item.name = vscode.l10n.t('Alibaba Cloud Profile');
    this.item.command = 'alibabaCloud.selectProfile';
    this.sub = profiles.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const p = this.profiles.active();
    if (!p) {
      this.item.text = `$(cloud) ${vscode.l10n.t('Alibaba Cloud: no profile')}`;
      this.item.tooltip = vscode.l10n.t('Add a profile or start the sandbox');
    } else {
      this.item.text = `$(cloud) ${p.name} · ${p.regionId}${this.suffix ? ` · ${this.suffix}` : ''}`;
      this.item.tooltip = vscode.l10n.t('Alibaba Cloud profile ({0}); click to switch', p.source);
    }
    this.item.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
