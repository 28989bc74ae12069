// An SQS event source mapping as Lambda runs it: pollers receive from the queue as the function's role,
// gather up to batchSize messages within maximumBatchingWindowSeconds, run at most maximumConcurrency
// batches at once, invoke the function synchronously with the SQS event, and delete what succeeded.
// A failed batch (function error, throttle) is left alone: its messages reappear after the queue's
// visibility timeout and, after maxReceiveCount receives, go to the queue's DLQ (the SQS server's part).
// With ReportBatchItemFailures only the listed messages are kept, with AWS's rules for a bad response.

import { createHash } from 'node:crypto';

const pollIntervalMs = 50;
// A mapping without scaling_config may scale to 1000 pollers; the twin caps that, no plan relies on more.
const unscaledConcurrency = 5;

/** Lambda's SQS event record for one received message. */
export function sqsRecord(message, queueArn, region) {
  const now = String(Date.now());
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: now,
      SenderId: 'AROAEXAMPLE',
      ApproximateFirstReceiveTimestamp: now,
      ...(message.attributes ?? {}),
    },
    messageAttributes: message.messageAttributes ?? {},
    md5OfBody: message.md5OfBody ?? createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

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
   * mapping: a Deployment.eventSourceMappings entry; fn: its function; port: sqsPort(); invoke(payload)
   * -> { body, errorType } | { throttled: true } (the service's synchronous path, concurrency included).
   */
  constructor({ mapping, fn, port, region, invoke }) {
    this.mapping = mapping;
    this.fn = fn;
    this.port = port;
    this.region = region;
    this.invoke = invoke;
    this.principal = { type: 'role', arn: fn.roleArn };
    this.running = false;
    this.workers = [];
    /** Counters a scenario can assert on. */
    this.stats = { batches: 0, messages: 0, deleted: 0, failedBatches: 0, throttledBatches: 0, keptItems: 0 };
  }

  async start() {
    this.running = true;
    // Lambda reads the queue's attributes when the mapping is created and while it scales pollers.
    await this.port.attributes(this.principal, this.mapping.queueArn);
    const count = this.mapping.maximumConcurrency ?? unscaledConcurrency;
    for (let i = 0; i < count; i++) this.workers.push(this.#poll());
  }

  async #poll() {
    while (this.running) {
      const batch = await this.#gather();
      if (batch.length === 0) continue;
      await this.#deliver(batch);
    }
  }

  async #gather() {
    const { batchSize, maximumBatchingWindowSeconds, queueArn } = this.mapping;
    const windowMs = (maximumBatchingWindowSeconds ?? 0) * 1000;
    const batch = [];
    let windowEnd = 0;
    while (this.running && batch.length < batchSize) {
      const received = await this.port.receive(this.principal, queueArn, Math.min(10, batchSize - batch.length));
      batch.push(...received);
      if (batch.length > 0 && windowEnd === 0) windowEnd = Date.now() + windowMs;
      if (batch.length >= batchSize || (batch.length > 0 && Date.now() >= windowEnd)) break;
      await sleep(pollIntervalMs);
    }
    return batch;
  }

  async #deliver(batch) {
    const { queueArn, reportBatchItemFailures } = this.mapping;
    this.stats.batches += 1;
    this.stats.messages += batch.length;
    const event = { Records: batch.map((m) => sqsRecord(m, queueArn, this.region)) };
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
      keep = failedItems(result.body, batch.map((m) => m.messageId));
      if (keep === null) {
        this.stats.failedBatches += 1;
        return;
      }
    }
    this.stats.keptItems += keep.length;
    for (const message of batch) {
      if (keep.includes(message.messageId)) continue;
      await this.port.delete(this.principal, queueArn, message.receiptHandle);
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
