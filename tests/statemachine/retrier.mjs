// What a Retry entry of the definition guarantees over time, computed from its fields the way Step Functions
// applies them: the n-th retry (1-based) waits min(IntervalSeconds * BackoffRate^(n-1), MaxDelaySeconds)
// seconds, or, with JitterStrategy FULL, a uniformly random time between 0 and that. Used by
// throttling.test.mjs to show that a throttled RunEtl outlasts the execution's TimeoutSeconds.

/** Step Functions' longest Standard execution (one year) stands in for a definition without TimeoutSeconds. */
export const longestExecutionSeconds = 365 * 24 * 3600;

/** The cap of each retry's wait: c_1 .. c_MaxAttempts. */
export function delayCaps(retrier) {
  const interval = retrier.IntervalSeconds ?? 1;
  const rate = retrier.BackoffRate ?? 2;
  const cap = retrier.MaxDelaySeconds ?? Infinity;
  const maxAttempts = retrier.MaxAttempts ?? 3;
  const caps = [];
  let d = interval;
  for (let n = 1; n <= maxAttempts; n++) {
    caps.push(Math.min(d, cap));
    d = Math.min(d * rate, cap); // stays finite once capped
  }
  return caps;
}

/**
 * Upper bound of P(sum of the first `count` waits <= seconds). Without jitter the sum is fixed (bound 0 or
 * 1). With FULL jitter the waits are independent, wait_n in [0, c_n], so Hoeffding's inequality gives
 * P(S <= E[S] - t) <= exp(-2 t^2 / sum c_n^2) for t > 0.
 */
export function probabilityWaitsEndWithin(retrier, seconds, count = retrier.MaxAttempts ?? 3) {
  const caps = delayCaps({ ...retrier, MaxAttempts: count });
  const full = retrier.JitterStrategy === 'FULL';
  const mean = caps.reduce((s, c) => s + (full ? c / 2 : c), 0);
  if (!full) return mean <= seconds ? 1 : 0;
  if (mean <= seconds) return 1;
  const spread = caps.reduce((s, c) => s + c * c, 0);
  return Math.exp((-2 * (mean - seconds) ** 2) / spread);
}

/** Expected total wait before the retrier gives up (every attempt throttled). */
export function expectedTotalWait(retrier) {
  const factor = retrier.JitterStrategy === 'FULL' ? 0.5 : 1;
  return delayCaps(retrier).reduce((s, c) => s + c * factor, 0);
}

/**
 * The smallest number of attempts m such that m or more attempts fit into `seconds` only with probability
 * <= epsilon (m attempts need m - 1 waits, all within `seconds`). Bounds the execution history a
 * throttled execution writes before it times out.
 */
export function attemptsWithin(retrier, seconds, epsilon) {
  const unbounded = { ...retrier, MaxAttempts: Infinity };
  const fits = (m) => probabilityWaitsEndWithin(unbounded, seconds, m - 1) > epsilon;
  let low = 2;
  let high = 2;
  while (fits(high)) high *= 2;
  while (low < high) { // the probability falls as m grows: find the first m that no longer fits
    const mid = (low + high) >> 1;
    if (fits(mid)) low = mid + 1; else high = mid;
  }
  return low;
}

/** mulberry32: a small seeded PRNG, so a simulation run is repeatable. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class MinHeap {
  #items = [];
  get size() { return this.#items.length; }
  push(item) {
    const a = this.#items;
    a.push(item);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p].t <= a[i].t) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop() {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l].t < a[m].t) m = l;
        if (r < a.length && a[r].t < a[m].t) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * A burst of `files` executions started together against RunEtl with `concurrency` reserved slots, each
 * load holding a slot for `loadSeconds`. A throttled attempt is retried by `retrier` (jitter drawn from
 * `random`); an execution fails when the retrier gives up and times out at `timeoutSeconds`.
 * @returns {{ loaded: number, failed: number, timedOut: number, lastLoadedAt: number, attempts: number }}
 */
export function simulateBurst({ retrier, timeoutSeconds, files, concurrency, loadSeconds, random, startSpacingSeconds = 0.05, invokeSeconds = 0.05 }) {
  const caps = delayCaps({ ...retrier, MaxAttempts: Math.min(retrier.MaxAttempts ?? 3, 1e6) });
  const full = retrier.JitterStrategy === 'FULL';
  const slotsFreeAt = Array.from({ length: concurrency }, () => 0);
  const queue = new MinHeap();
  for (let f = 0; f < files; f++) queue.push({ t: f * startSpacingSeconds, retries: 0 });
  const result = { loaded: 0, failed: 0, timedOut: 0, lastLoadedAt: 0, attempts: 0 };
  while (queue.size > 0) {
    const attempt = queue.pop();
    result.attempts += 1;
    if (attempt.t >= timeoutSeconds) { result.timedOut += 1; continue; }
    const slot = slotsFreeAt.findIndex((free) => free <= attempt.t);
    if (slot >= 0) {
      const done = attempt.t + loadSeconds;
      slotsFreeAt[slot] = done;
      if (done > timeoutSeconds) { result.timedOut += 1; continue; }
      result.loaded += 1;
      result.lastLoadedAt = Math.max(result.lastLoadedAt, done);
      continue;
    }
    if (attempt.retries >= caps.length) { result.failed += 1; continue; }
    const cap = caps[attempt.retries];
    const wait = full ? random() * cap : cap;
    queue.push({ t: attempt.t + invokeSeconds + wait, retries: attempt.retries + 1 });
  }
  return result;
}
