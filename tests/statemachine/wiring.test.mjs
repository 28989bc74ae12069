// Retry/Catch wiring of the real definition with RunEtl played back by scriptedRunEtl (recorded outcomes):
// exact call payloads, retry counts and outcomes that are slow or impossible to provoke for real (a
// transient failure that never clears, a 'failed' status, success notifications). The five paths of
// issue 6 run the REAL function in scenarios.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAlertBasics, execute, region, renderDefinition } from './harness.mjs';
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

test('a persistent failure publishes a failure alert with error, cause, execution and file, and fails', async () => {
  const failure = { errorType: 'TransactionEtl.Error', errorMessage: 'Secret \'prod/txetl/db\' was not found through SSM parameter \'/aws/reference/secretsmanager/prod/txetl/db\'.' };
  const runEtl = scriptedRunEtl([{ error: failure }]);
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'broken' });

  assert.equal(run.status, 'FAILED');
  assert.equal(runEtl.calls.length, 1, 'a non-transient error is not retried');
  assert.equal(run.error, 'TransactionEtl.Error');
  assert.equal(run.cause, JSON.stringify(failure));
  assert.equal(run.published.length, 1);
  const alert = run.published[0];
  assertAlertBasics(alert, input, { severity: 'error', status: 'failed', name: 'broken' });
  assert.equal(alert.message.error, 'TransactionEtl.Error');
  assert.equal(alert.message.cause, JSON.stringify(failure));
});

test('a transient failure that never clears ends in the failure alert after the retries', async () => {
  const transient = { errorType: 'TransactionEtl.TransientError', errorMessage: 'SQLSTATE 53300: too many connections' };
  const runEtl = scriptedRunEtl(Array.from({ length: 5 }, () => ({ error: transient })));
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'stuck' });

  assert.equal(run.status, 'FAILED');
  assert.equal(runEtl.calls.length, 5, 'first try plus MaxAttempts 4');
  assert.equal(run.error, 'TransactionEtl.TransientError');
  assert.equal(run.published.length, 1);
  assertAlertBasics(run.published[0], input, { severity: 'error', status: 'failed', name: 'stuck' });
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
