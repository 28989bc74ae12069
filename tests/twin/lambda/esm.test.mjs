// The SQS event source mapping of the Lambda twin, with the fake bootstrap and the twin's SQS server.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { CallLog } from '../aws/calls.mjs';
import { Credentials } from '../aws/credentials.mjs';
import { start } from './service.mjs';
import { failedItems } from './esm.mjs';
import { start as startSqs } from '../aws/sqs.mjs';
import { start as startS3 } from '../aws/s3.mjs';
import { account, fakeTaskRoot, plannedFunction, region } from './fixtures.mjs';

const queueArn = `arn:aws:sqs:${region}:${account}:txetl-dev-file-events`;
const uploader = { type: 'service', service: 's3.amazonaws.com' };

async function until(condition, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The SQS server with the queue, and (once `load` has filled it) the Lambda twin with a mapping from it to
 * start-workflow running the fake bootstrap. t.after stops everything.
 */
async function mappingTwin(t, { visibilityTimeoutSeconds = 30, reserved = null, mapping = {}, minDurationMs = 0, load = async () => {} } = {}) {
  const calls = new CallLog();
  const credentials = new Credentials();
  const sqs = await startSqs({ calls, credentials, region, account, queues: [{ arn: queueArn, visibilityTimeoutSeconds }] });
  const taskRoot = fakeTaskRoot();
  const fn = plannedFunction('start-workflow', { reserved });
  const deployment = {
    region, account, functions: { 'start-workflow': fn },
    eventSourceMappings: [{ functionKey: 'start-workflow', queueArn, batchSize: 10, maximumBatchingWindowSeconds: 1, maximumConcurrency: 2, reportBatchItemFailures: true, ...mapping }],
  };
  const extra = await load({ calls, credentials, sqs });
  const twin = await start({ calls, credentials, region, account, deployment, sqs, taskRoot: () => taskRoot, minDurationMs: () => minDurationMs });
  t.after(async () => {
    await twin.stop();
    await extra?.stop();
    await sqs.stop();
    rmSync(taskRoot, { recursive: true, force: true });
  });
  return { calls, sqs, twin, fn, mapping: twin.mappings[0], extra };
}

describe('SQS event source mapping', () => {
  test('failedItems follows AWS: empty/null is success, a bad identifier fails the whole batch', () => {
    assert.deepEqual(failedItems(Buffer.from(''), ['a']), []);
    assert.deepEqual(failedItems(Buffer.from('null'), ['a']), []);
    assert.deepEqual(failedItems(Buffer.from('{"batchItemFailures":[]}'), ['a']), []);
    assert.deepEqual(failedItems(Buffer.from('{"batchItemFailures":[{"itemIdentifier":"a"}]}'), ['a', 'b']), ['a']);
    assert.equal(failedItems(Buffer.from('{"batchItemFailures":[{"itemIdentifier":""}]}'), ['a']), null);
    assert.equal(failedItems(Buffer.from('{"batchItemFailures":[{"itemIdentifier":"zzz"}]}'), ['a']), null);
    assert.equal(failedItems(Buffer.from('not json'), ['a']), null);
  });

  test('batches up to batchSize, at most maximumConcurrency at once, deletes successes and keeps reported failures', async (t) => {
    // A visibility timeout longer than a cold start, so no message reappears while its batch still runs.
    const { calls, sqs, twin, fn, mapping } = await mappingTwin(t, {
      visibilityTimeoutSeconds: 2.5,
      minDurationMs: 200,
      load: async ({ sqs: queue }) => {
        for (let i = 0; i < 24; i++) await queue.send(uploader, {}, queueArn, `file-${i}`);
        await queue.send(uploader, {}, queueArn, 'please fail');
      },
    });
    await until(() => mapping.stats.deleted >= 24);
    // The failing message is kept, reappears after the visibility timeout and is received again.
    await until(() => sqs.messages(queueArn)[0]?.receiveCount >= 2);
    assert.equal(sqs.depth(queueArn), 1);
    assert.equal(sqs.messages(queueArn)[0].body, 'please fail');
    assert.ok(mapping.stats.keptItems >= 1);
    assert.ok(mapping.stats.batches >= 3, `25 messages in batches of at most 10: ${mapping.stats.batches} batches`);
    assert.ok(twin.stats('start-workflow').peak <= 2, 'maximumConcurrency 2');
    assert.equal(twin.stats('start-workflow').throttles, 0);
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) {
      const recorded = calls.filter({ action, resource: queueArn, principal: fn.roleArn });
      assert.ok(recorded.length > 0, `${action} recorded as the function's role`);
    }
    assert.equal(calls.filter({ action: 'sqs:DeleteMessage' }).length, mapping.stats.deleted);
    // The event source mapping is Lambda itself: no lambda:InvokeFunction by anyone.
    assert.equal(calls.filter({ action: 'lambda:InvokeFunction' }).length, 0);
  });

  test('a throttled or failed batch is left in the queue', async (t) => {
    // Reserved 1 but mapping concurrency 2: the second poller's batch is throttled, as in Lambda.
    const { sqs, mapping } = await mappingTwin(t, {
      visibilityTimeoutSeconds: 2,
      reserved: 1,
      minDurationMs: 300,
      mapping: { batchSize: 1, maximumBatchingWindowSeconds: 0 },
      load: async ({ sqs: queue }) => {
        for (let i = 0; i < 4; i++) await queue.send(uploader, {}, queueArn, `file-${i}`);
      },
    });
    await until(() => sqs.depth(queueArn) === 0, 30_000);
    assert.ok(mapping.stats.throttledBatches > 0, 'some batch was throttled');
    assert.ok(mapping.stats.deleted >= 4, 'every throttled message came back and was handled later');
  });

  test('S3 -> SQS -> event source mapping -> function: the test event and an upload arrive as SQS records', async (t) => {
    const bucket = { name: 'txetl-dev-files', arn: 'arn:aws:s3:::txetl-dev-files', kmsKeyArn: null,
      notifications: [{ queueArn, events: ['s3:ObjectCreated:*'], prefix: 'incoming/', suffix: '.csv' }] };
    const { sqs, twin, mapping, extra: s3 } = await mappingTwin(t, {
      load: ({ calls, credentials, sqs: queue }) => startS3({ calls, credentials, region, account, deployment: { bucket }, sqs: queue }),
    });
    await s3.put('incoming/2026-12/a.csv', 'id\n1\n');
    await until(() => mapping.stats.deleted === 2 && sqs.depth(queueArn) === 0);
    await new Promise((r) => setTimeout(r, 300)); // the last log batch
    const log = readFileSync(twin.logFile('start-workflow'), 'utf8');
    assert.match(log, new RegExp(`record ${queueArn} \\{"Service":"Amazon S3","Event":"s3:TestEvent"`));
    assert.match(log, new RegExp(`record ${queueArn} \\{"Records":\\[\\{"eventVersion":"2.1","eventSource":"aws:s3"[^\\n]*"key":"incoming/2026-12/a.csv"`));
  });
});
