/**
 * The typed command boundary. A command declares what it accepts: tree rows of some kinds (`node`),
 * a plain object of arguments (`args`: automation, tests, chat tools, links), and, rarely, another
 * form VS Code passes (`value`: an Explorer resource, a quick fix's arguments). The registry checks
 * what the command was called with against that declaration (`inputOf`) and refuses anything else
 * before `run`, which receives one typed `Input`. This module imports no `vscode`: unit tests run it.
 */
import type { Services } from '../services/services';

export type Guard<T> = (v: unknown) => v is T;

/** One field of an args schema: what it expects (said in a refusal) and the check. */
export interface Field<T> {
  readonly expects: string;
  check: Guard<T>;
}

const field = <T>(expects: string, check: (v: unknown) => boolean): Field<T> => ({ expects, check: check as Guard<T> });

/** An object literal, not a class instance (a tree row, a Uri) nor an array. */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null);

/** The field types an args schema is made of; every field is optional. */
export const is = {
  string: field<string>('a string', (v) => typeof v === 'string'),
  number: field<number>('a number', (v) => typeof v === 'number' && Number.isFinite(v)),
  boolean: field<boolean>('true or false', (v) => typeof v === 'boolean'),
  strings: field<string[]>('a list of strings', (v) => Array.isArray(v) && v.every((x) => typeof x === 'string')),
  record: field<Record<string, string>>(
    'an object of strings',
    (v) => isPlainObject(v) && Object.values(v).every((x) => typeof x === 'string'),
  ),
  oneOf: <T extends string>(...values: T[]) =>
    field<T>(values.map((v) => `"${v}"`).join(' | '), (v) => values.includes(v as T)),
  /** A structured value: a plain object here; the code that uses it checks the rest. */
  object: <T>(expects: string) => field<T>(expects, isPlainObject),
  /** A structured value with a guard of its own. */
  shaped: <T>(expects: string, check: Guard<T>) => field<T>(expects, check),
};

export type Schema = Record<string, Field<unknown>>;
export type ArgsOf<S extends Schema> = { [K in keyof S]?: S[K] extends Field<infer T> ? T : never };

/** A tree row class (the registry checks rows with instanceof). */
export type RowClass = abstract new (...args: never[]) => unknown;

/** What `run` receives. Without a row: no node, `nodes` empty; without args: `args` is {}. */
export interface Input<N = never, A = Record<string, never>, V = never> {
  /** The clicked row (already checked to be of the command's kinds). */
  node?: N;
  /** The selected rows of the command's kinds, the clicked one first; [node] without a multi-selection. */
  nodes: N[];
  /** How many rows were selected, of any kind (0 when not run on a row): see selection.ts. */
  selected: number;
  /** The checked plain-object arguments. */
  args: A;
  /**
   * True when an args object with keys was given: optional, harmless prompts (a description, a preview) are skipped.
   * Nothing here skips a confirmation of something destructive, billable or permission-granting: any
   * extension can call executeCommand, so those always go through the Prompter.
   */
  scripted: boolean;
  /** The other form the command declared (`value`), when it was called with it. */
  value?: V;
}

export interface CommandSpec<C extends RowClass[], S extends Schema, V, R> {
  id: string;
  /** The tree row classes the command works on; a row of another kind is refused. */
  node?: C;
  /** The plain-object arguments: a wrongly typed value is refused; undeclared keys never reach run. */
  args?: S;
  /** Reads another form from the raw arguments (undefined: not that form). */
  value?: (argv: unknown[]) => V | undefined;
  run(s: Services, input: NoInfer<Input<InstanceType<C[number]>, ArgsOf<S>, V>>): R;
}

/** A command as the registry holds it: its declaration with the input types erased. */
export interface CommandDef {
  id: string;
  node?: RowClass[];
  args?: Schema;
  value?: (argv: unknown[]) => unknown;
  run(s: Services, input: Input<unknown, Record<string, unknown>, unknown>): unknown;
}

export function defineCommand<
  C extends RowClass[] = [],
  S extends Schema = Record<string, never>,
  V = never,
  R = unknown,
>(spec: CommandSpec<C, S, V, R>): CommandDef;
export function defineCommand(spec: unknown): CommandDef {
  return spec as CommandDef;
}

/** Why the registry refused a call; registry.ts says it in words. */
export type Refusal = { reason: 'row' } | { reason: 'badArg'; key: string; expects: string } | { reason: 'shape' };

const isRow = (v: unknown): boolean => !!v && typeof v === 'object' && 'getTreeItem' in v;

/**
 * The typed input for a call with `argv`, or why it is refused. VS Code calls a command with
 * (clicked row, selected rows) from a tree, with the resource from the Explorer or an editor title,
 * with nothing from the palette; other callers pass a plain object of arguments.
 */
export function inputOf(
  c: CommandDef,
  argv: unknown[],
): { input: Input<unknown, Record<string, unknown>, unknown> } | Refusal {
  const none = { nodes: [], selected: 0, args: {}, scripted: false };
  const [first, second] = argv;
  if (first === undefined || first === null) {
    return { input: none };
  }
  const value = c.value?.(argv);
  if (value !== undefined) {
    return { input: { ...none, value } };
  }
  if (isRow(first)) {
    const ofKind = (n: unknown) => !!c.node?.some((k) => n instanceof k);
    if (!ofKind(first)) {
      return { reason: 'row' };
    }
    const selection =
      Array.isArray(second) && second.includes(first) ? [first, ...second.filter((n) => n !== first)] : [first];
    return { input: { ...none, node: first, nodes: selection.filter(ofKind), selected: selection.length } };
  }
  if (isPlainObject(first)) {
    // Keys the command does not declare are dropped, as before the boundary: a caller's
    // `{ confirm: true }` must not fail the call, it must reach run and be asked like anyone else.
    const args: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(first)) {
      const f = c.args && Object.hasOwn(c.args, key) ? c.args[key] : undefined;
      if (!f) {
        continue;
      }
      if (v !== undefined && !f.check(v)) {
        return { reason: 'badArg', key, expects: f.expects };
      }
      args[key] = v;
    }
    return { input: { ...none, args, scripted: Object.keys(first).length > 0 } };
  }
  // Something else VS Code passes (a resource from a menu the command is not meant for): as before
  // the boundary, a command that declared no such form runs as from the palette.
  return typeof first === 'object' ? { input: none } : { reason: 'shape' };
}

/** Runs the command on the checked input; a refused call throws `refuse(why)` and never reaches `run`. */
export function callCommand(c: CommandDef, s: Services, argv: unknown[], refuse: (r: Refusal) => Error): unknown {
  const checked = inputOf(c, argv);
  if (!('input' in checked)) {
    throw refuse(checked);
  }
  return c.run(s, checked.input);
}
