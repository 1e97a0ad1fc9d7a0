// The typed command boundary: what the registry passes to `run`, and what it refuses before `run`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { callCommand, defineCommand, inputOf, is, type CommandDef, type Refusal } from '../../../src/commands/command';
import type { Services } from '../../../src/services/services';

// Tree rows are recognised by getTreeItem, as VS Code's own rows are.
class Row {
  getTreeItem() {
    return {};
  }
}
class RoleRow extends Row {
  constructor(readonly name: string) {
    super();
  }
}
class BucketRow extends Row {}

const s = {} as Services;

/** A command that records every input it is run with. */
function recording(spec: Partial<CommandDef> = {}) {
  const runs: unknown[] = [];
  const c = defineCommand({
    id: 'test.command',
    node: [RoleRow],
    args: { roleName: is.string, force: is.boolean, tags: is.strings, kind: is.oneOf('a', 'b') },
    run: (_s, input) => {
      runs.push(input);
      return 'ran';
    },
  });
  return { c: { ...c, ...spec }, runs };
}

const refusal = (c: CommandDef, argv: unknown[]): Refusal => {
  let why: Refusal | undefined;
  assert.throws(
    () =>
      callCommand(c, s, argv, (r) => {
        why = r;
        return new Error(r.reason);
      }),
    Error,
  );
  return why!;
};

describe('command boundary', () => {
  test('a row of the declared kind, with the multi-selection of that kind (clicked first)', () => {
    const { c, runs } = recording();
    const [a, b] = [new RoleRow('a'), new RoleRow('b')];
    const other = new BucketRow();
    assert.equal(
      callCommand(c, s, [b, [a, b, other]], () => new Error()),
      'ran',
    );
    assert.deepEqual(runs, [{ node: b, nodes: [b, a], selected: 3, args: {}, scripted: false }]);
  });

  test('a row of another kind is refused and never reaches run', () => {
    const { c, runs } = recording();
    assert.deepEqual(refusal(c, [new BucketRow()]), { reason: 'row' });
    const { c: rowless, runs: rowlessRuns } = recording({ node: undefined });
    assert.deepEqual(refusal(rowless, [new RoleRow('a')]), { reason: 'row' });
    assert.deepEqual([...runs, ...rowlessRuns], []);
  });

  test('checked args reach run typed, and mark the call as scripted', () => {
    const { c, runs } = recording();
    callCommand(c, s, [{ roleName: 'r', force: true, tags: ['x'], kind: 'b' }], () => new Error());
    assert.deepEqual(runs, [
      { nodes: [], selected: 0, args: { roleName: 'r', force: true, tags: ['x'], kind: 'b' }, scripted: true },
    ]);
  });

  test('malformed args are refused and never reach run', () => {
    const { c, runs } = recording();
    assert.deepEqual(refusal(c, [{ roleName: 42 }]), { reason: 'badArg', key: 'roleName', expects: 'a string' });
    assert.deepEqual(refusal(c, [{ tags: ['x', 1] }]), { reason: 'badArg', key: 'tags', expects: 'a list of strings' });
    assert.deepEqual(refusal(c, [{ kind: 'c' }]), { reason: 'badArg', key: 'kind', expects: '"a" | "b"' });
    assert.deepEqual(refusal(c, [{ force: 'yes' }]), { reason: 'badArg', key: 'force', expects: 'true or false' });
    assert.deepEqual(refusal(c, ['just a string']), { reason: 'shape' });
    assert.deepEqual(runs, []);
  });

  test('undeclared keys never reach run, and do not fail the call (its questions are still asked)', () => {
    const { c, runs } = recording();
    callCommand(c, s, [{ roleName: 'r', confirm: true, toString: 'x' }], () => new Error());
    const { c: argless, runs: arglessRuns } = recording({ args: undefined });
    callCommand(argless, s, [{ roleName: 'r' }], () => new Error());
    assert.deepEqual(
      [...runs, ...arglessRuns].map((r) => (r as { args: unknown }).args),
      [{ roleName: 'r' }, {}],
    );
  });

  test('nothing, an empty object or undefined fields: run as from the palette', () => {
    const { c, runs } = recording();
    const none = { nodes: [], selected: 0, args: {}, scripted: false };
    assert.deepEqual(inputOf(c, []), { input: none });
    assert.deepEqual(inputOf(c, [{}]), { input: none });
    assert.deepEqual(inputOf(c, [null]), { input: none });
    assert.deepEqual(inputOf(c, [{ roleName: undefined }]), {
      input: { ...none, args: { roleName: undefined }, scripted: true },
    });
    assert.deepEqual(runs, []);
  });

  test('a declared value form (an Explorer resource, a quick fix) comes first', () => {
    const { c } = recording({ value: ([text]) => (typeof text === 'string' ? text.toUpperCase() : undefined) });
    assert.deepEqual(inputOf(c, ['abc']), {
      input: { nodes: [], selected: 0, args: {}, scripted: false, value: 'ABC' },
    });
  });
});
