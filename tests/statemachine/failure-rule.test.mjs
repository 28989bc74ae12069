// Every failed file alerts exactly once: the definition publishes the rejected and load-failed alerts
// itself, and the EventBridge rule <prefix>-etl-failed (infra/modules/workflow/failure-event-pattern.json)
// must send the status-change event of every other unsuccessful execution to the alerts topic and leave
// those two out. Executions run locally (harness.mjs); their events are matched against the same file
// the workflow module renders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execute, LambdaFunctionError, renderDefinition } from './harness.mjs';
import { failurePattern, matches, statusChangeEvent } from './eventbridge.mjs';
import { scriptedRunEtl, summary } from './run-etl.mjs';

const input = { bucket: 'txetl-landing', key: 'incoming/rule.csv', versionId: 'v1', eTag: 'd41d8cd98f00b204e9800998ecf8427e', size: 84 };
const pattern = failurePattern();

async function run(outcomes, name, options = {}) {
  return execute({ definition: renderDefinition(options), input, runEtl: scriptedRunEtl(outcomes), name });
}

test('the matcher follows EventBridge: anything-but needs the field, exists false needs it absent', () => {
  const p = { detail: { error: [{ 'anything-but': ['x'] }] } };
  assert.equal(matches(p, { detail: { error: 'y' } }), true);
  assert.equal(matches(p, { detail: { error: null } }), true);
  assert.equal(matches(p, { detail: { error: 'x' } }), false);
  assert.equal(matches(p, { detail: {} }), false);
  assert.equal(matches({ detail: { error: [{ exists: false }] } }, { detail: {} }), true);
  assert.equal(matches({ detail: { error: [{ exists: false }] } }, { detail: { error: null } }), false);
});

test('an execution that failed at RunEtl is alerted by the rule', async () => {
  for (const errorType of ['TransactionEtl.Error', 'TransactionEtl.S3TransferError']) {
    const failed = await run([{ error: { errorType, errorMessage: 'boom' } }], 'runetl-failed');
    assert.equal(failed.status, 'FAILED');
    assert.deepEqual(failed.published, []);
    const event = statusChangeEvent(failed);
    assert.equal(event.detail.error, errorType);
    assert.deepEqual(JSON.parse(event.detail.input), input, 'the event carries the file (bucket, key) in its input');
    assert.equal(matches(pattern, event), true, `${errorType} must alert`);
  }
});

test('rejected and load-failed executions are not alerted twice', async () => {
  const rejected = await run([{ summary: summary({ status: 'rejected', rows_loaded: 0, rows_rejected: 1000 }) }], 'rejected');
  const loadFailed = await run([{ summary: summary({ status: 'failed', rows_loaded: 0 }) }], 'load-failed');
  for (const r of [rejected, loadFailed]) {
    assert.equal(r.status, 'FAILED');
    assert.equal(r.published.length, 1, 'the definition published its detailed alert');
    assert.equal(matches(pattern, statusChangeEvent(r)), false, `${r.error} must not alert again`);
  }
});

test('every Fail state of the definition is one the rule leaves out, nothing else is', () => {
  const fails = Object.values(renderDefinition().States).filter((s) => s.Type === 'Fail').map((s) => s.Error);
  const event = (error) => statusChangeEvent({ executionArn: 'arn', name: 'n', input, status: 'FAILED', error, cause: 'c' });
  for (const error of fails) assert.equal(matches(pattern, event(error)), false, `${error} already alerted`);
  for (const error of ['States.Runtime', 'States.TaskFailed', 'Lambda.TooManyRequestsException', 'TransactionEtl.TransientError']) {
    assert.equal(matches(pattern, event(error)), true, `${error} must alert`);
  }
  assert.equal(matches(pattern, event(undefined)), true, 'a FAILED event without an error still alerts');
});

test('timed-out and stopped executions are alerted with or without an error field', async () => {
  const throttled = async () => { throw new LambdaFunctionError('Lambda.TooManyRequestsException', 'Rate Exceeded.'); };
  const timedOut = await execute({ definition: renderDefinition({ executionTimeoutSeconds: 1 }), input, runEtl: throttled, name: 'timed-out', retryIntervalMs: 50 });
  assert.equal(timedOut.status, 'TIMED_OUT');
  for (const status of ['TIMED_OUT', 'ABORTED']) {
    for (const error of ['missing', 'null']) {
      assert.equal(matches(pattern, statusChangeEvent(timedOut, { status, error })), true, `${status} with the error ${error}`);
    }
  }
});

test('successful executions, running ones and other state machines are not alerted', async () => {
  const loaded = await run([{ summary: summary({ status: 'loaded' }) }], 'loaded');
  assert.equal(matches(pattern, statusChangeEvent(loaded)), false);
  assert.equal(matches(pattern, statusChangeEvent(loaded, { status: 'RUNNING' })), false);
  const failed = await run([{ error: { errorType: 'TransactionEtl.Error', errorMessage: 'boom' } }], 'elsewhere');
  const other = 'arn:aws:states:eu-central-1:123456789012:stateMachine:someone-else';
  assert.equal(matches(pattern, statusChangeEvent(failed, { arn: other })), false);
});
