// The SQS event source mapping of the Lambda twin, with the fake bootstrap and an in-process queue.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CallLog } from '../aws/calls.mjs';
import { Credentials } from '../aws/credentials.mjs';
import { start } from './service.mjs';
import { failedItems } from './esm.mjs';
import { start as startSqs } from '../aws/sqs.mjs';
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

  test('batches up to batchSize, at most maximumConcurrency at once, deletes successes and keeps reported failures', async () => {
    const calls = new CallLog();
    const credentials = new Credentials();
    // Longer than a cold start, so no message becomes visible again while its batch still runs.
    const sqs = await startSqs({ calls, credentials, region, account, queues: [{ arn: queueArn, visibilityTimeoutSeconds: 2.5 }] });
    const taskRoot = fakeTaskRoot();
    const fn = plannedFunction('start-workflow');
    const deployment = {
      region, account, functions: { 'start-workflow': fn },
      eventSourceMappings: [{ functionKey: 'start-workflow', queueArn, batchSize: 10, maximumBatchingWindowSeconds: 1, maximumConcurrency: 2, reportBatchItemFailures: true }],
    };
    for (let i = 0; i < 24; i++) await sqs.send(uploader, {}, queueArn, `file-${i}`);
    await sqs.send(uploader, {}, queueArn, 'please fail');
    const twin = await start({ calls, credentials, region, account, deployment, sqs, taskRoot: () => taskRoot, minDurationMs: () => 200 });
    try {
      const [mapping] = twin.mappings;
      await until(() => mapping.stats.deleted >= 24);
      // The failing message is kept, reappears after the visibility timeout and is received again.
      await until(() => sqs.messages(queueArn)[0]?.receiveCount >= 2);
      assert.equal(sqs.depth(queueArn), 1);
      assert.equal(sqs.messages(queueArn)[0].body, 'please fail');
      assert.ok(mapping.stats.keptItems >= 1);
      assert.ok(mapping.stats.batches >= 3, `25 messages in batches of at most 10: ${mapping.stats.batches} batches`);
      assert.ok(twin.stats('start-workflow').peak <= 2, 'maximumConcurrency 2');
      assert.equal(twin.stats('start-workflow').throttles, 0);
      const role = fn.roleArn;
      for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) {
        const recorded = calls.filter({ action, resource: queueArn, principal: role });
        assert.ok(recorded.length > 0, `${action} recorded as the function's role`);
      }
      assert.equal(calls.filter({ action: 'sqs:DeleteMessage' }).length, mapping.stats.deleted);
      // The event source mapping is Lambda itself: no lambda:InvokeFunction by anyone.
      assert.equal(calls.filter({ action: 'lambda:InvokeFunction' }).length, 0);
    } finally {
      await twin.stop();
      await sqs.stop();
      rmSync(taskRoot, { recursive: true, force: true });
      rmSync(twin.logDir, { recursive: true, force: true });
    }
  });

  test('a throttled or failed batch is left in the queue', async () => {
    const calls = new CallLog();
    const credentials = new Credentials();
    const sqs = await startSqs({ calls, credentials, region, account, queues: [{ arn: queueArn, visibilityTimeoutSeconds: 2 }] });
    const taskRoot = fakeTaskRoot();
    // Reserved 1 but mapping concurrency 2: the second poller's batch is throttled, as in Lambda.
    const fn = plannedFunction('start-workflow', { reserved: 1 });
    const deployment = {
      region, account, functions: { 'start-workflow': fn },
      eventSourceMappings: [{ functionKey: 'start-workflow', queueArn, batchSize: 1, maximumBatchingWindowSeconds: 0, maximumConcurrency: 2, reportBatchItemFailures: true }],
    };
    for (let i = 0; i < 4; i++) await sqs.send(uploader, {}, queueArn, `file-${i}`);
    const twin = await start({ calls, credentials, region, account, deployment, sqs, taskRoot: () => taskRoot, minDurationMs: () => 300 });
    try {
      const [mapping] = twin.mappings;
      await until(() => sqs.depth(queueArn) === 0, 30_000);
      assert.ok(mapping.stats.throttledBatches > 0, 'some batch was throttled');
      assert.ok(mapping.stats.deleted >= 4, 'every throttled message came back and was handled later');
    } finally {
      await twin.stop();
      await sqs.stop();
      rmSync(taskRoot, { recursive: true, force: true });
      rmSync(twin.logDir, { recursive: true, force: true });
    }
  });
});
