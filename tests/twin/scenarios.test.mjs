// The scenarios on the twin of the planned dev deployment, in order, on one twin: each asserts
// on database rows, the ledger, reports in S3 and chat messages. The IAM check runs last over every call.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagedCa, planDeployment, repoRoot, startTwin } from './twin.mjs';
import { iamReport } from './iam.mjs';

// Durations scale: the definition's retry intervals and timeouts and the held loads run this much faster.
// The burst runs faster still (hours of backlog); the other scenarios keep enough time for a database restart.
const factor = Number(process.env.TXETL_TWIN_FACTOR ?? 0.05);
const burstFactor = Number(process.env.TXETL_TWIN_BURST_FACTOR ?? 0.03);
// How long each burst load holds its RunEtl slot at least, unscaled: 500 files through 2 slots then take
// at least 250 x 5 s = 1250 s, beyond the 1210 s (at most; about half that on average with full jitter)
// the old definition's 8 throttling retries last, and far within the execution timeout. The real loads
// take longer still (the scenario prints the burst's unscaled duration and asserts it).
const burstLoadSeconds = 5;
const burstFiles = Number(process.env.TXETL_TWIN_BURST ?? 500);

let twin;
let d;

const header = 'transaction_id,timestamp,account_id,merchant,category,amount,currency,country,region,price_includes_tax';
/** A clean file: n valid EUR rows with ids unique to `tag`. */
function cleanCsv(tag, n = 5) {
  const rows = Array.from({ length: n }, (_, i) => `${tag}-${String(i + 1).padStart(6, '0')},2024-03-10T20:55:55Z,ACC-000001,Fnac,groceries,${10 + i}.50,EUR,FR,,`);
  return `${header}\n${rows.join('\n')}\n`;
}
const sample = (name) => readFileSync(join(repoRoot, 'samples', name));
const sql = (text) => text.replaceAll("'", "''");

function ledger(key) {
  return twin.pg.rows(`select status, rows_total, rows_loaded, rows_rejected, s3_key, attempt from txetl.ingestion_files where s3_key = '${sql(key)}' order by file_id`);
}
const transactions = (tag) => twin.pg.rows(`select count(*)::int as n from txetl.transactions where transaction_id like '${sql(tag)}-%'`)[0].n;
const executionsFor = (key) => [...twin.sfn.executions.values()].filter((e) => JSON.parse(e.input).key === key);
const chat = (key) => ({ slack: twin.webhooks.messages('slack').filter((m) => JSON.stringify(m).includes(key)),
  teams: twin.webhooks.messages('teams').filter((m) => JSON.stringify(m).includes(key)) });

/** An upload by someone outside the deployment (not IAM-checked), which S3 notifies as planned. */
async function upload(key, body) {
  return twin.s3.put(key, Buffer.from(body));
}

before(async () => {
  d = planDeployment();
  twin = await startTwin({ deployment: d, factor, ca: packagedCa() });
});

after(async () => {
  await twin?.stop();
});

test('migrate: the planned aws_lambda_invocation migrates and sets up the loader login role', async () => {
  twin.calls.setScenario('migrate');
  const { functionName, input } = d.migrateInvocation;
  assert.equal(functionName, d.functions.migrate?.name, 'the invocation targets the migrate function');
  const res = await twin.invokeAsOperator(functionName, input);
  assert.equal(res.functionError, null, `migrate failed: ${JSON.stringify(res.payload)}`);
  const login = d.database.loaderUsername;
  const roles = twin.pg.rows(`select rolname, rolcanlogin from pg_roles where rolname in ('txetl_loader', '${sql(login)}') order by rolname`);
  assert.deepEqual(roles.find((r) => r.rolname === 'txetl_loader'), { rolname: 'txetl_loader', rolcanlogin: false }, 'the group role never logs in');
  assert.deepEqual(roles.find((r) => r.rolname === login), { rolname: login, rolcanlogin: true });
  const member = twin.pg.rows(`select 1 from pg_auth_members m join pg_roles g on g.oid = m.roleid join pg_roles u on u.oid = m.member where g.rolname = 'txetl_loader' and u.rolname = '${sql(login)}'`);
  assert.equal(member.length, 1, `${login} is a member of txetl_loader`);
  assert.ok(twin.pg.rows('select count(*)::int as n from txetl.tax_rates')[0].n > 0, 'tax rates seeded');
});

