// Every tree row's context menu, computed from package.json the way VS Code does (the `when` clause
// against `view` and `viewItem`): no row kind gets an empty menu, and separators part groups of
// several items, not single ones (VS Code draws a separator between groups).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ContextValues } from '../../src/views/contextValues';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
type MenuItem = { command: string; when?: string; group?: string };
const items = (pkg.contributes.menus['view/item/context'] as MenuItem[]).filter((m) => !m.group?.startsWith('inline'));

interface Ctx {
  view: string;
  viewItem: string;
  listMultiSelection: boolean;
}

/** The subset of VS Code's when-clause grammar our item menus use; anything else fails the test. */
function holds(when: string | undefined, ctx: Ctx): boolean {
  if (!when) {
    return true;
  }
  return when.split('||').some((alt) =>
    alt.split('&&').every((raw) => {
      const term = raw.trim();
      let m = /^view == (\S+)$/.exec(term);
      if (m) {
        return ctx.view === m[1];
      }
      m = /^viewItem =~ \/(.*)\/$/.exec(term);
      if (m) {
        return new RegExp(m[1]).test(ctx.viewItem);
      }
      if (term === '!listMultiSelection') {
        return !ctx.listMultiSelection;
      }
      throw new Error(`when term not understood by this test: ${term}`);
    }),
  );
}

/** The menu of one row: groups in VS Code's order (navigation first, then by name), items by order. */
function menuOf(view: string, viewItem: string): Map<string, string[]> {
  const ctx = { view: `alibabaCloud.${view}`, viewItem, listMultiSelection: false };
  const groups = new Map<string, Array<{ order: number; command: string }>>();
  for (const m of items.filter((i) => holds(i.when, ctx))) {
    const [group = 'zzz', order = '0'] = (m.group ?? '').split('@');
    groups.set(group, [...(groups.get(group) ?? []), { order: Number(order), command: m.command }]);
  }
  const names = [...groups.keys()].sort((a, b) =>
    a === 'navigation' ? -1 : b === 'navigation' ? 1 : a.localeCompare(b),
  );
  return new Map(
    names.map((g) => [
      g,
      groups
        .get(g)!
        .sort((a, b) => a.order - b.order)
        .map((i) => i.command),
    ]),
  );
}

const instances = ['vpc', 'classic'].flatMap((net) =>
  [true, false].flatMap((role) =>
    ['Running', 'Stopped', 'Starting', 'Stopping', 'Pending', undefined].flatMap((status) =>
      [{}, { publicIp: true }, { eip: true }].map((a) => ContextValues.instance(net, role, status, a)),
    ),
  ),
);
const states = [ContextValues.message, ContextValues.error, ContextValues.refusal, ContextValues.loadMore];

/** Which row kinds each view shows. */
const ROWS: Record<string, string[]> = {
  identity: [
    ContextValues.profile,
    ContextValues.instanceIdentity,
    ContextValues.instanceProblem,
    ContextValues.roleCheck,
    ...states,
  ],
  ram: [
    ContextValues.rolesFolder,
    ContextValues.policiesFolder,
    ContextValues.policyGroup('Custom'),
    ContextValues.policyGroup('System'),
    ContextValues.role(true),
    ContextValues.role(false),
    ContextValues.trustPolicy,
    ContextValues.attachedPolicy,
    ContextValues.policy('Custom'),
    ContextValues.policy('System'),
    ContextValues.policyVersion(true),
    ContextValues.policyVersion(false),
    ContextValues.systemPolicyVersion,
    ContextValues.policyUsedBy,
    ContextValues.roleInstances,
    ...instances, // "Instances" under a role
    ...states,
  ],
  ecs: [ContextValues.region, ContextValues.emptyRegions, ...instances, ...states],
  oss: [
    ContextValues.bucketsFolder,
    ContextValues.bucket,
    ContextValues.pinnedPrefix,
    ContextValues.folder,
    ContextValues.object,
    ...states,
  ],
};

/**
 * A group of one item draws a separator for a single entry. Allowed: the destructive group (kept
 * apart on purpose) and, per row kind, what is listed here with the reason.
 */
const LONE_GROUPS_ALLOWED: Record<string, string[]> = {};

test('every contextValue is shown in some view of this test', () => {
  const all = new Set(Object.values(ROWS).flat());
  const missing = Object.entries(ContextValues)
    .filter(([, v]) => typeof v === 'string')
    .filter(([, v]) => !all.has(v as string))
    .map(([k]) => k);
  assert.deepEqual(missing, [], 'add the row kind to ROWS');
});

test('no row kind gets an empty context menu', () => {
  const empty = Object.entries(ROWS).flatMap(([view, kinds]) =>
    kinds.filter((k) => menuOf(view, k).size === 0).map((k) => `${view}: ${k}`),
  );
  assert.deepEqual(empty, []);
});

test('context menus have no one-item groups (no separator around a single entry)', () => {
  const lone: string[] = [];
  for (const [view, kinds] of Object.entries(ROWS)) {
    for (const kind of kinds) {
      const menu = menuOf(view, kind);
      if (menu.size < 2) {
        continue; // one group: no separator at all
      }
      for (const [group, cmds] of menu) {
        if (cmds.length === 1 && group !== '9_danger' && !LONE_GROUPS_ALLOWED[kind]?.includes(group)) {
          lone.push(`${view}: ${kind}: ${group} holds only ${cmds[0]}`);
        }
      }
    }
  }
  assert.deepEqual(lone, []);
});

test('group names follow one scheme and destructive commands sit in 9_danger', () => {
  const scheme = /^(navigation|1_modify|2_inspect|2_edit|3_copy|9_danger)@\d+$/;
  assert.deepEqual(
    items.filter((m) => !scheme.test(m.group ?? '')).map((m) => `${m.command} ${m.group}`),
    [],
  );
  const destructive = /\.(delete\w*|release\w*|tearDown\w*)$/i;
  assert.deepEqual(
    items.filter((m) => destructive.test(m.command) && !m.group?.startsWith('9_danger')).map((m) => m.command),
    [],
  );
});

test('the menus of a VPC instance and of a bucket read as intended', () => {
  assert.deepEqual(
    [...menuOf('ecs', ContextValues.instance('vpc', true, 'Running', { publicIp: true })).keys()],
    ['navigation', '1_modify', '3_copy', '9_danger'],
  );
  assert.deepEqual(menuOf('oss', ContextValues.bucket).get('9_danger'), ['alibabaCloud.oss.deleteBucket']);
  // the evaluator itself: a kind that matches nothing gets nothing
  assert.equal(menuOf('oss', 'no-such-kind').size, 0);
});
