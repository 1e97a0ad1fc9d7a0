/**
 * All questions go through one Prompter so in-host tests can script the answers (as Azure's
 * TestUserInput does) while users get the real quick picks, input boxes and modal confirms.
 * Dismissing any prompt throws UserCancelled, which the error funnel keeps silent.
 */
import * as vscode from 'vscode';
import { UserCancelled } from './errorFunnel';

export interface PickOptions { title?: string; placeHolder?: string; matchOnDescription?: boolean; matchOnDetail?: boolean }

export interface Prompter {
  pick<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T>;
  pickMany<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T[]>;
  input(options: vscode.InputBoxOptions): Promise<string>;
  /** A modal confirmation; resolves true only when the action button was chosen. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  /** A modal choice among actions; undefined when dismissed. */
  choose(message: string, detail: string, actions: string[]): Promise<string | undefined>;
  /**
   * Opens a new window on `uri` (vscode.openFolder). Here rather than at the call site so in-host
   * tests capture the request (a Remote-SSH window cannot open in the test host) without any
   * switch that exists outside test mode.
   */
  openWindow(uri: vscode.Uri): Promise<void>;
  /** Installs an extension from the Marketplace (the user asked for it). */
  installExtension(id: string): Promise<void>;
}

export class VsCodePrompter implements Prompter {
  async pick<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T> {
    const r = await vscode.window.showQuickPick(items, { ...options, ignoreFocusOut: true });
    if (!r) { throw new UserCancelled(); }
    return r;
  }
  async pickMany<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T[]> {
    const r = await vscode.window.showQuickPick(items, { ...options, canPickMany: true, ignoreFocusOut: true });
    if (!r) { throw new UserCancelled(); }
    return r;
  }
  async input(options: vscode.InputBoxOptions): Promise<string> {
    const r = await vscode.window.showInputBox({ ...options, ignoreFocusOut: true });
    if (r === undefined) { throw new UserCancelled(); }
    return r;
  }
  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  }
  async choose(message: string, detail: string, actions: string[]): Promise<string | undefined> {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions);
  }
  async openWindow(uri: vscode.Uri): Promise<void> {
    await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
  }
  async installExtension(id: string): Promise<void> {
    await vscode.commands.executeCommand('workbench.extensions.installExtension', id);
  }
}

/** Scripted answers for in-host tests: labels for picks, text for inputs, action labels for confirms. */
export class ScriptedPrompter implements Prompter {
  private readonly answers: Array<string | string[] | boolean | undefined> = [];
  readonly asked: string[] = [];
  /** The detail text of each confirm and choose, in order (what a modal shows under its message). */
  readonly details: string[] = [];
  /** The items each pick offered, in order (tests check labels, descriptions, what is pre-checked). */
  readonly offered: vscode.QuickPickItem[][] = [];
  /** Windows the extension asked to open, and extensions it asked to install, in order. */
  readonly opened: string[] = [];
  readonly installed: string[] = [];

  enqueue(...answers: Array<string | string[] | boolean | undefined>): void {
    this.answers.push(...answers);
  }

  get pending(): number { return this.answers.length; }

  private next(what: string): string | string[] | boolean | undefined {
    this.asked.push(what);
    if (!this.answers.length) { throw new Error(`unexpected prompt: ${what}`); }
    const a = this.answers.shift();
    if (a === undefined) { throw new UserCancelled(); }
    return a;
  }

  async pick<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T> {
    const list = await items;
    this.offered.push(list);
    const want = String(this.next(`pick:${options.title ?? options.placeHolder}`));
    const hit = list.find((i) => i.label === want) ?? list.find((i) => i.label.includes(want) || i.description === want);
    if (!hit) { throw new Error(`no item "${want}" among ${list.map((i) => i.label).join(', ')}`); }
    return hit;
  }
  async pickMany<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T[]> {
    const list = await items;
    this.offered.push(list);
    const want = this.next(`pickMany:${options.title ?? options.placeHolder}`);
    const labels = Array.isArray(want) ? want : [String(want)];
    return list.filter((i) => labels.includes(i.label));
  }
  async input(options: vscode.InputBoxOptions): Promise<string> {
    const value = String(this.next(`input:${options.title ?? options.prompt}`));
    const invalid = await options.validateInput?.(value);
    if (invalid) { throw new Error(`invalid input "${value}": ${typeof invalid === 'string' ? invalid : invalid.message}`); }
    return value;
  }
  async confirm(message: string, detail: string): Promise<boolean> {
    this.details.push(detail);
    const a = this.next(`confirm:${message}`);
    return a === true || typeof a === 'string';
  }
  async choose(message: string, detail: string, actions: string[]): Promise<string | undefined> {
    this.details.push(detail);
    const a = this.next(`choose:${message}`);
    return typeof a === 'string' ? actions.find((x) => x === a || x.includes(a)) : undefined;
  }
  async openWindow(uri: vscode.Uri): Promise<void> {
    // Unencoded (`ssh-remote+host`), as Remote-SSH and people write it; toString() gives %2B.
    this.opened.push(uri.toString(true));
  }
  async installExtension(id: string): Promise<void> {
    this.installed.push(id);
  }
}
