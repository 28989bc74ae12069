// The five paths of issue 6 on the real definition with the REAL RunEtl: every RunEtl attempt runs
// `txetl lambda invoke run-etl` against a throwaway PostgreSQL, s3rver and a loopback Secrets Manager endpoint
// (real-run-etl.mjs); only the sns:publish tasks are recorded instead of sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { assertAlertBasics, execute, redrive, renderDefinition } from './harness.mjs';
import { startEnvironment } from './real-run-etl.mjs';
import { summary as scriptedSummary } from './run-etl.mjs';

const bucket = 'txetl-landing';
let env;

before(async () => {
  env = await startEnvironment();
  await env.createBucket(bucket);
});

after(async () => {
  await env?.stop();
});

const header = 'transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax';
function csv(prefix, good, bad) {
  const rows = [header];
  for (let i = 1; i <= good; i++) rows.push(`${prefix}-${i},2026-11-26T10:00:00Z,ACC-1,Shop,books,${10 + i}.00,EUR,DE,,false`);
  for (let i = 1; i <= bad; i++) rows.push(`${prefix}-X${i},2026-11-26T10:00:00Z,ACC-1,Shop,books,${10 + i}.00,XXX,DE,,false`);
  return rows.join('\n') + '\n';
}

async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a clean file is loaded for real, succeeds and publishes nothing', async () => {
  const input = await env.put(bucket, 'incoming/clean 2026-11-26.csv', csv('CLEAN', 5, 0));
  const runEtl = env.runEtl();
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'clean' });

  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}\n${runEtl.logs.join('\n')}`);
  assert.deepEqual(run.published, []);
  assert.equal(runEtl.calls.length, 1);
  const summary = run.output.etl.summary;
  assert.equal(summary.status, 'loaded');
  assert.equal(summary.rows_loaded, 5);
  assert.equal(summary.file, `s3://${bucket}/incoming/clean 2026-11-26.csv`);
  // The played-back summaries of wiring.test.mjs (run-etl.mjs) carry the same counts, in the same order.
  const counts = (o) => Object.keys(o).filter((k) => k.startsWith('rows_'));
  assert.deepEqual(counts(scriptedSummary()), counts(summary));
  // The report RunEtl wrote is the summary it returned.
  const stored = JSON.parse(await env.get(bucket, summary.reports.summary_json.slice(`s3://${bucket}/`.length)));
  assert.equal(stored.file_id, summary.file_id);
});

test('a file with some rejects publishes a warning with the real counts and report links, and succeeds', async () => {
  const input = await env.put(bucket, 'incoming/some-rejects.csv', csv('WARN', 20, 1));
  const runEtl = env.runEtl();
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'some-rejects' });

  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}\n${runEtl.logs.join('\n')}`);
  assert.equal(run.published.length, 1);
  const alert = run.published[0];
  assertAlertBasics(alert, input, { severity: 'warning', status: 'loaded_with_rejects', name: 'some-rejects' });
  assert.equal(alert.message.summary.rows_loaded, 20);
  assert.equal(alert.message.summary.rows_rejected, 1);
  assert.deepEqual(Object.keys(alert.message.summary.reject_reasons), ['constraint-error']);
  const rejectsUri = alert.message.summary.reports.rejects_csv;
  assert.match(rejectsUri, new RegExp(`^s3://${bucket}/reports/incoming-some-rejects\\.csv-[0-9a-f]{16}/rejects\\.csv$`));
  const rejects = await env.get(bucket, rejectsUri.slice(`s3://${bucket}/`.length));
  assert.match(rejects, /^line,codes,errors,raw_record\r\n22,constraint-error,.*WARN-X1,.*XXX/);
});

