// The backfill state machine (statemachine/batch.asl.json): validated by asl-validator, and executed over a
// prefix of 50 objects. aws-local-stepfunctions cannot run a Distributed Map with an S3 ItemReader, so the
// definition's own ItemSelector + ItemProcessor run as an inline Map with each item's failure recorded, and
// the Map Run (listing, counts, tolerated failures, results manifest) is emulated (batch.mjs says how).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LambdaFunctionError, renderDefinition, validate } from './harness.mjs';
import { lambdaInvokeResult, summary } from './run-etl.mjs';
import { batchPlaceholders, batchTemplatePath, executeBatch, inlineItemProcessor, listedObject, renderBatchDefinition, resultsPrefix } from './batch.mjs';

const bucket = 'txetl-landing';
const input = { bucket, prefix: 'incoming/2026-11/' };

test('the batch template uses exactly the placeholders Terraform passes', () => {
  const text = readFileSync(batchTemplatePath, 'utf8');
  const used = [...new Set([...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]))].sort();
  assert.deepEqual(used, [...batchPlaceholders].sort());
});

test('the rendered batch definition passes asl-validator, and a broken one does not', () => {
  const { isValid, errors, errorsText } = validate(renderBatchDefinition());
  assert.equal(isValid, true, errorsText ? errorsText() : JSON.stringify(errors));
  const broken = renderBatchDefinition();
  broken.States.LoadPrefix.ItemProcessor.States.RouteOnStatus.Default = 'NoSuchState';
  assert.equal(validate(broken).isValid, false);
  // The inline form the execution tests run is valid too (the local runner validates it again).
  assert.equal(validate(inlineItemProcessor(renderBatchDefinition())).isValid, true);
});

