/** Bounded retries with exponential backoff and jitter, for throttling and server errors only. */
import { toCloudError, type CloudError } from './errors';

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
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      const err = convert(e);
      if (!err.retryable || attempt >= policy.maxAttempts) { throw err; }
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      onRetry?.(err, attempt, Math.round(delay));
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
