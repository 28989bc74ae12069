import { test } from 'node:test';
import assert from 'node:assert/strict';
import { start, toLambdaRecord } from './sqs.mjs';
import { CallLog } from './calls.mjs';
import { Credentials } from './credentials.mjs';
import { signedRequest } from './sigv4.mjs';

const region = 'eu-central-1';
const account = '123456789012';
const role = `arn:aws:iam::${account}:role/txetl-dev-start-workflow`;
const queueArn = `arn:aws:sqs:${region}:${account}:txetl-dev-file-events`;
const dlqArn = `${queueArn}-dlq`;
const bucketArn = 'arn:aws:s3:::txetl-dev-landing';

async function setup(t) {
  const calls = new CallLog();
  const credentials = new Credentials();
  let now = Date.UTC(2026, 11, 6, 8, 0, 0);
  const sqs = await start({ calls, credentials, region, account, clock: () => now, queues: [
    { name: 'txetl-dev-file-events-dlq', messageRetentionSeconds: 1209600 },
    { name: 'txetl-dev-file-events', visibilityTimeoutSeconds: 60, redrive: { deadLetterTargetArn: dlqArn, maxReceiveCount: 5 } },
  ] });
  t.after(() => sqs.stop());
  return { calls, sqs, keys: credentials.issue(role), advance: (s) => { now += s * 1000; } };
}

const api = (sqs, keys, action, input) => signedRequest(`${sqs.url}/`, {
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
  body: JSON.stringify(input),
}, keys, 'sqs', region);

const s3 = { type: 'service', service: 's3.amazonaws.com' };
const s3Context = { 'aws:SourceArn': bucketArn, 'aws:SourceAccount': account };

