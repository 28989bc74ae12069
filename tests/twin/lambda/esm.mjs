// An SQS event source mapping as Lambda runs it: pollers receive from the queue as the function's role,
// gather up to batchSize messages within maximumBatchingWindowSeconds, run at most maximumConcurrency
// batches at once, invoke the function synchronously with the SQS event, and delete what succeeded.
// A failed batch (function error, throttle) is left alone: its messages reappear after the queue's
// visibility timeout and, after maxReceiveCount receives, go to the queue's DLQ (the SQS server's part).
// With ReportBatchItemFailures only the listed messages are kept, with AWS's rules for a bad response.

import { toLambdaRecord } from '../aws/sqs.mjs';

// A mapping without scaling_config may scale to 1000 pollers; the twin caps that, no plan relies on more.
const unscaledConcurrency = 5;
// Lambda's pollers long-poll; the twin waits at most this long per receive, so stop() is quick.
const longPollSeconds = 1;

/**
 * Which message ids failed, from the function's response under ReportBatchItemFailures; null means "treat
 * the whole batch as failed" (invalid JSON, an empty/unknown itemIdentifier), [] complete success.
 */
export function failedItems(body, messageIds) {
  const text = Buffer.from(body ?? '').toString('utf8').trim();
  if (text === '' || text === 'null') return [];
  let response;
  try {
    response = JSON.parse(text);
  } catch {
    return null;
  }
  const failures = response?.batchItemFailures;
  if (failures === undefined || failures === null) return [];
  if (!Array.isArray(failures)) return null;
  const ids = [];
  for (const failure of failures) {
    const id = failure?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !messageIds.includes(id)) return null;
    ids.push(id);
  }
  return ids;
}

export class EventSourceMapping {
  /**
   * mapping: a Deployment.eventSourceMappings entry; fn: its function; sqs: the twin's SQS server (its
   * in-process methods record each call); invoke(payload) -> { body, errorType } | { throttled: true }
   * (the service's synchronous path, concurrency included).
   */
  constructor({ mapping, fn, sqs, region, invoke }) {
    this.mapping = mapping;
    this.fn = fn;
    this.sqs = sqs;
    this.region = region;
    this.invoke = invoke;
    this.principal = { type: 'role', arn: fn.roleArn };
    this.running = false;
    this.workers = [];
    /** Counters a scenario can assert on; errors: SQS refusals (e.g. AccessDenied) the pollers met. */
    this.stats = { batches: 0, messages: 0, deleted: 0, failedBatches: 0, throttledBatches: 0, keptItems: 0, errors: [] };
  }

  async start() {
    this.running = true;
    // Lambda reads the queue's attributes when the mapping is created and while it scales pollers.
    await this.sqs.getAttributes(this.principal, {}, this.mapping.queueArn);
    const count = this.mapping.maximumConcurrency ?? unscaledConcurrency;
    for (let i = 0; i < count; i++) this.workers.push(this.#poll());
  }

  async #poll() {
    while (this.running) {
      try {
        const batch = await this.#gather();
        if (batch.length > 0) await this.#deliver(batch);
      } catch (error) {
        // Lambda keeps polling through errors (and shows them as the mapping's state); so does the twin.
        if (!this.running) return;
        this.stats.errors.push(String(error?.message ?? error));
        await sleep(200);
      }
    }
  }

  async #gather() {
    const { batchSize, maximumBatchingWindowSeconds, queueArn } = this.mapping;
    const windowMs = (maximumBatchingWindowSeconds ?? 0) * 1000;
    const batch = [];
    let windowEnd = 0;
    while (this.running && batch.length < batchSize) {
      const waitMs = batch.length === 0 ? longPollSeconds * 1000 : windowEnd - Date.now();
      const received = await this.sqs.receive(this.principal, {}, queueArn,
        { maxNumberOfMessages: Math.min(10, batchSize - batch.length), waitTimeSeconds: Math.max(0, waitMs) / 1000 });
      batch.push(...received);
      if (batch.length > 0 && windowEnd === 0) windowEnd = Date.now() + windowMs;
      if (batch.length > 0 && Date.now() >= windowEnd) break;
    }
    return batch;
  }

  async #deliver(batch) {
    const { queueArn, reportBatchItemFailures } = this.mapping;
    this.stats.batches += 1;
    this.stats.messages += batch.length;
    const event = { Records: batch.map((m) => toLambdaRecord(m, queueArn, this.region)) };
    const result = await this.invoke(Buffer.from(JSON.stringify(event)));
    if (result.throttled) {
      this.stats.throttledBatches += 1;
      return;
    }
    if (result.errorType) {
      this.stats.failedBatches += 1;
      return;
    }
    let keep = [];
    if (reportBatchItemFailures) {
      keep = failedItems(result.body, batch.map((m) => m.MessageId));
      if (keep === null) {
        this.stats.failedBatches += 1;
        return;
      }
    }
    this.stats.keptItems += keep.length;
    for (const message of batch) {
      if (keep.includes(message.MessageId)) continue;
      await this.sqs.delete(this.principal, {}, queueArn, message.ReceiptHandle);
      this.stats.deleted += 1;
    }
  }

  async stop() {
    this.running = false;
    await Promise.allSettled(this.workers);
    this.workers = [];
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
