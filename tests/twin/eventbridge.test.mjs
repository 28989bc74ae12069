// Pattern matching on the subset the plan uses, and the execution status event's shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executionStatusEvent, matches, eventBus } from './eventbridge.mjs';

const smArn = 'arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-dev-etl';
const failedRule = {
  source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'],
  detail: { stateMachineArn: [smArn], $or: [
    { status: ['TIMED_OUT', 'ABORTED'] },
    { status: ['FAILED'], error: [{ 'anything-but': ['TransactionEtl.FileRejected', 'TransactionEtl.LoadFailed'] }] },
  ] },
};
const execution = (status, error) => ({ executionArn: `arn:aws:states:eu-central-1:123456789012:execution:txetl-dev-etl:x`, stateMachineArn: smArn,
  name: 'x', status, error, cause: error && 'c', input: '{"bucket":"b","key":"incoming/a.csv"}', startDate: 1, stopDate: 2, redriveCount: 0 });
const event = (status, error) => executionStatusEvent(execution(status, error), { region: 'eu-central-1', account: '123456789012' });

test('the failure rule matches FAILED/TIMED_OUT/ABORTED but not the definition\'s own Fail states nor SUCCEEDED/RUNNING', () => {
  assert.equal(matches(failedRule, event('FAILED', 'TransactionEtl.TransientError')), true);
  assert.equal(matches(failedRule, event('TIMED_OUT', 'States.Timeout')), true);
  assert.equal(matches(failedRule, event('ABORTED')), true);
  assert.equal(matches(failedRule, event('FAILED', 'TransactionEtl.FileRejected')), false);
  assert.equal(matches(failedRule, event('FAILED', 'TransactionEtl.LoadFailed')), false);
  assert.equal(matches(failedRule, event('SUCCEEDED')), false);
  assert.equal(matches(failedRule, event('RUNNING')), false);
  assert.equal(matches({ ...failedRule, detail: { ...failedRule.detail, stateMachineArn: ['other'] } }, event('FAILED', 'E')), false);
});

test('prefix, exists and anything-but prefix', () => {
  const e = { detail: { name: 'file-1', error: null } };
  assert.equal(matches({ detail: { name: [{ prefix: 'file-' }] } }, e), true);
  assert.equal(matches({ detail: { name: [{ prefix: 'x' }] } }, e), false);
  assert.equal(matches({ detail: { cause: [{ exists: false }] } }, e), true);
  assert.equal(matches({ detail: { name: [{ exists: true }] } }, e), true);
  assert.equal(matches({ detail: { name: [{ 'anything-but': { prefix: 'file' } }] } }, e), false);
});

test('the event has Step Functions\' shape; matching events go to the target topic as events.amazonaws.com with the rule ARN', async () => {
  const e = event('FAILED', 'TransactionEtl.TransientError');
  assert.equal(e['detail-type'], 'Step Functions Execution Status Change');
  assert.deepEqual(e.resources, [execution('FAILED').executionArn]);
  assert.equal(e.detail.redriveStatus, 'REDRIVABLE');
  assert.equal(typeof e.detail.input, 'string');
  const published = [];
  const bus = eventBus({ account: '123456789012', sns: { publishAsService: async (who, topicArn, message) => published.push({ ...who, topicArn, message }) },
    deployment: { eventRules: [{ name: 'txetl-dev-etl-failed', arn: 'arn:aws:events:eu-central-1:123456789012:rule/txetl-dev-etl-failed', pattern: failedRule,
      targets: [{ arn: 'arn:aws:sns:eu-central-1:123456789012:txetl-dev-alerts' }] }] } });
  await bus.publish(e);
  await bus.publish(event('SUCCEEDED'));
  assert.equal(published.length, 1);
  assert.equal(published[0].service, 'events.amazonaws.com');
  assert.equal(published[0].sourceArn, 'arn:aws:events:eu-central-1:123456789012:rule/txetl-dev-etl-failed');
  assert.deepEqual(JSON.parse(published[0].message), e);
});