test('a rejected file publishes an error alert and fails with the real counts in the cause', async () => {
  const input = await env.put(bucket, 'incoming/rejected.csv', csv('REJ', 1, 5));
  const runEtl = env.runEtl();
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'rejected' });

  assert.equal(run.status, 'FAILED');
  assert.equal(run.error, 'TransactionEtl.FileRejected');
  assert.equal(run.cause,
    `File s3://${bucket}/incoming/rejected.csv was rejected: 5 of 6 rows broke the contract, so no row was loaded. The rejected rows are in the reports/ prefix of the bucket.`);
  assert.equal(run.published.length, 1);
  assertAlertBasics(run.published[0], input, { severity: 'error', status: 'rejected', name: 'rejected' });
  const s = run.published[0].message.summary;
  assert.equal(s.rows_loaded, 0);
  assert.ok('too-many-rejects' in s.reject_reasons, JSON.stringify(s.reject_reasons));
  assert.equal(runEtl.calls.length, 1, 'a rejected file is a result, not an error to retry');
});

test('a file rejected as a whole fails with the file-level reason in the cause, not "0 of 0 rows"', async () => {
  const input = await env.put(bucket, 'incoming/empty.csv', '');
  const runEtl = env.runEtl();
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'whole-file' });

  assert.equal(run.status, 'FAILED');
  assert.equal(run.error, 'TransactionEtl.FileRejected');
  const s = run.published[0].message.summary;
  assert.equal(s.rows_rejected, 0);
  assert.ok(typeof s.error === 'string' && s.error.length > 0, JSON.stringify(s));
  assert.equal(run.cause,
    `File s3://${bucket}/incoming/empty.csv was rejected as a whole, so no row was loaded: ${s.error} The report is in the reports/ prefix of the bucket.`);
  assert.doesNotMatch(run.cause, /0 of 0 rows/);
});

test('a transient failure (database port closed) is retried and then loads', async () => {
  env.secrets.set('sfn/txetl/closed', JSON.stringify({ ...env.database, port: await closedPort() }));
  const input = await env.put(bucket, 'incoming/transient.csv', csv('TRANS', 3, 0));
  // The first two attempts really fail to connect; the third reaches the database.
  const runEtl = env.runEtl({ secretIdFor: (n) => (n <= 2 ? 'sfn/txetl/closed' : 'sfn/txetl/loader') });
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'transient' });

  assert.equal(run.status, 'SUCCEEDED', `expected success after retries, got ${run.error}: ${run.cause}`);
  assert.equal(runEtl.calls.length, 3);
  assert.equal(run.events.filter((e) => e.type === 'StateRetried' && e.state.name === 'RunEtl').length, 2);
  assert.deepEqual(run.published, []);
  assert.equal(run.output.etl.summary.status, 'loaded');
  assert.equal(run.output.etl.summary.rows_loaded, 3);
});

test('a persistent failure (the object is missing) fails at RunEtl without retries; a redrive after the fix loads it', async () => {
  const key = 'incoming/missing-then-uploaded.csv';
  const text = csv('REDRIVE', 4, 0);
  // The execution input StartWorkflow would write for this object, before the object can be read.
  const input = { bucket, key, versionId: null, eTag: createHash('md5').update(text).digest('hex'), size: Buffer.byteLength(text) };
  const runEtl = env.runEtl();
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'missing' });

  assert.equal(run.status, 'FAILED');
  assert.equal(runEtl.calls.length, 1, 'a permanent error is not retried');
  assert.equal(run.error, 'TransactionEtl.S3TransferError');
  const cause = JSON.parse(run.cause);
  assert.equal(cause.errorType, 'TransactionEtl.S3TransferError');
  assert.match(cause.errorMessage, /s3:\/\/txetl-landing\/incoming\/missing-then-uploaded\.csv/);
  assert.match(cause.errorMessage, /NoSuchKey/);
  assert.deepEqual(run.published, [], 'the EventBridge rule alerts on the failed execution, not the definition');

  // The cause is fixed (here: the object is there now), then the operator redrives the execution.
  await env.put(bucket, key, text);
  const again = await redrive(run, { runEtl });
  assert.equal(again.restartedAt, 'RunEtl');
  assert.equal(again.status, 'SUCCEEDED', `${again.error}: ${again.cause}\n${runEtl.logs.join('\n')}`);
  assert.equal(runEtl.calls.length, 2);
  assert.equal(again.output.etl.summary.status, 'loaded');
  assert.equal(again.output.etl.summary.rows_loaded, 4);
});