test('a clean file loads: rows, ledger loaded, no chat message (dev does not notify on success)', async () => {
  twin.calls.setScenario('clean file');
  await upload('incoming/clean.csv', cleanCsv('CLEAN', 5));
  await twin.settle();
  const [execution] = executionsFor('incoming/clean.csv');
  assert.equal(execution?.status, 'SUCCEEDED', `${execution?.error}: ${execution?.cause}`);
  assert.deepEqual(ledger('incoming/clean.csv').map((r) => [r.status, Number(r.rows_loaded)]), [['loaded', 5]]);
  assert.equal(transactions('CLEAN'), 5);
  assert.deepEqual(chat('incoming/clean.csv'), { slack: [], teams: [] });
});

test('a file with rejects loads the good rows, records the rejects, writes the rejects report and warns in chat', async () => {
  twin.calls.setScenario('file with rejects');
  const key = 'incoming/with-rejects.csv';
  await upload(key, sample('transactions.csv'));
  await twin.settle();
  const [row] = ledger(key);
  assert.equal(row?.status, 'loaded_with_rejects');
  assert.ok(Number(row.rows_rejected) > 0 && Number(row.rows_loaded) > 0);
  const reports = await twin.s3.keys('reports/');
  assert.ok(reports.some((k) => /rejects\.csv$/.test(k) && k.includes('with-rejects')), `rejects report in S3: ${reports}`);
  const messages = chat(key);
  assert.equal(messages.slack.length, 1, 'one Slack warning');
  assert.equal(messages.teams.length, 1, 'one Teams warning');
});

test('a rejected file loads nothing, ends in FileRejected and alerts in chat', async () => {
  twin.calls.setScenario('rejected file');
  const key = 'incoming/too-many-rejects.csv';
  await upload(key, sample('file-level/too-many-rejects.csv'));
  await twin.settle();
  const [execution] = executionsFor(key);
  assert.equal(execution.status, 'FAILED');
  assert.equal(execution.error, 'TransactionEtl.FileRejected');
  assert.deepEqual(ledger(key).map((r) => [r.status, Number(r.rows_loaded)]), [['rejected', 0]]);
  const messages = chat(key);
  assert.equal(messages.slack.length, 1, 'one alert (the definition\'s own; the EventBridge rule leaves FileRejected out)');
  assert.equal(messages.teams.length, 1);
});

test('the database down, then back: the load retries and succeeds once it is back', async () => {
  twin.calls.setScenario('database down then back');
  const key = 'incoming/db-down.csv';
  twin.pg.stop();
  await upload(key, cleanCsv('DBDOWN', 3));
  const deadline = Date.now() + 60_000;
  while (!executionsFor(key)[0]?.history.some((h) => h.type === 'StateRetried' && h.state.name === 'RunEtl')) {
    assert.ok(Date.now() < deadline, 'RunEtl was never retried while the database was down');
    await new Promise((r) => setTimeout(r, 20));
  }
  twin.pg.start();
  await twin.settle();
  const [execution] = executionsFor(key);
  assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
  assert.equal(transactions('DBDOWN'), 3);
  assert.equal(ledger(key).at(-1).status, 'loaded');
});

test('the same S3 event delivered twice starts one execution and loads once', async () => {
  twin.calls.setScenario('same S3 event twice');
  const key = 'incoming/twice.csv';
  await upload(key, cleanCsv('TWICE', 4));
  await twin.redeliver(key);
  await twin.settle();
  assert.equal(executionsFor(key).length, 1);
  assert.equal(transactions('TWICE'), 4);
  assert.deepEqual(ledger(key).map((r) => r.status), ['loaded']);
});

