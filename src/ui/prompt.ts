/**
 * All questions go through one Prompter so in-host tests can script the answers (as Azure's
 * TestUserInput does) while users get the real quick picks, input boxes and modal confirms.
 * Dismissing any prompt throws UserCancelled, which the error funnel keeps silent.
 */
import * as vscode from 'vscode';
import { bundleMark } from '../cloud/bundleMark';
import { inert, inertLabel } from '../cloud/inert';

/** In both bundles: `instanceof` answers by a shared mark (cloud/bundleMark.ts). */
const USER_CANCELLED = bundleMark('UserCancelled');
const GO_BACK = bundleMark('GoBack');

/** The user dismissed a prompt; the error funnel keeps it silent. */

export class UserCancelled extends Error {
  static [Symbol.hasInstance](x: unknown): boolean {
    return USER_CANCELLED.has(x);
  }

  constructor() {
    super('cancelled');
    USER_CANCELLED.mark(this);
  }
}

export type Severity = 'info' | 'warning' | 'error';

/**
 * The one place the extension calls `vscode.window.show*Message` (test/unit/notices.test.ts keeps it
 * so). Notices carry names, keys, statuses and server messages that others control, so the whole
 * message (and a modal's detail) is made inert here: no call site can forget it, and our own
 * templates carry no links for it to break (the same test checks the bundle). Buttons are ours.
 */
export function showNotice(severity: Severity, message: string, ...actions: string[]): Thenable<string | undefined> {
  return show(severity, inert(message), {}, actions);
}

/**
 * The one place the extension writes a status bar message (the notices test keeps it so): the
 * status bar renders `$(name)` as an icon, so a copied key or a name reads as typed (inertLabel).
 */
export function statusMessage(text: string, ms: number): vscode.Disposable {
  return vscode.window.setStatusBarMessage(inertLabel(text), ms);
}

/**
 * A quick pick's items as shown: descriptions and details carry cloud text (descriptions of roles
 * and policies, reasons, sizes), which the quick pick would render `$(name)` in. Labels stay as
 * built (ours start with an icon; callers pass cloud text in a label through inertLabel). The
 * caller gets its own item back.
 */
function shownItems<T extends vscode.QuickPickItem>(
  items: T[] | Promise<T[]>,
): { items: Promise<T[]>; original: (shown: T) => T } {
  const back = new Map<T, T>();
  const shown = Promise.resolve(items).then((list) =>
    list.map((i) => {
      const c: T = {
        ...i,
        ...(i.description ? { description: inertLabel(i.description) } : {}),
        ...(i.detail ? { detail: inertLabel(i.detail) } : {}),
      };
      back.set(c, i);
      return c;
    }),
  );
  return { items: shown, original: (x) => back.get(x) ?? x };
}

/** Input box options as shown: a prompt or validation message naming cloud text renders no icon or link. */
function shownInput(options: InputOptions): InputOptions {
  const validate = options.validateInput;
  return {
    ...options,
    prompt: options.prompt === undefined ? undefined : inertLabel(options.prompt, { lines: true }),
    validateInput: validate
      ? async (v) => {
          const r = await validate(v);
          return typeof r === 'string'
            ? inertLabel(r, { lines: true })
            : r
              ? { ...r, message: inertLabel(r.message, { lines: true }) }
              : r;
        }
      : undefined,
  };
}

function showModal(message: string, detail: string, actions: string[]): Thenable<string | undefined> {
  return show(
    'warning',
    inert(message, { lines: true }),
    { modal: true, detail: inert(detail, { lines: true, max: 4000 }) },
    actions,
  );
}

function show(
  severity: Severity,
  message: string,
  options: vscode.MessageOptions,
  actions: string[],
): Thenable<string | undefined> {
  switch (severity) {
    case 'error':
      return vscode.window.showErrorMessage(message, options, ...actions);
    case 'warning':
      return vscode.window.showWarningMessage(message, options, ...actions);
    default:
      return vscode.window.showInformationMessage(message, options, ...actions);
  }
}

export interface PickOptions {
  title?: string;
  placeHolder?: string;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
  /** Shows a Back button (QuickInputButtons.Back); pressing it throws GoBack. Set by the wizard runner. */
  back?: boolean;
}

export type InputOptions = vscode.InputBoxOptions & { back?: boolean };

/** The user pressed Back in a multi-step flow; the wizard runner asks the previous step again. */
export class GoBack extends UserCancelled {
  static [Symbol.hasInstance](x: unknown): boolean {
    return GO_BACK.has(x);
  }

  constructor() {
    super();
    GO_BACK.mark(this);
  }
}

export { BACK } from './wizard/back';
import { BACK } from './wizard/back';

