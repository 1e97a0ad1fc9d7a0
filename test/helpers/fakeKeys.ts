/**
 * AccessKey-shaped values made at runtime: the tree holds no literal one (the secret check refuses
 * them, and so would any real scanner), so fixtures assemble the prefix from pieces.
 */
import { randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const randomAlnum = (n: number) => Array.from({ length: n }, () => ALNUM[randomInt(ALNUM.length)]).join('');

/** An AccessKey id: the documented prefix and `length` more letters and digits (12–30). */
export function fakeAccessKeyId(length = 20): string {
  return ['LT', 'AI'].join('') + randomAlnum(length);
}

/** A 30-character secret with both cases (as real ones have). */
export function fakeAccessKeySecret(): string {
  return `Aa${randomAlnum(28)}`;
}