test('JSON protocol: a role receives, deletes in a batch and reads attributes; calls recorded on the queue ARN', async (t) => {
  const { calls, sqs, keys } = await setup(t);
  const url = sqs.queue(queueArn).url;
  assert.equal(url, `${sqs.url}/${account}/txetl-dev-file-events`);
  await sqs.send(s3, s3Context, queueArn, '{"Records":[1]}');
  await sqs.send(s3, s3Context, queueArn, '{"Records":[2]}');

  const sent = await api(sqs, keys, 'SendMessage', { QueueUrl: url, MessageBody: 'hello' });
  assert.equal(sent.status, 200, sent.body);
  assert.equal(JSON.parse(sent.body).MD5OfMessageBody, '5d41402abc4b2a76b9719d911017c592');

  const received = await api(sqs, keys, 'ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] });
  assert.equal(received.status, 200, received.body);
  assert.equal(received.headers['content-type'], 'application/x-amz-json-1.0');
  const { Messages } = JSON.parse(received.body);
  assert.deepEqual(Messages.map((m) => m.Body), ['{"Records":[1]}', '{"Records":[2]}', 'hello']);
  assert.deepEqual(Object.keys(Messages[0]).sort(), ['Attributes', 'Body', 'MD5OfBody', 'MessageId', 'ReceiptHandle']);
  assert.equal(Messages[0].Attributes.ApproximateReceiveCount, '1');
  assert.equal(Messages[0].Attributes.SenderId, 's3.amazonaws.com');

  await sqs.send(s3, s3Context, queueArn, 'plain');
  const plain = JSON.parse((await api(sqs, keys, 'ReceiveMessage', { QueueUrl: url })).body).Messages[0];
  assert.equal(plain.Attributes, undefined, 'attributes only when asked for');
  await api(sqs, keys, 'DeleteMessage', { QueueUrl: url, ReceiptHandle: plain.ReceiptHandle });
  const tooBig = await api(sqs, keys, 'SendMessage', { QueueUrl: url, MessageBody: 'x'.repeat(262145) });
  assert.equal(JSON.parse(tooBig.body).__type, 'com.amazonaws.sqs#InvalidParameterValue');

  const empty = await api(sqs, keys, 'ReceiveMessage', { QueueUrl: url });
  assert.deepEqual(JSON.parse(empty.body), {});

  const batch = await api(sqs, keys, 'DeleteMessageBatch', { QueueUrl: url, Entries: [
    { Id: 'a', ReceiptHandle: Messages[0].ReceiptHandle }, { Id: 'b', ReceiptHandle: 'not a handle' }] });
  assert.deepEqual(JSON.parse(batch.body).Successful, [{ Id: 'a' }]);
  assert.equal(JSON.parse(batch.body).Failed[0].Code, 'ReceiptHandleIsInvalid');
  assert.equal(sqs.depth(queueArn), 2);

  const attrs = JSON.parse((await api(sqs, keys, 'GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] })).body).Attributes;
  assert.equal(attrs.ApproximateNumberOfMessagesNotVisible, '2');
  assert.equal(JSON.parse(attrs.RedrivePolicy).maxReceiveCount, 5);

  const missing = await api(sqs, keys, 'SendMessage', { QueueUrl: `${sqs.url}/${account}/nope`, MessageBody: 'x' });
  assert.equal(missing.status, 400);
  assert.equal(JSON.parse(missing.body).__type, 'com.amazonaws.sqs#QueueDoesNotExist');
  assert.equal(missing.headers['x-amzn-query-error'], 'AWS.SimpleQueueService.NonExistentQueue;Sender');

  const forged = await api(sqs, { ...keys, secretAccessKey: 'x' }, 'ReceiveMessage', { QueueUrl: url });
  assert.equal(forged.status, 403);
  assert.equal(JSON.parse(forged.body).__type, 'com.amazonaws.sqs#InvalidSignatureException');

  const s3Send = calls.filter({ principal: 's3.amazonaws.com' })[0];
  assert.deepEqual([s3Send.action, s3Send.resource, s3Send.context['aws:SourceArn'], s3Send.context['aws:SecureTransport']],
    ['sqs:SendMessage', queueArn, bucketArn, 'true']);
  assert.deepEqual([...new Set(calls.filter({ principal: role }).map((c) => c.action))].sort(),
    ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:SendMessage']);
});

test('visibility timeout: a message not deleted comes back with a higher receive count; a stale handle deletes nothing', async (t) => {
  const { sqs, advance } = await setup(t);
  const fn = { type: 'role', arn: role };
  await sqs.send(s3, s3Context, queueArn, 'body');
  const [first] = await sqs.receive(fn, {}, queueArn, { maxNumberOfMessages: 10 });
  assert.deepEqual(await sqs.receive(fn, {}, queueArn, {}), []);
  advance(59);
  assert.deepEqual(await sqs.receive(fn, {}, queueArn, {}), []);
  advance(1);
  const [second] = await sqs.receive(fn, {}, queueArn, {});
  assert.equal(second.MessageId, first.MessageId);
  assert.equal(second.Attributes.ApproximateReceiveCount, '2');
  await sqs.delete(fn, {}, queueArn, first.ReceiptHandle);
  assert.equal(sqs.depth(queueArn), 1, 'a stale receipt handle must not delete');
  await sqs.changeVisibility(fn, {}, queueArn, second.ReceiptHandle, 0);
  const [third] = await sqs.receive(fn, {}, queueArn, {});
  await sqs.delete(fn, {}, queueArn, third.ReceiptHandle);
  assert.equal(sqs.depth(queueArn), 0);
  const record = toLambdaRecord(third, queueArn, region);
  assert.deepEqual([record.eventSource, record.eventSourceARN, record.body, record.attributes.ApproximateReceiveCount], ['aws:sqs', queueArn, 'body', '3']);
});

test('redrive: after maxReceiveCount receives the message moves to the DLQ', async (t) => {
  const { sqs, advance } = await setup(t);
  const fn = { type: 'role', arn: role };
  await sqs.send(s3, s3Context, queueArn, 'poison');
  for (let i = 1; i <= 5; i++) {
    const [m] = await sqs.receive(fn, {}, queueArn, {});
    assert.equal(m.Attributes.ApproximateReceiveCount, String(i));
    advance(60);
  }
  assert.deepEqual(await sqs.receive(fn, {}, queueArn, {}), []);
  assert.equal(sqs.depth(queueArn), 0);
  assert.deepEqual(sqs.messages(dlqArn).map((m) => [m.body, m.receiveCount, m.deadLetterSource]), [['poison', 5, queueArn]]);
});

test('long polling waits for a message that arrives during the wait; a short poll does not', async (t) => {
  const { sqs } = await setup(t);
  const fn = { type: 'role', arn: role };
  const short = sqs.receive(fn, {}, queueArn, {});
  const pending = sqs.receive(fn, {}, queueArn, { waitTimeSeconds: 20 });
  setTimeout(() => sqs.send(s3, s3Context, queueArn, 'late'), 100);
  assert.deepEqual(await short, []);
  assert.equal((await pending)[0].Body, 'late');
});

test("named-argument methods for the Lambda twin's SQS port record the call once, with the role", async (t) => {
  const { calls, sqs } = await setup(t);
  const fn = { type: 'role', arn: role };
  assert.equal(sqs.recordsInProcessCalls, true);
  const { messageId } = await sqs.sendMessage({ principal: s3, context: s3Context, queueArn, body: 'b' });
  const [m] = await sqs.receiveMessages({ principal: fn, queueArn, maxNumberOfMessages: 10 });
  assert.deepEqual([m.messageId, m.body, m.md5OfBody, m.attributes.ApproximateReceiveCount], [messageId, 'b', '92eb5ffee6ae2fec3ad71c777531578f', '1']);
  assert.equal((await sqs.getQueueAttributes({ principal: fn, queueArn })).ApproximateNumberOfMessagesNotVisible, '1');
  await sqs.deleteMessage({ principal: fn, queueArn, receiptHandle: m.receiptHandle });
  assert.equal(sqs.depth(queueArn), 0);
  assert.deepEqual(calls.calls.map((c) => [c.action, c.principal.arn ?? c.principal.service]), [
    ['sqs:SendMessage', 's3.amazonaws.com'], ['sqs:ReceiveMessage', role], ['sqs:GetQueueAttributes', role], ['sqs:DeleteMessage', role]]);
  await assert.rejects(sqs.sendMessage({ queueArn, body: 'x' }), /principal/);
});