export interface Prompter {
  pick<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T>;
  pickMany<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T[]>;
  input(options: InputOptions): Promise<string>;
  /** A modal confirmation; resolves true only when the action button was chosen. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  /** A modal choice among actions; undefined when dismissed. */
  choose(message: string, detail: string, actions: string[]): Promise<string | undefined>;
  /**
   * A notification with actions, for offers nothing waits on (callers do not await the user);
   * undefined when dismissed or closed.
   */
  notify(message: string, actions: string[], severity?: Severity): Promise<string | undefined>;
  /**
   * Opens a new window on `uri` (vscode.openFolder). Here rather than at the call site so in-host
   * tests capture the request (a Remote-SSH window cannot open in the test host) without any
   * switch that exists outside test mode.
   */
  openWindow(uri: vscode.Uri): Promise<void>;
  /** Installs an extension from the Marketplace (the user asked for it). */
  installExtension(id: string): Promise<void>;
  /** Opens a web page (vscode.env.openExternal): console pages, OpenAPI Explorer. Tests capture it. */
  openExternal(uri: vscode.Uri): Promise<void>;
  /** A short "done" in the status bar, for a quiet success that needs no toast (Rename, Edit Metadata). */
  done(message: string): void;
}

export class VsCodePrompter implements Prompter {
  async pick<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T> {
    const shown = shownItems(items);
    if (options.back) {
      return shown.original(await pickWithBack(shown.items, options));
    }
    const r = await vscode.window.showQuickPick(shown.items, { ...options, ignoreFocusOut: true });
    if (!r) {
      throw new UserCancelled();
    }
    return shown.original(r);
  }
  async pickMany<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T[]> {
    const shown = shownItems(items);
    const r = await vscode.window.showQuickPick(shown.items, { ...options, canPickMany: true, ignoreFocusOut: true });
    if (!r) {
      throw new UserCancelled();
    }
    return r.map(shown.original);
  }
  async input(options: InputOptions): Promise<string> {
    if (options.back) {
      return inputWithBack(shownInput(options));
    }
    const r = await vscode.window.showInputBox({ ...shownInput(options), ignoreFocusOut: true });
    if (r === undefined) {
      throw new UserCancelled();
    }
    return r;
  }
  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await showModal(message, detail, [action])) === action;
  }
  async choose(message: string, detail: string, actions: string[]): Promise<string | undefined> {
    return showModal(message, detail, actions);
  }
  async notify(message: string, actions: string[], severity: Severity = 'info'): Promise<string | undefined> {
    return showNotice(severity, message, ...actions);
  }
  async openWindow(uri: vscode.Uri): Promise<void> {
    await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
  }
  async installExtension(id: string): Promise<void> {
    await vscode.commands.executeCommand('workbench.extensions.installExtension', id);
  }
  async openExternal(uri: vscode.Uri): Promise<void> {
    await vscode.env.openExternal(uri);
  }
  done(message: string): void {
    vscode.window.setStatusBarMessage(`$(check) ${inertLabel(message)}`, 5000);
  }
}

/**
 * showQuickPick and showInputBox take no buttons, so a step with Back uses createQuickPick and
 * createInputBox; they behave the same otherwise (busy while items load, validation as you type).
 */
function pickWithBack<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T> {
  const qp = vscode.window.createQuickPick<T>();
  Object.assign(qp, {
    title: options.title,
    placeholder: options.placeHolder,
    matchOnDescription: !!options.matchOnDescription,
    matchOnDetail: !!options.matchOnDetail,
  });
  qp.ignoreFocusOut = true;
  qp.buttons = [vscode.QuickInputButtons.Back];
  qp.busy = true;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const done = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
        qp.dispose();
      }
    };
    qp.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) {
        done(() => reject(new GoBack()));
      }
    });
    qp.onDidAccept(() => {
      const [sel] = qp.selectedItems;
      if (sel) {
        done(() => resolve(sel));
      }
    });
    qp.onDidHide(() => done(() => reject(new UserCancelled())));
    Promise.resolve(items).then(
      (list) => {
        qp.items = list;
        qp.busy = false;
      },
      (e) => done(() => reject(e)),
    );
    qp.show();
  });
}

