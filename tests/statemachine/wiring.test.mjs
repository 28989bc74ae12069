// Retry/Catch wiring of the real definition with RunEtl played back by scriptedRunEtl (recorded outcomes):
// exact call payloads, retry counts and outcomes that are slow or impossible to provoke for real (a
// transient failure that never clears, a 'failed' status, success notifications). The five paths of
// issue 6 run the REAL function in scenarios.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAlertBasics, execute, redrive, region, renderDefinition } from './harness.mjs';
import { scriptedRunEtl, summary } from './run-etl.mjs';

const input = {
  bucket: 'txetl-landing',
  key: 'incoming/transactions-2026-11-26.csv',
  versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
  eTag: 'd41d8cd98f00b204e9800998ecf8427e',
  size: 84213,
  sequencer: '0055AED6DCD90281E5',
  eventTime: '2026-11-26T09:30:00.000Z',
};

test('a clean file succeeds and publishes nothing', async () => {
  const runEtl = scriptedRunEtl([{ summary: summary({ status: 'loaded' }) }]);
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'clean' });

  assert.equal(run.status, 'SUCCEEDED');
  assert.deepEqual(run.published, []);
  assert.equal(runEtl.calls.length, 1);
  assert.deepEqual(runEtl.calls[0], {
    FunctionName: `arn:aws:lambda:${region}:123456789012:function:txetl-run-etl`,
    Payload: { bucket: input.bucket, key: input.key, versionId: input.versionId, eTag: input.eTag, size: input.size, executionName: 'clean' },
  });
  assert.equal(run.output.etl.summary.status, 'loaded');
});

test('a clean file publishes an info alert when success notifications are on', async () => {
  const runEtl = scriptedRunEtl([{ summary: summary({ status: 'already_loaded', rows_loaded: 0 }) }]);
  const run = await execute({ definition: renderDefinition({ notifyOnSuccess: true }), input, runEtl, name: 'again' });

  assert.equal(run.status, 'SUCCEEDED');
  assert.equal(run.published.length, 1);
  assertAlertBasics(run.published[0], input, { severity: 'info', status: 'already_loaded', name: 'again' });
});

test('a file with some rejects publishes a warning with counts and reasons, and succeeds', async () => {
  const s = summary({
    status: 'loaded_with_rejects', rows_loaded: 990, rows_rejected: 10,
    reject_reasons: { 'type-error': 7, 'no-tax-rule': 3 },
  });
  const run = await execute({ definition: renderDefinition(), input, runEtl: scriptedRunEtl([{ summary: s }]), name: 'some-rejects' });

  assert.equal(run.status, 'SUCCEEDED');
  assert.equal(run.published.length, 1);
  const alert = run.published[0];
  assertAlertBasics(alert, input, { severity: 'warning', status: 'loaded_with_rejects', name: 'some-rejects' });
  assert.equal(alert.message.summary.rows_rejected, 10);
  assert.equal(alert.message.summary.rows_loaded, 990);
  assert.deepEqual(alert.message.summary.reject_reasons, { 'type-error': 7, 'no-tax-rule': 3 });
  assert.equal(alert.message.summary.reports.rejects_csv, s.reports.rejects_csv);
  assert.equal(alert.message.error, undefined);
});

test('a rejected file publishes an error alert and fails with a meaningful cause', async () => {
  const s = summary({
    status: 'rejected', rows_total: 200, rows_loaded: 0, rows_rejected: 40, reject_reasons: { 'constraint-error': 40 },
  });
  const run = await execute({ definition: renderDefinition(), input, runEtl: scriptedRunEtl([{ summary: s }]), name: 'rejected' });

  assert.equal(run.status, 'FAILED');
  assert.equal(run.error, 'TransactionEtl.FileRejected');
  assert.equal(run.cause,
    'File s3://txetl-landing/incoming/transactions-2026-11-26.csv was rejected: 40 of 200 rows broke the contract, so no row was loaded. The rejected rows are in the reports/ prefix of the bucket.');
  assert.equal(run.published.length, 1);
  assertAlertBasics(run.published[0], input, { severity: 'error', status: 'rejected', name: 'rejected' });
  assert.deepEqual(run.published[0].message.summary.reject_reasons, { 'constraint-error': 40 });
});

test('a transient failure is retried and then succeeds without an alert', async () => {
  const transient = { errorType: 'TransactionEtl.TransientError', errorMessage: 'Connection refused (db.internal:5432); a retry may succeed.' };
  const runEtl = scriptedRunEtl([{ error: transient }, { error: transient }, { summary: summary({ status: 'loaded' }) }]);
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'transient' });

  assert.equal(run.status, 'SUCCEEDED', `expected success after retries, got ${run.error}: ${run.cause}`);
  assert.equal(runEtl.calls.length, 3);
  assert.deepEqual(run.published, []);
  assert.equal(run.events.filter((e) => e.type === 'StateRetried' && e.state.name === 'RunEtl').length, 2);
});

