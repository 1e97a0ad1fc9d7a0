/**
 * Bounded retries with exponential backoff and jitter, for throttling, server errors and requests
 * that never left. A request that may have arrived (timeout, dropped connection) is repeated only
 * when repeating it is harmless: a read, or a mutation that is idempotent by nature or by a
 * ClientToken. Anything else ends as OutcomeUnknown, because a second attempt could do it twice.
 */
import { outcomeUnknownError, toCloudError, type CloudError } from './errors';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 3000 };

export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  convert: (e: unknown) => CloudError = (e) => toCloudError(e),
  onRetry?: (err: CloudError, attempt: number, delayMs: number) => void,
  /** Repeating the request cannot do the work twice. */
  idempotent = true,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      const err = convert(e);
      if (err.outcomeUnknown && !idempotent) {
        throw outcomeUnknownError(err);
      }
      if (!err.retryable || attempt >= policy.maxAttempts) {
        throw err;
      }
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      onRetry?.(err, attempt, Math.round(delay));
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