test('keys outside the planned prefix/suffix filter are ignored', async () => {
  twin.calls.setScenario('key outside the filter');
  const before = twin.sfn.executions.size;
  for (const key of ['other/outside.csv', 'incoming/outside.txt']) await upload(key, cleanCsv('OUTSIDE', 2));
  await twin.settle();
  assert.equal(twin.sfn.executions.size, before, 'no execution started');
  assert.equal(transactions('OUTSIDE'), 0);
  for (const m of d.eventSourceMappings) assert.equal(twin.sqs.depth(m.queueArn), 0);
});

test(`a burst of ${burstFiles} files under dev's reserved concurrency all load`, { timeout: 900_000 }, async () => {
  twin.calls.setScenario('burst');
  const runEtl = d.functions['run-etl'];
  twin.setFactor(burstFactor);
  twin.setLoadMs(burstLoadSeconds * 1000);
  const started = Date.now();
  await Promise.all(Array.from({ length: burstFiles }, (_, i) => upload(`incoming/burst/file-${String(i).padStart(3, '0')}.csv`, cleanCsv(`BURST${i}`, 2))));
  await twin.settle({ timeoutMs: 850_000 });
  twin.setLoadMs(0);
  twin.setFactor(factor);
  const unscaledSeconds = (Date.now() - started) / 1000 / burstFactor;
  console.log(`twin: burst of ${burstFiles} files took ${((Date.now() - started) / 1000).toFixed(1)} s (${Math.round(unscaledSeconds)} s unscaled); RunEtl reserved ${runEtl.reserved}, peak ${twin.lambda.stats('run-etl').peak}, throttles ${twin.lambda.stats('run-etl').throttles}`);
  const burst = [...twin.sfn.executions.values()].filter((e) => JSON.parse(e.input).key.startsWith('incoming/burst/'));
  assert.equal(burst.length, burstFiles);
  assert.deepEqual(burst.filter((e) => e.status !== 'SUCCEEDED').map((e) => `${e.name}: ${e.status} ${e.error}`), []);
  assert.equal(twin.pg.rows(`select count(*)::int as n from txetl.ingestion_files where s3_key like 'incoming/burst/%' and status = 'loaded'`)[0].n, burstFiles);
  assert.ok(twin.lambda.stats('run-etl').peak <= runEtl.reserved, 'never more loads than the reserved concurrency');
  assert.ok(unscaledSeconds > 20 * 60, 'the burst lasted longer than the old definition\'s throttling retries (about 20 minutes)');
});

test('a failed file is re-run the way docs/operations.md says (redrive) and then loads', async () => {
  twin.calls.setScenario('failed file redriven');
  const key = 'incoming/redrive.csv';
  twin.pg.stop();
  await upload(key, cleanCsv('REDRIVE', 3));
  await twin.settle();
  const [execution] = executionsFor(key);
  assert.equal(execution.status, 'FAILED');
  assert.equal(execution.failedState.name, 'RunEtl', 'the execution fails at RunEtl, where a redrive re-runs the load');
  const alerts = chat(key);
  const filtered = twin.filteredOut.filter((f) => JSON.stringify(f.event).includes(key)).length;
  const ruled = twin.bus.delivered.filter((e) => e.event.detail.executionArn === execution.executionArn).length;
  assert.ok(alerts.slack.length >= 1 && alerts.teams.length >= 1,
    `the failure reaches chat (EventBridge rule deliveries: ${ruled}; dropped by the subscription's filter policy: ${filtered})`);
  assert.match(JSON.stringify(alerts.slack.at(-1)), /redrive/i, 'the alert says how to re-run');
  twin.pg.start();
  await twin.sfn.redrive(execution.executionArn);
  await twin.settle();
  assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
  assert.equal(transactions('REDRIVE'), 3);
  assert.equal(ledger(key).at(-1).status, 'loaded');
});

