// Playwright helpers for the VS Code workbench (selectors checked on VS Code 1.139 / code-server 4.139;
// pitfalls in ../README.md). Every wait is bounded.
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './paths.mjs';

const T = 30_000;
const css = (s) => s.replace(/["\\]/g, '\\$&');

/** Waits until the workbench is rendered and the remote connection is up. */
export async function waitForWorkbench(page, timeout = 90_000) {
  await page.waitForSelector('.monaco-workbench .part.activitybar', { timeout });
  await page.waitForSelector('#status\\.host', { timeout: 30_000 }).catch(() => {});
}

/** Gives the workbench keyboard focus without clicking anything that matters. */
async function focusWorkbench(page) {
  await page
    .locator('.part.statusbar')
    .click({ position: { x: 2, y: 2 }, timeout: 5000 })
    .catch(() => {});
}

/** Closes whatever quick input (palette, quick pick) is open. */
export async function closeQuickInput(page) {
  const widget = page.locator('.quick-input-widget');
  if (await widget.isVisible().catch(() => false)) {
    await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }
}

/**
 * Hides the panel (Output, Terminal…) when it is open. "View: Hide Panel" is listed in the palette
 * only while the panel is visible, so asking for it unconditionally would wait for a row that never comes.
 */
export async function hidePanel(page) {
  const panel = page.locator('.part.panel');
  if (await panel.isVisible().catch(() => false)) {
    await runCommand(page, 'View: Hide Panel', 5000);
    await panel.waitFor({ state: 'hidden', timeout: 5000 });
  }
}

// ---------------------------------------------------------------------------------- activity bar / views

/** The activity-bar entry of a view container, by its title (viewsContainers.activitybar[].title). */
export function activityBarItem(page, title) {
  return page.locator(`.part.activitybar a.action-label[aria-label^="${css(title)}"]`);
}

/** Opens a view container by its activity-bar entry (no-op when it is already open). */
export async function openViewContainer(page, title, timeout = T) {
  const item = activityBarItem(page, title);
  await item.waitFor({ state: 'visible', timeout });
  if ((await item.locator('xpath=..').getAttribute('aria-selected')) !== 'true') await item.click();
  // "<Container>" or "<Container>: <View>" (a container with a single view is merged)
  await page
    .locator('.part.sidebar .composite.title .title-label h2', { hasText: title })
    .waitFor({ state: 'visible', timeout });
}

/** The sidebar pane of a view, by its name (views[].name). */
export function viewPane(page, viewName) {
  return page
    .locator('.part.sidebar .pane')
    .filter({ has: page.locator(`.pane-header[aria-label="${css(viewName)} Section"]`) });
}

/** Expands a collapsed view pane (sections of multi-view containers can start collapsed). */
export async function expandView(page, viewName, timeout = T) {
  const header = viewPane(page, viewName).locator('.pane-header');
  await header.waitFor({ state: 'attached', timeout });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

/**
 * Tree rows rendered in a view: [{ label, description, ariaLabel, level, expanded }].
 * The label is the visible .label-name text; aria-label may differ (accessibilityInformation, a string
 * tooltip, or "label description"). The tree is virtualised: only rows in view are in the DOM.
 */
export async function treeItems(page, viewName, { minCount = 1, timeout = T } = {}) {
  const rows = viewPane(page, viewName).locator('.monaco-list-row[role=treeitem]');
  const deadline = Date.now() + timeout;
  while ((await rows.count()) < minCount) {
    if (Date.now() > deadline)
      throw new Error(`view "${viewName}": fewer than ${minCount} tree items after ${timeout} ms`);
    await page.waitForTimeout(100);
  }
  return rows.evaluateAll((els) =>
    els.map((e) => ({
      label: e.querySelector('.label-name')?.textContent ?? null,
      description: e.querySelector('.label-description')?.textContent ?? null,
      ariaLabel: e.getAttribute('aria-label'),
      level: Number(e.getAttribute('aria-level')),
      expanded: e.hasAttribute('aria-expanded') ? e.getAttribute('aria-expanded') === 'true' : undefined,
    })),
  );
}

/** Polls the rendered rows of a view until `pick(rows)` returns something; returns it. */
export async function waitForRows(page, viewName, what, pick, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const rows = await treeItems(page, viewName, { minCount: 0 }).catch(() => []);
    const hit = pick(rows);
    if (hit) return hit;
    if (Date.now() > deadline)
      throw new Error(
        `view "${viewName}": ${what} not shown within ${timeout} ms; rows: ${JSON.stringify(rows.map((r) => [r.label, r.description]))}`,
      );
    await page.waitForTimeout(200);
  }
}

/** The row (from treeItems) whose label is exactly `label`. */
export const rowLabeled = (rows, label) => rows.find((r) => r.label?.trim() === label);

/** The row of a tree item by its visible label (exact string or RegExp). */
export function treeRow(page, viewName, label) {
  // `has` is relative to the row: a locator from `page`, not from the pane.
  const name = page.locator('.label-name', {
    hasText: label instanceof RegExp ? label : new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`),
  });
  return viewPane(page, viewName).locator('.monaco-list-row[role=treeitem]').filter({ has: name }).first();
}

/** Clicks a tree item (selects it; expands a collapsed parent) and returns its row. */
export async function clickTreeItem(page, viewName, label, timeout = T) {
  const row = treeRow(page, viewName, label);
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
  return row;
}

/** Expands a tree item if it is collapsed. */
export async function expandTreeItem(page, viewName, label, timeout = T) {
  const row = treeRow(page, viewName, label);
  await row.waitFor({ state: 'visible', timeout });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  await page
    .waitForFunction((el) => el.getAttribute('aria-expanded') !== 'false', await row.elementHandle(), { timeout })
    .catch(() => {});
  return row;
}

/** Runs an inline action (hover icon) of a tree row by its title, e.g. "Refresh". */
export async function clickTreeItemAction(page, viewName, label, actionTitle, timeout = T) {
  const row = treeRow(page, viewName, label);
  await row.hover({ timeout });
  await row.locator(`.actions a.action-label[aria-label="${css(actionTitle)}"]`).click({ timeout });
}

// ------------------------------------------------------------------------------------- command palette

/** Opens the command palette and types `query` (without the leading '>'); returns its input. */
export async function openPalette(page, query, timeout = T) {
  await closeQuickInput(page);
  await focusWorkbench(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${query}`);
  return input;
}

/** Runs a command through the palette by its label as shown there ("Category: Title"). */
export async function runCommand(page, label, timeout = T) {
  const input = await openPalette(page, label, timeout);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
  await input.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
}

/** The command labels the palette lists for `query` (visible rows only; the list is virtualised). */
export async function paletteCommands(page, query, { timeout = T, minCount = 1 } = {}) {
  await openPalette(page, query, timeout);
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  const deadline = Date.now() + timeout;
  while ((await rows.count()) < minCount && Date.now() < deadline) await page.waitForTimeout(100);
  const labels = await rows.evaluateAll((els) =>
    els.map((e) => e.querySelector('.label-name')?.textContent ?? e.getAttribute('aria-label') ?? ''),
  );
  await closeQuickInput(page);
  return labels;
}

/**
 * Which of `labels` the palette does NOT list (typing each into one open palette; a label counts when
 * a row's label is exactly it). Returns [] when the palette lists them all.
 */
export async function paletteMissing(page, labels, timeout = 5000) {
  const input = await openPalette(page, '', T);
  const missing = [];
  for (const label of labels) {
    await input.fill(`>${label}`);
    const row = page.locator('.quick-input-widget .monaco-list-row .label-name', { hasText: label });
    const found = await row
      .first()
      .waitFor({ state: 'visible', timeout })
      .then(
        () => true,
        () => false,
      );
    const exact = found && (await row.allInnerTexts()).some((t) => t.trim() === label);
    if (!exact) missing.push(label);
  }
  await closeQuickInput(page);
  return missing;
}

// -------------------------------------------------------------------------------- quick picks / inputs

/** Waits for an open quick pick / input box and returns its title and placeholder. */
export async function waitForQuickInput(page, timeout = T) {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout });
  return {
    title: (
      await widget
        .locator('.quick-input-title')
        .innerText()
        .catch(() => '')
    ).trim(),
    placeholder: await widget
      .locator('.quick-input-box input')
      .getAttribute('placeholder')
      .catch(() => null),
  };
}

/** The items an open quick pick shows: [{ label, description, detail }]. */
export async function quickPickItems(page, timeout = T) {
  await waitForQuickInput(page, timeout);
  return page.locator('.quick-input-widget .monaco-list-row').evaluateAll((els) =>
    els.map((e) => ({
      label: e.querySelector('.label-name')?.textContent ?? '',
      description: e.querySelector('.label-description')?.textContent ?? '',
      detail: e.querySelector('.quick-input-list-label-meta')?.textContent ?? '',
    })),
  );
}

/**
 * Answers the open quick input: { pick: label | RegExp } picks an item (typed to filter, then clicked);
 * { pick: [..] } checks several items of a multi-select pick and accepts; { input: text } types into an
 * input box and presses Enter.
 */
export async function answerQuickInput(page, answer, timeout = T) {
  await waitForQuickInput(page, timeout);
  const input = page.locator('.quick-input-widget .quick-input-box input');
  if ('input' in answer) {
    await input.fill(answer.input);
    await page.keyboard.press('Enter');
  } else if (Array.isArray(answer.pick)) {
    for (const label of answer.pick) {
      const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
      await row.waitFor({ state: 'visible', timeout });
      await row.locator('input[type=checkbox], .quick-input-list-checkbox').first().click();
    }
    await page
      .locator('.quick-input-widget .quick-input-action a, .quick-input-widget .monaco-button', { hasText: /OK/ })
      .first()
      .click({ timeout })
      .catch(() => page.keyboard.press('Enter'));
  } else {
    if (typeof answer.pick === 'string') await input.fill(answer.pick);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: answer.pick }).first();
    await row.waitFor({ state: 'visible', timeout });
    await row.click();
  }
}