test('a Distributed Map lists the prefix, bounds concurrency, tolerates failures and writes results to S3', () => {
  const d = renderBatchDefinition({ maxConcurrency: 7, toleratedFailurePercentage: 12 });
  const map = d.States.LoadPrefix;
  assert.equal(d.StartAt, 'LoadPrefix');
  assert.equal(map.Type, 'Map');
  assert.deepEqual(map.ItemProcessor.ProcessorConfig, { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    'Standard children: a load may take up to RunEtl\'s 15 minutes, beyond an Express execution\'s 5');
  assert.deepEqual(map.ItemReader, { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { 'Bucket.$': '$.bucket', 'Prefix.$': '$.prefix' } });
  assert.equal(map.MaxConcurrency, 7);
  assert.equal(map.ToleratedFailurePercentage, 12);
  assert.deepEqual(map.ResultWriter, { Resource: 'arn:aws:states:::s3:putObject', Parameters: { 'Bucket.$': '$.bucket', Prefix: resultsPrefix } });
  assert.deepEqual(map.Catch.map((c) => [c.ErrorEquals, c.Next]), [[['States.ALL'], 'PublishBatchFailed']]);
});

test('each item runs the per-file RunEtl load: same payload fields, same retries', () => {
  const perFile = renderDefinition().States.RunEtl;
  const item = renderBatchDefinition().States.LoadPrefix.ItemProcessor.States.RunEtl;
  assert.equal(item.Resource, perFile.Resource);
  assert.equal(item.Parameters.FunctionName, perFile.Parameters.FunctionName);
  const fields = (payload) => Object.keys(payload).map((k) => k.replace(/\.\$$/, '')).sort();
  assert.deepEqual(fields(item.Parameters.Payload), fields(perFile.Parameters.Payload));
  assert.equal(item.Parameters.Payload.versionId, null, 'ListObjectsV2 has no version id: the ETag pins the content');
  assert.deepEqual(item.Retry, perFile.Retry);
  assert.deepEqual(item.ResultSelector, perFile.ResultSelector);
});

/** 50 objects under the prefix: 10 already loaded, 33 new, 1 with some rejects, 2 rejected, 2 throwing, 1 folder marker, 1 timing out the load (status failed). */
function prefixOf50() {
  const items = [];
  const outcome = new Map();
  const add = (key, what) => { items.push(listedObject(key, key.endsWith('/') ? 0 : 2048)); outcome.set(key, what); };
  for (let i = 1; i <= 10; i++) add(`incoming/2026-11/old-${i}.csv`, { summary: { status: 'already_loaded', rows_loaded: 0, duplicate_of: i } });
  for (let i = 1; i <= 33; i++) add(`incoming/2026-11/new-${i}.csv`, { summary: { status: 'loaded', rows_loaded: 100 } });
  add('incoming/2026-11/some-rejects.csv', { summary: { status: 'loaded_with_rejects', rows_loaded: 99, rows_rejected: 1, reject_reasons: { 'constraint-error': 1 } } });
  add('incoming/2026-11/rejected-1.csv', { summary: { status: 'rejected', rows_loaded: 0, rows_rejected: 100 } });
  add('incoming/2026-11/rejected-2.csv', { summary: { status: 'rejected', rows_loaded: 0, rows_rejected: 3 } });
  add('incoming/2026-11/not-configured.csv', { error: { errorType: 'TransactionEtl.ConfigurationError', errorMessage: 'no contract' } });
  add('incoming/2026-11/database-down.csv', { error: { errorType: 'TransactionEtl.TransientError', errorMessage: 'connection refused' } });
  add('incoming/2026-11/archive/', null);
  add('incoming/2026-11/slow.csv', { summary: { status: 'failed', rows_loaded: 0, error: 'stopped before the Lambda deadline' } });
  return { items, outcome };
}

/** RunEtl answering per object key, like the ledger would; counts every call. */
function runEtlByKey(outcome) {
  const calls = [];
  const override = async (params) => {
    calls.push(params);
    const what = outcome.get(params.Payload.key);
    if (!what) throw new Error(`RunEtl called for ${params.Payload.key}, which needs no load`);
    if (what.error) throw new LambdaFunctionError(what.error.errorType, what.error.errorMessage);
    return lambdaInvokeResult(summary({ file: `s3://${bucket}/${params.Payload.key}`, ...what.summary }));
  };
  override.calls = calls;
  return override;
}

/**
 * The CountFileStatuses override: RunEtl in mode backfill-summary, answering `counts` after checking that it was asked
 * for the manifest the emulated ResultWriter wrote (RunEtlBackfillSummaryTests count real-format results in C#).
 */
function countingRunEtl(counts) {
  const calls = [];
  const override = async (params, results) => {
    calls.push({ params, results });
    assert.equal(params.Payload.mode, 'backfill-summary');
    assert.ok(results.has(params.Payload.key), `no ${params.Payload.key} among the results ${[...results.keys()]}`);
    return lambdaInvokeResult({ ...counts, results_uri: `s3://${params.Payload.bucket}/${params.Payload.key.replace(/manifest\.json$/, '')}`, result_files: results.size - 1 });
  };
  override.calls = calls;
  return override;
}

const countsOf50 = { total: 50, loaded: 33, loaded_with_rejects: 1, already_loaded: 10, rejected: 2, failed: 3, skipped: 1, other: 0, rows_loaded: 3399 };

test('the counting step gets the manifest of the Map Run and its counts reach the summary unchanged', () => {
  const d = renderBatchDefinition();
  const count = d.States.CountFileStatuses;
  assert.equal(d.States.DescribeMapRun.Next, 'CountFileStatuses');
  assert.equal(count.Resource, 'arn:aws:states:::lambda:invoke');
  assert.equal(count.Parameters.FunctionName, d.States.LoadPrefix.ItemProcessor.States.RunEtl.Parameters.FunctionName);
  assert.deepEqual(count.Parameters.Payload, {
    mode: 'backfill-summary', 'bucket.$': '$.mapRun.ResultWriterDetails.Bucket', 'key.$': '$.mapRun.ResultWriterDetails.Key', 'executionName.$': '$$.Execution.Name',
  });
  assert.deepEqual(Object.keys(count.ResultSelector).map((k) => k.replace(/\.\$$/, '')), Object.keys(countsOf50));
  assert.deepEqual(count.Catch.map((c) => [c.ErrorEquals, c.ResultPath, c.Next]), [[['States.ALL'], '$.files', 'FileCountsUnavailable']]);
  assert.equal(d.States.PublishSummary.Parameters.Message['files.$'], '$.files');
});

test('a prefix of 50 objects: every file loads once, folders are skipped, each failed file alerts once, one summary', async () => {
  const { items, outcome } = prefixOf50();
  assert.equal(items.length, 50);
  const runEtl = runEtlByKey(outcome);
  const counting = countingRunEtl(countsOf50);
  const run = await executeBatch({ definition: renderBatchDefinition(), input, items, runEtl, countFileStatuses: counting });

  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  // The folder marker never reaches RunEtl; the transient error is retried (4 retries) before it alerts.
  const calledKeys = runEtl.calls.map((c) => c.Payload.key);
  assert.ok(!calledKeys.includes('incoming/2026-11/archive/'));
  assert.equal(calledKeys.length, 49 + 4);
  assert.equal(calledKeys.filter((k) => k.endsWith('database-down.csv')).length, 5);
  const first = runEtl.calls.find((c) => c.Payload.key === 'incoming/2026-11/new-1.csv').Payload;
  assert.deepEqual({ ...first, executionName: undefined },
    { bucket, key: 'incoming/2026-11/new-1.csv', versionId: null, eTag: listedObject('incoming/2026-11/new-1.csv').Etag, size: 2048, executionName: undefined });

  // Per item: 45 succeeded (10 already_loaded, 33 loaded, 1 with rejects, 1 folder), 5 failed.
  const failed = run.items.filter((r) => r.status === 'FAILED').map((r) => r.key).sort();
  assert.deepEqual(failed, ['database-down.csv', 'not-configured.csv', 'rejected-1.csv', 'rejected-2.csv', 'slow.csv'].map((f) => `incoming/2026-11/${f}`));
  const statuses = run.items.filter((r) => r.status === 'SUCCEEDED').map((r) => r.output.etl?.summary.status ?? r.output.status);
  assert.deepEqual(Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length])),
    { already_loaded: 10, loaded: 33, loaded_with_rejects: 1, skipped: 1 });

  // One alert per failed file (and the warning), none for loaded or already loaded files, then one summary.
  const alerts = run.published.filter((p) => p.message.kind !== 'backfill_summary');
  assert.deepEqual(alerts.map((a) => `${a.message.severity} ${a.message.status} ${a.message.key.split('/').pop()}`).sort(), [
    'error failed database-down.csv', 'error failed not-configured.csv', 'error failed slow.csv',
    'error rejected rejected-1.csv', 'error rejected rejected-2.csv', 'warning loaded_with_rejects some-rejects.csv',
  ]);
  const thrown = alerts.find((a) => a.message.key.endsWith('not-configured.csv')).message;
  assert.equal(thrown.error, 'TransactionEtl.ConfigurationError');
  assert.match(thrown.cause, /no contract/);
  assert.ok(alerts.every((a) => a.message.mode === 'backfill' && a.message.bucket === bucket));

  const summaries = run.published.filter((p) => p.message.kind === 'backfill_summary');
  assert.equal(summaries.length, 1);
  const m = summaries[0].message;
  assert.equal(summaries[0].state, 'PublishSummary');
  assert.equal(m.severity, 'warning');
  assert.deepEqual(summaries[0].attributes.severity, { DataType: 'String', StringValue: 'warning' });
  assert.deepEqual(m.counts, { total: 50, succeeded: 45, failed: 5, timed_out: 0, aborted: 0 });
  assert.deepEqual(m.files, countsOf50, 'the counts by file status, as CountFileStatuses returned them');
  assert.match(m.results_uri, new RegExp(`^s3://${bucket}/${resultsPrefix}/[0-9a-f-]{36}/manifest\\.json$`));
  assert.equal(m.key, input.prefix);
  assert.match(m.cause, /50 objects; files: 33 loaded, 1 loaded with rejects, 10 already loaded, 2 rejected, 3 failed, 1 skipped folders, 0 other; 3399 rows loaded\. /);
  assert.match(m.cause, /Map Run items: 45 succeeded, 5 failed, 0 timed out, 0 aborted/);

  // Counted once, from the manifest the Map Run wrote; its failed children carry the Fail states' errors, which is
  // how the counting tells a rejected file from a failed one.
  assert.equal(counting.calls.length, 1);
  const { params, results } = counting.calls[0];
  assert.equal(`s3://${params.Payload.bucket}/${params.Payload.key}`, m.results_uri);
  const manifest = JSON.parse(results.get(params.Payload.key));
  assert.deepEqual(Object.keys(manifest.ResultFiles).sort(), ['FAILED', 'PENDING', 'SUCCEEDED']);
  const failedEntries = JSON.parse(results.get(manifest.ResultFiles.FAILED[0].Key));
  assert.deepEqual(failedEntries.map((e) => e.Error).sort(), ['TransactionEtl.FileRejected', 'TransactionEtl.FileRejected',
    'TransactionEtl.LoadFailed', 'TransactionEtl.LoadFailed', 'TransactionEtl.LoadFailed']);
  const succeededEntries = JSON.parse(results.get(manifest.ResultFiles.SUCCEEDED[0].Key));
  assert.equal(succeededEntries.length, 45);
  assert.ok(succeededEntries.every((e) => typeof e.Output === 'string' && typeof e.Input === 'string'));
  assert.ok(m.cause.endsWith(m.results_uri));
  assert.match(m.console_url, /^https:\/\/eu-central-1\.console\.aws\.amazon\.com\/states\/home\?region=eu-central-1#\/v2\/executions\/details\/arn:aws:states:/);
});

