/**
 * Answers read later, in pieces. A listing answer is kept as the strings it arrived in (at most
 * 32 KB each), its paging token is read from its top level without parsing the rest, and its rows
 * are built when first asked for, one JSON.parse per row. The inventory sends the next page of a
 * listing as soon as an answer arrives and parses the answer when nothing more urgent waits
 * (cloud/inventory.ts).
 *
 * Why pieces and not one string: a page of 100 instances is about 170 KB of JSON and a page of
 * 1,000 roles 270 KB. V8 puts a string over 128 KB in its large-object space, a fresh mapping per
 * string, and on the shared benchmark machines building one (plus the Buffer.concat before it)
 * cost more than JSON.parse itself (5–8 ms a page against 1–4 ms): work the critical path paid in
 * the callback of every answer, before the next request could go.
 */
const PART_BYTES = 32 * 1024;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The body as UTF-8 strings of at most 32 KB each (a character split between chunks is kept whole). */
export async function readParts(body: AsyncIterable<Buffer | string>): Promise<string[]> {
  // A global: no module to load for it.
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let o = 0; o < buf.length; o += PART_BYTES) {
      const s = decoder.decode(buf.subarray(o, o + PART_BYTES), { stream: true });
      if (s) {
        parts.push(s);
      }
    }
  }
  const rest = decoder.decode();
  if (rest) {
    parts.push(rest);
  }
  return parts;
}

export interface ScanOptions {
  /** Top-level members whose scalar values (string, number, boolean, null) are wanted. */
  scalars: readonly string[];
  /** The array at `{ [a]: { [b]: [ … ] } }` whose elements are wanted, each as its JSON text. */
  elements?: readonly [string, string];
}

export interface Scanned {
  scalars: Record<string, unknown>;
  elements: string[];
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDelimiter = (c: number) => isSpace(c) || c === 0x2c || c === 0x7d || c === 0x5d;

/**
 * One pass over a JSON object given in pieces: the wanted top-level scalars and, if asked, the
 * elements of one nested array. Depth is tracked and strings are skipped whole, so a member of
 * the same name deeper down, or a value that quotes a key, is never taken for one. Without
 * `elements` the pass stops once every wanted scalar is found. A text that is not a JSON object,
 * or ends early, throws a SyntaxError, as JSON.parse would (the session reports it as an
 * unreadable answer).
 */
export function scanAnswer(parts: readonly string[], options: ScanOptions): Scanned {
  const want = options.scalars;
  const path = options.elements;
  const scalars: Record<string, unknown> = {};
  const elements: string[] = [];
  let found = 0;
  let depth = 0;
  const keyAt: Array<string | undefined> = [];
  const isArray: boolean[] = [];
  let expectKey = false;
  let started = false;
  // A string being read: whether its text is kept, and whether it is a key.
  let inString = false;
  let keep = false;
  let isKey = false;
  let text = '';
  let backslashes = 0;
  // A top-level number or literal being read.
  let literal: string | undefined;
  // Where the element being captured began: part and offset.
  let elemPart = -1;
  let elemAt = -1;

  const onValueDone = (key: string, value: unknown) => {
    if (!(key in scalars)) {
      found++;
    }
    scalars[key] = value;
  };

  for (let p = 0; p < parts.length; p++) {
    const s = parts[p];
    let i = 0;
    while (i < s.length) {
      if (inString) {
        let j = s.indexOf('"', i);
        while (j >= 0) {
          let k = j - 1;
          let n = 0;
          while (k >= i && s.charCodeAt(k) === BACKSLASH) {
            n++;
            k--;
          }
          if (k < i) {
            n += backslashes;
          }
          if (n % 2 === 0) {
            break;
          }
          j = s.indexOf('"', j + 1);
        }
        if (j < 0) {
          if (keep) {
            text += s.slice(i);
          }
          let k = s.length - 1;
          let n = 0;
          while (k >= i && s.charCodeAt(k) === BACKSLASH) {
            n++;
            k--;
          }
          backslashes = k < i ? backslashes + n : n;
          i = s.length;
          continue;
        }
        if (keep) {
          text += s.slice(i, j);
        }
        inString = false;
        backslashes = 0;
        i = j + 1;
        if (isKey) {
          keyAt[depth] = text;
          expectKey = false;
        } else if (keep) {
          onValueDone(keyAt[1]!, JSON.parse(`"${text}"`));
        }
        text = '';
        if (!path && found === want.length) {
          return { scalars, elements };
        }
        continue;
      }
      const c = s.charCodeAt(i);
      if (literal !== undefined) {
        if (!isDelimiter(c)) {
          literal += s[i++];
          continue;
        }
        onValueDone(keyAt[1]!, JSON.parse(literal));
        literal = undefined;
        if (!path && found === want.length) {
          return { scalars, elements };
        }
      }
      if (!started) {
        if (isSpace(c)) {
          i++;
          continue;
        }
        if (c !== 0x7b) {
          throw new SyntaxError('Unexpected token in JSON: the answer is not an object');
        }
        started = true;
      }
      if (c === QUOTE) {
        inString = true;
        isKey = expectKey;
        // Keys are read where the path or the wanted scalars live; deeper strings are only skipped.
        keep = isKey ? depth <= 2 : depth === 1 && want.includes(keyAt[1]!);
      } else if (c === 0x7b || c === 0x5b) {
        if (
          path &&
          depth === 3 &&
          elemPart < 0 &&
          isArray[3] &&
          keyAt[1] === path[0] &&
          keyAt[2] === path[1] &&
          c === 0x7b
        ) {
          elemPart = p;
          elemAt = i;
        }
        depth++;
        isArray[depth] = c === 0x5b;
        keyAt[depth] = undefined;
        expectKey = c === 0x7b;
      } else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 3 && elemPart >= 0) {
          elements.push(
            elemPart === p
              ? s.slice(elemAt, i + 1)
              : parts[elemPart].slice(elemAt) + parts.slice(elemPart + 1, p).join('') + s.slice(0, i + 1),
          );
          elemPart = -1;
        }
        if (depth === 0) {
          return { scalars, elements };
        }
      } else if (c === 0x2c) {
        expectKey = !isArray[depth];
      } else if (depth === 1 && !expectKey && c !== 0x3a && !isSpace(c) && want.includes(keyAt[1]!)) {
        literal = '';
        continue;
      }
      i++;
    }
  }
  throw new SyntaxError('Unexpected end of JSON input');
}

/** A page whose paging token is known and whose rows are built on first use. */
export interface DeferredPage<T> {
  next?: string;
  /** The rows, parsed on the first call; the answer's text is let go then. */
  items(): T[];
}

/**
 * A deferred page over the answer `parts`: `rows` builds the page's rows from the parsed
 * elements of the array at `path`. Only the rows outlive the first items().
 */
export function deferredPage<R, T>(
  parts: string[],
  next: string | undefined,
  path: readonly [string, string],
  rows: (elements: R[]) => T[],
): DeferredPage<T> {
  let answer: string[] | undefined = parts;
  let built: T[] | undefined;
  return {
    next,
    items() {
      if (!built) {
        const { elements } = scanAnswer(answer!, { scalars: [], elements: path });
        built = rows(elements.map((e) => JSON.parse(e) as R));
        answer = undefined;
      }
      return built;
    },
  };
}