function inputWithBack(options: InputOptions): Promise<string> {
  const box = vscode.window.createInputBox();
  Object.assign(box, {
    title: options.title,
    prompt: options.prompt,
    placeholder: options.placeHolder,
    password: !!options.password,
    value: options.value ?? '',
  });
  if (options.valueSelection) {
    box.valueSelection = options.valueSelection;
  }
  box.ignoreFocusOut = true;
  box.buttons = [vscode.QuickInputButtons.Back];
  let checked = 0;
  const validate = async (v: string): Promise<boolean> => {
    const mine = ++checked;
    const r = await options.validateInput?.(v);
    if (mine !== checked) {
      return false;
    } // a newer value is being checked
    box.validationMessage = r ?? undefined;
    return !r;
  };
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const done = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
        box.dispose();
      }
    };
    box.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) {
        done(() => reject(new GoBack()));
      }
    });
    box.onDidChangeValue((v) => {
      void validate(v);
    });
    box.onDidAccept(async () => {
      const v = box.value;
      box.busy = true;
      const ok = await validate(v).finally(() => {
        box.busy = false;
      });
      if (ok && box.value === v) {
        done(() => resolve(v));
      }
    });
    box.onDidHide(() => done(() => reject(new UserCancelled())));
    box.show();
    if (box.value) {
      void validate(box.value);
    }
  });
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
  /** Web pages the extension asked to open (openExternal), in order. */
  readonly external: string[] = [];
  /** The title of each pick and input, in order (step counters), and whether it offered Back. */
  readonly titles: string[] = [];
  readonly backOffered: boolean[] = [];
  /** The prompt text of each input (where a name clash is reported). */
  readonly inputPrompts: string[] = [];
  /** Warnings the inputs showed for the answers typed (a taken name, flagged before Enter). */
  readonly inputWarnings: string[] = [];
  /** The placeholder of each input ('' for none). */
  readonly inputPlaceholders: string[] = [];

  enqueue(...answers: Array<string | string[] | boolean | undefined>): void {
    this.answers.push(...answers);
  }

  get pending(): number {
    return this.answers.length;
  }

  private next(what: string): string | string[] | boolean | undefined {
    this.asked.push(what);
    if (!this.answers.length) {
      throw new Error(`unexpected prompt: ${what}`);
    }
    const a = this.answers.shift();
    if (a === undefined) {
      throw new UserCancelled();
    }
    return a;
  }

  /** The next answer of a pick or input; BACK presses Back, which only a step with Back offers. */
  private nextStep(what: string, options: { title?: string; back?: boolean }): string | string[] | boolean {
    this.titles.push(options.title ?? '');
    this.backOffered.push(!!options.back);
    const a = this.next(what)!;
    if (a === BACK) {
      if (!options.back) {
        throw new Error(`Back pressed where none is offered: ${what}`);
      }
      throw new GoBack();
    }
    return a;
  }

  async pick<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T> {
    const list = await items;
    this.offered.push(list);
    const want = String(this.nextStep(`pick:${options.title ?? options.placeHolder}`, options));
    const hit =
      list.find((i) => i.label === want) ?? list.find((i) => i.label.includes(want) || i.description === want);
    if (!hit) {
      throw new Error(`no item "${want}" among ${list.map((i) => i.label).join(', ')}`);
    }
    return hit;
  }
  async pickMany<T extends vscode.QuickPickItem>(items: T[] | Promise<T[]>, options: PickOptions): Promise<T[]> {
    const list = await items;
    this.offered.push(list);
    const want = this.nextStep(`pickMany:${options.title ?? options.placeHolder}`, options);
    const labels = Array.isArray(want) ? want : [String(want)];
    return list.filter((i) => labels.includes(i.label));
  }
  async input(options: InputOptions): Promise<string> {
    this.inputPrompts.push(options.prompt ?? '');
    this.inputPlaceholders.push(options.placeHolder ?? '');
    const value = String(this.nextStep(`input:${options.title ?? options.prompt}`, options));
    const invalid = await options.validateInput?.(value);
    // As VS Code does: a warning or note is shown under the box, only an error keeps Enter from accepting.
    if (invalid && typeof invalid !== 'string' && invalid.severity !== vscode.InputBoxValidationSeverity.Error) {
      this.inputWarnings.push(invalid.message);
      return value;
    }
    if (invalid) {
      throw new Error(`invalid input "${value}": ${typeof invalid === 'string' ? invalid : invalid.message}`);
    }
    return value;
  }
  async confirm(message: string, detail: string): Promise<boolean> {
    this.details.push(detail);
    const a = this.next(`confirm:${message}`);
    return a === true || typeof a === 'string';
  }
  /** The buttons each modal choice offered, in order (the first is the dialog's default). */
  readonly choices: string[][] = [];
  async choose(message: string, detail: string, actions: string[]): Promise<string | undefined> {
    this.details.push(detail);
    this.choices.push(actions);
    const a = this.next(`choose:${message}`);
    return typeof a === 'string' ? actions.find((x) => x === a || x.includes(a)) : undefined;
  }
  /** Notifications shown, in order. Nothing waits on one, so with no answer queued it is dismissed. */
  readonly notifications: string[] = [];
  async notify(message: string, actions: string[]): Promise<string | undefined> {
    message = inert(message); // what the user would read
    this.notifications.push(message);
    if (!this.answers.length) {
      this.asked.push(`notify:${message}`);
      return undefined;
    }
    const a = this.next(`notify:${message}`);
    return typeof a === 'string' ? actions.find((x) => x === a || x.includes(a)) : undefined;
  }
  async openWindow(uri: vscode.Uri): Promise<void> {
    // Unencoded (`ssh-remote+host`), as Remote-SSH and people write it; toString() gives %2B.
    this.opened.push(uri.toString(true));
  }
  async installExtension(id: string): Promise<void> {
    this.installed.push(id);
  }
  /** Status-bar "done" messages, in order. */
  readonly doneMessages: string[] = [];
  done(message: string): void {
    this.doneMessages.push(inert(message));
  }
  async openExternal(uri: vscode.Uri): Promise<void> {
    this.external.push(uri.toString(true));
  }
}