test('backfilling the same prefix again is a no-op: every file already_loaded, no alert, an info summary', async () => {
  const { items } = prefixOf50();
  const files = items.filter((i) => !i.Key.endsWith('/'));
  const again = new Map(files.map((i) => [i.Key, { summary: { status: 'already_loaded', rows_loaded: 0, duplicate_of: 1 } }]));
  const runEtl = runEtlByKey(again);
  const fileCounts = { total: 50, loaded: 0, loaded_with_rejects: 0, already_loaded: 49, rejected: 0, failed: 0, skipped: 1, other: 0, rows_loaded: 0 };
  const run = await executeBatch({ definition: renderBatchDefinition(), input, items, runEtl, countFileStatuses: countingRunEtl(fileCounts), name: 'backfill-2' });

  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.equal(runEtl.calls.length, 49);
  assert.equal(run.published.length, 1);
  assert.equal(run.published[0].message.severity, 'info');
  assert.deepEqual(run.published[0].message.counts, { total: 50, succeeded: 50, failed: 0, timed_out: 0, aborted: 0 });
  assert.deepEqual(run.published[0].message.files, fileCounts);
});

test('when counting by file status fails after its retries, the summary still goes out with the Map Run counts and why', async () => {
  const { items, outcome } = prefixOf50();
  let attempts = 0;
  const failing = async () => {
    attempts++;
    throw new LambdaFunctionError('TransactionEtl.MapRunResultsError', 's3://txetl-landing/reports/backfill/x/manifest.json is not the ResultWriter\'s manifest JSON');
  };
  const run = await executeBatch({ definition: renderBatchDefinition(), input, items, runEtl: runEtlByKey(outcome), countFileStatuses: failing, name: 'backfill-3' });

  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.equal(attempts, 1, 'a results error is not transient: no retry');
  const summaries = run.published.filter((p) => p.message.kind === 'backfill_summary');
  assert.equal(summaries.length, 1);
  const m = summaries[0].message;
  assert.equal(m.files.Error, 'TransactionEtl.MapRunResultsError');
  assert.match(m.cause, /files: not counted by file status \(TransactionEtl\.MapRunResultsError\); the results link has every file\. Map Run items: 45 succeeded, 5 failed/);
  assert.equal(m.severity, 'warning');
});