// -------------------------------------------------------------------------------------- notifications

/**
 * The messages of all notifications (toasts, and the Notification Center if open). With the
 * smoke-test driver the workbench never shows toasts: then only the Notification Center has them.
 */
export async function notifications(page) {
  const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  const center = await page.locator('.notifications-center .notification-list-item-message').allInnerTexts();
  return [...new Set([...toasts, ...center])];
}

/** Waits for a notification whose message matches `re` and returns its text (opens the center if needed). */
export async function waitForNotification(page, re, timeout = T) {
  const deadline = Date.now() + timeout;
  let opened = false;
  while (Date.now() < deadline) {
    for (const t of await notifications(page)) if (re.test(t)) return t;
    // Toasts time out after a while; the center keeps everything.
    if (
      !opened &&
      Date.now() > deadline - timeout / 2 &&
      (await page.locator('.notifications-center.visible').count()) === 0
    ) {
      await page
        .locator('#status\\.notifications')
        .click()
        .catch(() => {});
      opened = true;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(
    `no notification matching ${re} within ${timeout} ms; seen: ${JSON.stringify(await notifications(page))}`,
  );
}

/** Clicks a button (action) of the notification matching `re`, e.g. "Show log". */
export async function clickNotificationAction(page, re, buttonLabel, timeout = T) {
  const item = page
    .locator('.notification-list-item')
    .filter({ has: page.locator('.notification-list-item-message', { hasText: re }) })
    .first();
  await item.locator('.monaco-button', { hasText: buttonLabel }).first().click({ timeout });
}

/** Clears every notification (command "Notifications: Clear All Notifications"). */
export async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications').catch(() => {});
}

// ------------------------------------------------------------------------------------------ steps

/**
 * Makes `step(name, { keepMouse })`: a numbered screenshot in `dir`, the workbench's visible text
 * (innerText) beside it, and a secret scan of that text. Returns the hits of this step ([] when clean).
 */
export function makeStepper({ page, dir, scanner, prefix = '' }) {
  let n = 0;
  return async function step(name, { keepMouse = false } = {}) {
    n++;
    // Park the pointer on the editor area so that no hover tooltip covers the screenshot.
    if (!keepMouse) await page.mouse.move((page.viewportSize()?.width ?? 1400) - 20, 300).catch(() => {});
    const base = `${prefix}${String(n).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '')}`;
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${base}.png`), timeout: 15_000 });
    const text = await page.evaluate(() => document.body.innerText).catch(() => '');
    const textFile = path.join(dir, `${base}.txt`);
    fs.writeFileSync(textFile, text);
    return scanner ? scanner.scanText(text, path.relative(REPO, textFile)) : [];
  };
}

// ------------------------------------------------------------------ typing like a person (flows.ui.mjs)

/** Collapses an expanded view pane (to give the other panes of a container room). */
export async function collapseView(page, viewName, timeout = T) {
  const header = viewPane(page, viewName).locator('.pane-header');
  await header.waitFor({ state: 'attached', timeout });
  // Click the chevron at the left: the header's middle may hold the view's title actions.
  if ((await header.getAttribute('aria-expanded')) === 'true') await header.click({ position: { x: 8, y: 10 } });
  await page.waitForFunction((el) => el.getAttribute('aria-expanded') === 'false', await header.elementHandle(), {
    timeout: 5000,
  });
}

/**
 * Waits until the open quick input shows the prompt whose title / placeholder / message (the input
 * box's `prompt`) match the given RegExps; returns { title, placeholder, message }.
 */
export async function waitForPrompt(page, { title, placeholder, message } = {}, timeout = T) {
  const widget = page.locator('.quick-input-widget');
  const deadline = Date.now() + timeout;
  let seen;
  for (;;) {
    if (await widget.isVisible().catch(() => false)) {
      seen = {
        title: (
          await widget
            .locator('.quick-input-title')
            .innerText()
            .catch(() => '')
        ).trim(),
        placeholder:
          (await widget
            .locator('.quick-input-box input')
            .getAttribute('placeholder')
            .catch(() => null)) ?? '',
        message: (
          await widget
            .locator('.quick-input-message')
            .innerText()
            .catch(() => '')
        ).trim(),
      };
      if (
        (!title || title.test(seen.title)) &&
        (!placeholder || placeholder.test(seen.placeholder)) &&
        (!message || message.test(seen.message))
      )
        return seen;
    }
    if (Date.now() > deadline)
      throw new Error(
        `no quick input with ${JSON.stringify({ title: String(title), placeholder: String(placeholder), message: String(message) })} within ${timeout} ms; last seen ${JSON.stringify(seen)}`,
      );
    await page.waitForTimeout(100);
  }
}

/** The highlighted (focused) row of the open quick pick: { label, description, detail }, or undefined. */
export async function focusedQuickPickItem(page) {
  const row = page.locator('.quick-input-widget .monaco-list-row.focused').first();
  if (!(await row.count())) return undefined;
  return row
    .evaluate((e) => ({
      label: (e.querySelector('.label-name')?.textContent ?? '').trim(),
      description: (e.querySelector('.label-description')?.textContent ?? '').trim(),
      detail: (e.querySelector('.quick-input-list-label-meta')?.textContent ?? '').trim(),
    }))
    .catch(() => undefined);
}

/**
 * Like a person: types `text` into the open quick pick (replacing what is there), waits until the
 * highlighted row's label matches `expect` (string: equal after trimming; RegExp: test), then presses
 * Enter. Returns that row ({ label, description, detail }).
 */
export async function typeAndPick(page, text, expect = text, timeout = T) {
  await waitForQuickInput(page, timeout);
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.focus();
  await input.press('ControlOrMeta+a');
  await page.keyboard.type(text, { delay: 10 });
  const ok = (item) => item && (expect instanceof RegExp ? expect.test(item.label) : item.label === expect);
  const deadline = Date.now() + timeout;
  let item = await focusedQuickPickItem(page);
  while (!ok(item)) {
    if (Date.now() > deadline) {
      const all = (await quickPickItems(page, 1000).catch(() => [])).map((i) => i.label);
      throw new Error(
        `typing "${text}": the highlighted item is ${JSON.stringify(item?.label)}, not ${expect}; items: ${JSON.stringify(all)}`,
      );
    }
    await page.waitForTimeout(100);
    item = await focusedQuickPickItem(page);
  }
  await page.keyboard.press('Enter');
  return item;
}

/**
 * Like a person: replaces the value of the open input box with `text` (select all, type) and presses
 * Enter. Fails if the input box shows a validation error for it.
 */
export async function typeAndEnter(page, text, timeout = T) {
  await waitForQuickInput(page, timeout);
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.focus();
  await input.press('ControlOrMeta+a');
  await page.keyboard.type(text, { delay: 10 });
  // Keystrokes go to whatever has focus: an editor that takes focus back while the box opens (the
  // walkthrough page does) swallows some. Then put the whole text in the box itself.
  if ((await input.inputValue()) !== text) {
    await input.fill(text);
  }
  const error = page.locator(
    '.quick-input-widget .quick-input-message .monaco-inputbox-message.error, .quick-input-widget .monaco-inputbox.error',
  );
  // validateInput runs debounced, once per keystroke: under load the verdict on a half-typed value
  // (an ARN cut at "acs:oss:*:1") can still be shown after the whole text is in. Only a verdict that
  // stays is a refusal.
  const settled = Date.now() + 3000;
  do await page.waitForTimeout(150);
  while ((await error.count()) && Date.now() < settled);
  if (await error.count())
    throw new Error(
      `the input box refused "${text}": ${await page
        .locator('.quick-input-widget .quick-input-message')
        .innerText()
        .catch(() => '?')}`,
    );
  await input.press('Enter');
}

/** Waits for a modal dialog; returns { message, detail, buttons: [labels] }. */
export async function waitForDialog(page, timeout = T) {
  const box = page.locator('.monaco-dialog-box');
  await box.waitFor({ state: 'visible', timeout });
  return {
    message: (
      await box
        .locator('.dialog-message-text')
        .innerText()
        .catch(() => '')
    ).trim(),
    detail: (
      await box
        .locator('.dialog-message-detail')
        .innerText()
        .catch(() => '')
    ).trim(),
    buttons: (await box.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((t) => t.trim()),
  };
}

/**
 * Answers the open modal dialog with the button labelled `button`: Enter when the dialog has focused
 * that button (as it does its primary one), otherwise Tab to it, and as a last resort a click.
 * Returns how: 'Enter' or 'click'.
 */
export async function answerDialog(page, button, timeout = T) {
  const box = page.locator('.monaco-dialog-box');
  await box.waitFor({ state: 'visible', timeout });
  const focused = () =>
    page.evaluate(() =>
      document.activeElement?.closest('.monaco-dialog-box') ? document.activeElement.textContent?.trim() : undefined,
    );
  const message = (
    await box
      .locator('.dialog-message-text')
      .innerText()
      .catch(() => '')
  ).trim();
  for (let i = 0; i < 6 && (await focused()) !== button; i++) await page.keyboard.press('Tab');
  let how = 'Enter';
  if ((await focused()) === button) await page.keyboard.press('Enter');
  else {
    how = 'click';
    await box.locator('.dialog-buttons .monaco-button', { hasText: button }).first().click({ timeout });
  }
  // Answered when this dialog is gone: the box hidden, or already showing the next dialog's message
  // (a command that asks again at once reuses the box before a "hidden" state can be seen).
  await page.waitForFunction(
    (prev) => {
      const b = document.querySelector('.monaco-dialog-box');
      return !b || !b.checkVisibility() || b.querySelector('.dialog-message-text')?.textContent?.trim() !== prev;
    },
    message,
    { timeout },
  );
  return how;
}

/** The text of the active editor (the visible lines; non-breaking spaces as spaces). */
export async function activeEditorText(page) {
  const lines = page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first();
  return ((await lines.innerText().catch(() => '')) ?? '').replace(/\u00a0/g, ' ');
}

/** The text of the status bar entry matching `re` (waits for it). */
export async function statusBarItem(page, re, timeout = T) {
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: re }).first();
  await item.waitFor({ state: 'visible', timeout });
  return (await item.innerText()).trim();
}

/** Makes the side bar `width` px wide by dragging its sash (long tree descriptions stay readable in screenshots). */
export async function setSidebarWidth(page, width, timeout = T) {
  const sidebar = page.locator('.part.sidebar');
  await sidebar.waitFor({ state: 'visible', timeout });
  const box = await sidebar.boundingBox();
  if (!box || Math.abs(box.width - width) < 4) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width + 1, y, { steps: 8 });
  await page.mouse.up();
}
