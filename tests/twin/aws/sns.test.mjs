import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFilterPolicy, start } from './sns.mjs';
import { CallLog } from './calls.mjs';
import { Credentials } from './credentials.mjs';
import { signedRequest } from './sigv4.mjs';

const region = 'eu-central-1';
const account = '123456789012';
const role = `arn:aws:iam::${account}:role/txetl-dev-state-machine`;
const topicArn = `arn:aws:sns:${region}:${account}:txetl-dev-alerts`;
const keyArn = `arn:aws:kms:${region}:${account}:key/0000aaaa-12ab-34cd-56ef-1234567890ab`;
const functionArn = `arn:aws:lambda:${region}:${account}:function:txetl-dev-notify-chat`;

async function setup(t, topic = { arn: topicArn }) {
  const calls = new CallLog();
  const credentials = new Credentials();
  const sns = await start({ calls, credentials, region, account, topics: [topic] });
  t.after(() => sns.stop());
  return { calls, sns, keys: credentials.issue(role) };
}

const publish = (sns, keys, params) => signedRequest(`${sns.url}/`, {
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', ...params }).toString(),
}, keys, 'sns', region);

test('a role publishes over the query protocol; every lambda subscriber gets the SNS event', async (t) => {
  const { calls, sns, keys } = await setup(t);
  const received = [];
  const subscriptions = ['a', 'b'].map((n) => sns.subscribe(topicArn, { protocol: 'lambda', endpoint: `${functionArn}-${n}`,
    deliver: async (event, invocation) => received.push({ n, event, invocation }) }));

  const res = await publish(sns, keys, { TopicArn: topicArn, Subject: 'Load failed', Message: '{"status":"failed"}',
    'MessageAttributes.entry.1.Name': 'severity', 'MessageAttributes.entry.1.Value.DataType': 'String', 'MessageAttributes.entry.1.Value.StringValue': 'error' });
  assert.equal(res.status, 200, res.body);
  const messageId = /<PublishResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/"><PublishResult><MessageId>([0-9a-f-]{36})<\/MessageId><\/PublishResult>/.exec(res.body)?.[1];
  assert.ok(messageId, res.body);
  await sns.idle();

  assert.deepEqual(received.map((r) => r.n).sort(), ['a', 'b']);
  const { event, invocation } = received.find((r) => r.n === 'a');
  assert.equal(event.Records.length, 1);
  const record = event.Records[0];
  assert.equal(record.EventSource, 'aws:sns');
  assert.equal(record.EventSubscriptionArn, subscriptions[0]);
  assert.deepEqual(
    [record.Sns.Type, record.Sns.MessageId, record.Sns.TopicArn, record.Sns.Subject, record.Sns.Message],
    ['Notification', messageId, topicArn, 'Load failed', '{"status":"failed"}']);
  assert.match(record.Sns.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(record.Sns.MessageAttributes, { severity: { Type: 'String', Value: 'error' } });
  assert.deepEqual(invocation.principal, { type: 'service', service: 'sns.amazonaws.com' });
  assert.equal(invocation.context['aws:SourceArn'], topicArn);
  assert.equal(invocation.endpoint, `${functionArn}-a`);

  assert.deepEqual(calls.calls.map((c) => [c.action, c.resource, c.principal.arn]), [['sns:Publish', topicArn, role]]);
  assert.equal(calls.calls[0].context['aws:SecureTransport'], 'true');
  assert.deepEqual(sns.deliveries(topicArn).map((d) => d.status), ['delivered', 'delivered']);
});

test('publishAsService records the service principal with its source keys and the topic key calls; no Subject is null', async (t) => {
  const { calls, sns } = await setup(t, { arn: topicArn, kmsKeyArn: keyArn, kmsAliases: ['alias/txetl-dev-alerts'] });
  const events = [];
  sns.subscribe(topicArn, { protocol: 'lambda', endpoint: functionArn, deliver: async (event) => events.push(event) });
  const ruleArn = `arn:aws:events:${region}:${account}:rule/txetl-dev-etl-failed`;
  await sns.publishAsService({ service: 'events.amazonaws.com', sourceArn: ruleArn }, topicArn, '{"detail-type":"Step Functions Execution Status Change"}');
  await sns.idle();
  assert.equal(events[0].Records[0].Sns.Subject, null);
  assert.deepEqual(calls.calls.map((c) => [c.action, c.resource, c.principal.service, c.context['aws:SourceArn'], c.context['aws:SourceAccount']]), [
    ['sns:Publish', topicArn, 'events.amazonaws.com', ruleArn, account],
    ['kms:GenerateDataKey', keyArn, 'events.amazonaws.com', ruleArn, account],
    ['kms:Decrypt', keyArn, 'events.amazonaws.com', ruleArn, account],
  ]);
  assert.equal(calls.calls[1].context['kms:ViaService'], 'sns.eu-central-1.amazonaws.com');
  assert.deepEqual(calls.calls[1].context['kms:ResourceAliases'], ['alias/txetl-dev-alerts']);
});

test('errors in the query protocol shape; a failing subscriber is retried then given up', async (t) => {
  const { calls, sns, keys } = await setup(t);
  let tries = 0;
  sns.subscribe(topicArn, { protocol: 'lambda', endpoint: functionArn, deliver: async () => { tries += 1; throw new Error('throttled'); } });
  const missing = await publish(sns, keys, { TopicArn: `${topicArn}-nope`, Message: 'x' });
  assert.equal(missing.status, 404);
  assert.match(missing.body, /^<ErrorResponse xmlns="http:\/\/sns.amazonaws.com\/doc\/2010-03-31\/"><Error><Type>Sender<\/Type><Code>NotFound<\/Code>/);
  const forged = await publish(sns, { ...keys, secretAccessKey: 'x' }, { TopicArn: topicArn, Message: 'x' });
  assert.equal(forged.status, 403);
  assert.match(forged.body, /<Code>SignatureDoesNotMatch<\/Code>/);
  const badSubject = await publish(sns, keys, { TopicArn: topicArn, Message: 'x', Subject: 'two\nlines' });
  assert.match(badSubject.body, /<Code>InvalidParameter<\/Code>/);
  assert.equal((await publish(sns, keys, { TopicArn: topicArn, Message: 'x' })).status, 200);
  await sns.idle();
  assert.equal(tries, 4);
  assert.deepEqual(sns.deliveries().map((d) => [d.status, d.attempts, d.error]), [['failed', 4, 'throttled']]);
  assert.equal(calls.filter({ action: 'sns:Publish' }).length, 3);
});

test("the planned NotifyChat filter (severity exists) passes the state machine's alerts and drops attribute-less events", async (t) => {
  const { sns } = await setup(t);
  const got = [];
  sns.subscribe(topicArn, { protocol: 'lambda', endpoint: functionArn, deliver: async (event) => got.push(event),
    filterPolicy: JSON.stringify({ severity: [{ exists: true }] }), filterPolicyScope: 'MessageAttributes' });
  const role = { type: 'role', arn: `arn:aws:iam::${account}:role/txetl-dev-state-machine` };
  await sns.publish(role, {}, topicArn, { source: 'TransactionEtl', status: 'rejected' },
    { messageAttributes: { severity: { DataType: 'String', StringValue: 'error' } } });
  await sns.publishAsService({ service: 'events.amazonaws.com', sourceArn: `arn:aws:events:${region}:${account}:rule/txetl-dev-etl-failed` },
    topicArn, { 'detail-type': 'Step Functions Execution Status Change' });
  await sns.idle();
  assert.equal(got.length, 1);
  assert.equal(got[0].Records[0].Sns.Message, '{"source":"TransactionEtl","status":"rejected"}');
  assert.deepEqual(sns.deliveries(topicArn).map((d) => d.status), ['delivered', 'filtered']);
});

test('filter policy operators', () => {
  const attrs = (o) => ({ message: '{}', messageAttributes: Object.fromEntries(Object.entries(o).map(([k, v]) => [k,
    typeof v === 'number' ? { DataType: 'Number', StringValue: String(v) } : Array.isArray(v) ? { DataType: 'String.Array', StringValue: JSON.stringify(v) } : { DataType: 'String', StringValue: v }])) });
  const m = (policy, a) => matchesFilterPolicy(policy, attrs(a));
  assert.equal(m({ severity: ['error', 'warning'] }, { severity: 'error' }), true);
  assert.equal(m({ severity: ['error'] }, { severity: 'info' }), false);
  assert.equal(m({ severity: [{ exists: false }] }, {}), true);
  assert.equal(m({ severity: [{ exists: true }] }, {}), false);
  assert.equal(m({ status: [{ prefix: 'load' }] }, { status: 'loaded_with_rejects' }), true);
  assert.equal(m({ status: [{ suffix: 'rejects' }] }, { status: 'loaded' }), false);
  assert.equal(m({ status: [{ 'anything-but': ['loaded', 'already_loaded'] }] }, { status: 'rejected' }), true);
  assert.equal(m({ status: [{ 'anything-but': 'loaded' }] }, {}), false);
  assert.equal(m({ status: [{ 'equals-ignore-case': 'FAILED' }] }, { status: 'failed' }), true);
  assert.equal(m({ rows: [{ numeric: ['>', 0, '<=', 10] }] }, { rows: 10 }), true);
  assert.equal(m({ rows: [{ numeric: ['>', 10] }] }, { rows: 10 }), false);
  assert.equal(m({ tags: ['b'] }, { tags: ['a', 'b'] }), true);
  assert.equal(m({ a: ['x'], $or: [{ b: ['y'] }, { c: ['z'] }] }, { a: 'x', c: 'z' }), true);
  assert.equal(m({ a: ['x'], $or: [{ b: ['y'] }, { c: ['z'] }] }, { a: 'x' }), false);
  const body = { message: JSON.stringify({ detail: { status: 'FAILED' } }), messageAttributes: {} };
  assert.equal(matchesFilterPolicy({ detail: { status: ['FAILED', 'TIMED_OUT'] } }, body, 'MessageBody'), true);
  assert.equal(matchesFilterPolicy({ detail: { status: ['ABORTED'] } }, body, 'MessageBody'), false);
  assert.equal(matchesFilterPolicy(null, body), true);

  // A body-scoped policy that would pass both the state machine's alerts and EventBridge's status events.
  const both = { $or: [{ severity: [{ exists: true }] }, { 'detail-type': ['Step Functions Execution Status Change'] }] };
  const asBody = (o) => ({ message: JSON.stringify(o), messageAttributes: {} });
  assert.equal(matchesFilterPolicy(both, asBody({ source: 'TransactionEtl', severity: 'error' }), 'MessageBody'), true);
  assert.equal(matchesFilterPolicy(both, asBody({ 'detail-type': 'Step Functions Execution Status Change', detail: { status: 'FAILED' } }), 'MessageBody'), true);
  assert.equal(matchesFilterPolicy(both, asBody({ AlarmName: 'txetl-dev-file-events-dlq-visible' }), 'MessageBody'), false);
  assert.equal(matchesFilterPolicy(both, { message: 'not json', messageAttributes: {} }, 'MessageBody'), false);
});

test('subscribeLambda invokes the Lambda twin asynchronously as sns.amazonaws.com, retrying a refused invoke', async (t) => {
  const { sns } = await setup(t);
  const invokes = [];
  let refuse = 1;
  const lambda = { invoke: async (principal, arn, payload, options) => {
    invokes.push({ principal, arn, event: JSON.parse(payload), options });
    return refuse-- > 0 ? { statusCode: 429, body: 'TooManyRequestsException' } : { statusCode: 202, body: '' };
  } };
  sns.subscribeLambda(topicArn, functionArn, lambda, { filterPolicy: { severity: [{ exists: true }] } });
  await sns.publish({ type: 'role', arn: role }, {}, topicArn, 'm', { messageAttributes: { severity: { DataType: 'String', StringValue: 'info' } } });
  await sns.publish({ type: 'role', arn: role }, {}, topicArn, 'no attributes');
  await sns.idle();
  assert.equal(invokes.length, 2);
  assert.deepEqual([invokes[1].principal, invokes[1].arn, invokes[1].options.type, invokes[1].options.context['aws:SourceArn']],
    [{ type: 'service', service: 'sns.amazonaws.com' }, functionArn, 'Event', topicArn]);
  assert.equal(invokes[1].event.Records[0].Sns.Message, 'm');
  assert.deepEqual(sns.deliveries(topicArn).map((d) => [d.status, d.attempts]), [['delivered', 2], ['filtered', 0]]);
});