test('a report upload that S3 interrupts is aborted, and the file still ends loaded or rejected once', async () => {
  twin.calls.setScenario('report upload aborted');
  const key = 'incoming/abort-report.csv';
  // 9 000 rows rejected for a merchant over the contract's 200 characters: the rejects report repeats each one's
  // long raw text and outgrows one 8 MiB multipart part (S3UploadStream.DefaultPartSize). With 180 000 good rows
  // the rejects stay under the contract's 5 % threshold, so the file loads (a re-run of a rejected file would
  // process it anew; a loaded one answers already_loaded).
  const good = 180_000;
  const rejected = 9_000;
  const merchant = 'M'.repeat(1000);
  const id = (i) => `ABORT-${String(i + 1).padStart(6, '0')}`;
  const rows = Array.from({ length: good + rejected }, (_, i) => `${id(i)},2024-03-10T20:55:55Z,ACC-000001,${i < good ? 'Fnac' : merchant},groceries,12.50,EUR,FR,,`);
  const fault = twin.s3.failOnce({ operation: 'UploadPart', keyPattern: /^reports\/[^/]*abort-report[^/]*\/rejects\.csv$/ });
  await upload(key, `${header}\n${rows.join('\n')}\n`);
  await twin.settle();
  const failed = await Promise.race([fault, new Promise((r) => setTimeout(() => r(null), 0))]);
  assert.ok(failed, 'RunEtl never uploaded a part of the rejects report (the report fit one part?)');
  const aborts = twin.calls.filter({ action: 's3:AbortMultipartUpload', scenario: 'report upload aborted' });
  assert.deepEqual(aborts.map((c) => [c.resource, c.principal.arn]), [[`${d.bucket.arn}/${failed.key}`, d.functions['run-etl'].roleArn]],
    'RunEtl aborted the interrupted upload');
  const [execution, ...others] = executionsFor(key);
  console.log(`twin: report upload aborted: ${failed.operation} ${failed.partNumber} of ${failed.key} failed; execution ${execution.status} ${execution.error} at ${execution.failedState?.name}`);
  // A non-transient S3 error is not retried: the execution fails at RunEtl, where a redrive re-runs the load.
  assert.deepEqual([execution.status, execution.error, execution.failedState?.name], ['FAILED', 'TransactionEtl.S3TransferError', 'RunEtl']);
  assert.equal(await twin.s3.get(failed.key), null, 'no report while the upload is aborted');
  await twin.sfn.redrive(execution.executionArn);
  await twin.settle();
  assert.deepEqual(others, []);
  assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
  // Loaded once: the first run's load committed before its report failed; the redrive's run is recorded as
  // already_loaded (no rows) and writes the report of the original load.
  assert.deepEqual(ledger(key).map((r) => [r.status, Number(r.rows_loaded), Number(r.rows_rejected)]),
    [['loaded_with_rejects', good, rejected], ['already_loaded', 0, 0]], 'one load, then the redrive answered already_loaded');
  assert.equal(transactions('ABORT'), good);
  const report = await twin.s3.get(failed.key);
  assert.ok(report && report.length > 8 * 1024 * 1024, `the report is in S3 after the re-run (${report?.length} bytes)`);
  assert.equal(report.toString('utf8').trimEnd().split('\r\n').length, 1 + rejected, 'header and every rejected row');
});

test('IAM: every recorded call is allowed by the planned policies; every grant is used or justified', async () => {
  const roleCalls = twin.calls.calls.filter((c) => c.principal.type !== 'operator');
  const report = await iamReport(roleCalls, d);
  for (const line of report.lines) console.log(line);
  console.log(`twin: ${twin.calls.calls.length - roleCalls.length} operator calls (Terraform, uploads) not evaluated: the deployer's permissions are not in the plan`);
  assert.ok(report.ok, report.lines.join('\n'));
});