test('a transient error while counting is retried like a load', async () => {
  const { items, outcome } = prefixOf50();
  const counting = countingRunEtl(countsOf50);
  let attempts = 0;
  const flaky = async (params, results) => {
    attempts++;
    if (attempts < 3) throw new LambdaFunctionError('TransactionEtl.TransientError', 'Reading s3://... failed: connection reset');
    return counting(params, results);
  };
  const run = await executeBatch({ definition: renderBatchDefinition(), input, items, runEtl: runEtlByKey(outcome), countFileStatuses: flaky, name: 'backfill-4' });

  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.equal(attempts, 3);
  assert.deepEqual(run.published.find((p) => p.message.kind === 'backfill_summary').message.files, countsOf50);
});

test('more failed files than tolerated: the batch fails with one batch alert besides the per-file ones', async () => {
  const items = Array.from({ length: 10 }, (_, i) => listedObject(`incoming/bad/f-${i}.csv`));
  const outcome = new Map(items.map((it, i) => [it.Key, i < 2
    ? { summary: { status: 'rejected', rows_rejected: 1 } }
    : { summary: { status: 'loaded', rows_loaded: 10 } }]));
  const run = await executeBatch({ definition: renderBatchDefinition({ toleratedFailurePercentage: 10 }), input: { bucket, prefix: 'incoming/bad/' }, items, runEtl: runEtlByKey(outcome) });

  assert.equal(run.status, 'FAILED');
  assert.equal(run.error, 'TransactionEtl.BatchFailed');
  assert.deepEqual(run.published.map((p) => p.message.status).sort(), ['backfill_failed', 'rejected', 'rejected']);
  const batch = run.published.find((p) => p.message.status === 'backfill_failed').message;
  assert.equal(batch.error, 'States.ExceedToleratedFailureThreshold');
  assert.equal(batch.severity, 'error');
  assert.equal(batch.key, 'incoming/bad/');
});
