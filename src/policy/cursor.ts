/** What the cursor is on in a policy document, for completion and hover. */
import { parseJson, type JsonNode } from './json';

export interface Place {
  kind: 'action' | 'conditionKey';
  offset: number;
  length: number;
  value: string;
}

/** The string under the cursor, if it is an action or a condition key. */
export function placeAt(text: string, offset: number): Place | undefined {
  const { root } = parseJson(text);
  let found: Place | undefined;
  const inside = (n: { offset: number; length: number }) => offset > n.offset && offset < n.offset + n.length;
  const visit = (n: JsonNode, path: string[]) => {
    if (!inside(n) || found) {
      return;
    }
    if (n.type === 'object') {
      for (const p of n.properties) {
        // A key inside Condition → Operator → { key: … }
        if (
          path.length >= 2 &&
          path[path.length - 2] === 'Condition' &&
          offset > p.keyOffset &&
          offset < p.keyOffset + p.keyLength
        ) {
          found = { kind: 'conditionKey', offset: p.keyOffset + 1, length: p.keyLength - 2, value: p.key };
          return;
        }
        visit(p.value, [...path, p.key]);
      }
    } else if (n.type === 'array') {
      for (const i of n.items) {
        visit(i, path);
      }
    } else if (n.type === 'string' && ['Action', 'NotAction'].includes(path[path.length - 1] ?? '')) {
      found = { kind: 'action', offset: n.offset + 1, length: n.length - 2, value: String(n.value) };
    }
  };
  if (root) {
    visit(root, []);
  }
  return found;
}
