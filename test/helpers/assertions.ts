import assert from 'node:assert/strict';

/** Asserts that `p` rejects with this SDK error code (and HTTP status), returning the error. */
export async function rejectsWith(
  p: Promise<unknown>,
  code: string,
  status?: number,
): Promise<Record<string, unknown>> {
  let caught: Record<string, unknown> | undefined;
  await assert.rejects(p, (e: unknown) => {
    caught = e as Record<string, unknown>;
    return true;
  });
  assert.equal(caught?.code, code, `expected ${code}, got ${String(caught?.code)}: ${String(caught?.message)}`);
  if (status !== undefined) {
    assert.equal(caught?.statusCode, status);
  }
  return caught!;
}
