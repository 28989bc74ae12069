// Asynchronous invocation (X-Amz-Invocation-Type: Event, SNS -> Lambda): Lambda queues the event, answers
// 202 at once, runs it when the function has a free slot (throttles wait, they do not fail the event),
// retries a function error maxRetryAttempts times (asyncConfig, default 2) and then, with an on-failure
// destination, sends Lambda's destination record there as the function's execution role.
// Lambda waits about 1 and then 2 minutes between attempts; the twin waits `retryDelaysMs` (scaled).

import { randomUUID } from 'node:crypto';

export const defaultRetryAttempts = 2;

/** The record Lambda sends to an on-failure destination (AWS docs, "Invocation records"). */
export function destinationRecord({ fn, requestId, payload, result, attempts, condition }) {
  let responsePayload;
  try {
    responsePayload = JSON.parse(Buffer.from(result.body ?? '').toString('utf8'));
  } catch {
    responsePayload = Buffer.from(result.body ?? '').toString('utf8');
  }
  let requestPayload;
  try {
    requestPayload = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    requestPayload = Buffer.from(payload).toString('utf8');
  }
  const responseContext = { statusCode: 200, executedVersion: '$LATEST' };
  if (result.errorType) responseContext.functionError = result.errorType;
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: { requestId, functionArn: `${fn.arn}:$LATEST`, condition, approximateInvokeCount: attempts },
    requestPayload,
    responseContext,
    responsePayload,
  };
}

export class AsyncInvoker {
  /**
   * fn: the Deployment.functions entry; run(payload, requestId) -> { body, errorType } once a slot is held
   * (the service acquires and releases it); sendToQueue(queueArn, body) sends as the function's role.
   */
  constructor({ fn, run, sendToQueue, retryDelaysMs = [100, 200] }) {
    this.fn = fn;
    this.runInSlot = run;
    this.sendToQueue = sendToQueue;
    this.retryDelaysMs = retryDelaysMs;
    this.pending = new Set();
    this.stopped = false;
    /** Every event's outcome: { requestId, attempts, ok, condition, destination }. */
    this.outcomes = [];
  }

  get maxRetryAttempts() {
    return this.fn.asyncConfig?.maxRetryAttempts ?? defaultRetryAttempts;
  }

  /** Queues an event; returns its request id at once, as the 202 does. */
  enqueue(payload) {
    const requestId = randomUUID();
    const work = this.#process(Buffer.from(payload), requestId).finally(() => this.pending.delete(work));
    this.pending.add(work);
    return requestId;
  }

  /** Resolves when every queued event has finished (succeeded or gone to its destination). */
  async idle() {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async #process(payload, requestId) {
    const queuedAt = Date.now();
    const maxAgeMs = (this.fn.asyncConfig?.maxEventAgeSeconds ?? 21600) * 1000;
    let attempts = 0;
    let result = null;
    let condition = 'RetriesExhausted';
    while (!this.stopped) {
      if (Date.now() - queuedAt > maxAgeMs) {
        condition = 'EventAgeExceeded';
        break;
      }
      attempts += 1;
      result = await this.runInSlot(payload, requestId);
      if (!result.errorType) {
        this.outcomes.push({ requestId, attempts, ok: true });
        return;
      }
      if (attempts > this.maxRetryAttempts) break;
      await sleep(this.retryDelaysMs[Math.min(attempts - 1, this.retryDelaysMs.length - 1)]);
    }
    if (this.stopped) return;
    const destination = this.fn.asyncConfig?.onFailure ?? null;
    this.outcomes.push({ requestId, attempts, ok: false, condition, destination });
    if (!destination) return; // Lambda drops the event: what NotifyChat did before it had a destination.
    const record = destinationRecord({ fn: this.fn, requestId, payload, result: result ?? {}, attempts, condition });
    await this.sendToQueue(destination, JSON.stringify(record));
  }

  stop() {
    this.stopped = true;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