// An error left after the retries fails the execution AT RunEtl: no alert from the definition (the
// EventBridge rule <prefix>-etl-failed sends the execution's status change to the alerts topic), and a
// redrive restarts at RunEtl.
function assertFailedAtRunEtl(run, failure) {
  assert.equal(run.status, 'FAILED');
  assert.equal(run.error, failure.errorType);
  assert.equal(run.cause, JSON.stringify(failure));
  assert.deepEqual(run.published, [], 'the definition publishes nothing; the EventBridge rule alerts');
  const failedState = run.events.findLast((e) => e.type === 'StateEntered').state.name;
  assert.equal(failedState, 'RunEtl', 'the execution must fail at RunEtl so that a redrive re-runs it');
}

test('a persistent failure fails the execution at RunEtl with the function\'s error and cause', async () => {
  const failure = { errorType: 'TransactionEtl.Error', errorMessage: 'Secret \'arn:aws:secretsmanager:eu-central-1:123456789012:secret:prod/txetl/db-AbCdEf\' was not found.' };
  const runEtl = scriptedRunEtl([{ error: failure }]);
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'broken' });

  assertFailedAtRunEtl(run, failure);
  assert.equal(runEtl.calls.length, 1, 'a non-transient error is not retried');
});

test('a transient failure that never clears fails at RunEtl after the retries', async () => {
  const transient = { errorType: 'TransactionEtl.TransientError', errorMessage: 'SQLSTATE 53300: too many connections' };
  const runEtl = scriptedRunEtl(Array.from({ length: 5 }, () => ({ error: transient })));
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'stuck' });

  assertFailedAtRunEtl(run, transient);
  assert.equal(runEtl.calls.length, 5, 'first try plus MaxAttempts 4');
});

test('a failure at RunEtl is redriven from RunEtl with the same payload and then loads', async () => {
  const failure = { errorType: 'TransactionEtl.Error', errorMessage: 'password authentication failed for user "txetl_etl"' };
  const first = await execute({ definition: renderDefinition(), input, runEtl: scriptedRunEtl([{ error: failure }]), name: 'redriven' });
  assert.equal(first.status, 'FAILED');

  // The operator fixes the cause, then: aws stepfunctions redrive-execution --execution-arn <arn>
  const runEtl = scriptedRunEtl([{ summary: summary({ status: 'loaded' }) }]);
  const again = await redrive(first, { runEtl });

  assert.equal(again.restartedAt, 'RunEtl');
  assert.equal(again.status, 'SUCCEEDED', `the redrive must load the file, got ${again.error}: ${again.cause}`);
  assert.equal(runEtl.calls.length, 1);
  assert.deepEqual(runEtl.calls[0].Payload,
    { bucket: input.bucket, key: input.key, versionId: input.versionId, eTag: input.eTag, size: input.size, executionName: 'redriven' });
  assert.equal(again.output.etl.summary.status, 'loaded');
  assert.deepEqual(again.published, []);
});

test('a rejected file stays rejected on a redrive: it is fixed by uploading a corrected file', async () => {
  const s = summary({ status: 'rejected', rows_total: 10, rows_loaded: 0, rows_rejected: 10, reject_reasons: { 'type-error': 10 } });
  const first = await execute({ definition: renderDefinition(), input, runEtl: scriptedRunEtl([{ summary: s }]), name: 'rejected-redrive' });
  assert.equal(first.error, 'TransactionEtl.FileRejected');

  const runEtl = scriptedRunEtl([]);
  const again = await redrive(first, { runEtl });
  assert.equal(again.restartedAt, 'FileRejected');
  assert.equal(again.status, 'FAILED');
  assert.equal(again.error, 'TransactionEtl.FileRejected');
  assert.equal(runEtl.calls.length, 0, 'the same object version would be rejected again, so RunEtl is not re-run');
});

test('a returned failed status publishes an error alert and fails', async () => {
  const runEtl = scriptedRunEtl([{ summary: summary({ status: 'failed', rows_loaded: 0 }) }]);
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'timeout' });

  assert.equal(run.status, 'FAILED');
  assert.equal(run.error, 'TransactionEtl.LoadFailed');
  assert.match(run.cause, /RunEtl returned status failed for s3:\/\/txetl-landing\/incoming\/transactions-2026-11-26\.csv/);
  assertAlertBasics(run.published[0], input, { severity: 'error', status: 'failed', name: 'timeout' });
  assert.equal(run.published[0].message.error, 'TransactionEtl.LoadFailed');
});
