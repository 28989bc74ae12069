// The chunked path of statemachine/etl.asl.json (issue 18 item 2), run locally with RunEtl answered by mode
// (chunked-run-etl.mjs): the size Choice, PlanChunks, the inline Map of chunk and hash items, CommitChunks and
// the unchanged status routing. aws-local-stepfunctions runs the inline Map itself (unlike the backfill's
// Distributed Map), so the definition executes as deployed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAlertBasics, defaultChunkedThresholdBytes, execute, redrive, region, renderDefinition, validate } from './harness.mjs';
import { failurePattern, matches, statusChangeEvent } from './eventbridge.mjs';
import { chunkedRunEtl, ticket } from './chunked-run-etl.mjs';
import { summary } from './run-etl.mjs';

const GiB = 1024 ** 3;
const input = {
  bucket: 'txetl-landing', key: 'incoming/big.csv', versionId: 'v-big', eTag: '9b2cf535f27731c974343645a3985328-128', size: 5 * GiB,
  sequencer: '0055AED6DCD90281E5', eventTime: '2026-11-26T09:30:00.000Z',
};
const pointer = { bucket: input.bucket, key: input.key, versionId: input.versionId, eTag: input.eTag, size: input.size };
const functionArn = `arn:aws:lambda:${region}:123456789012:function:txetl-run-etl`;
const transient = { errorType: 'TransactionEtl.TransientError', errorMessage: 'SQLSTATE 53300: too many connections' };

test('the chunked definition passes asl-validator at the defaults and at other settings', () => {
  for (const options of [{}, { chunkedThresholdBytes: 1, chunkBytes: 64 * 1024 ** 2, chunkMaxConcurrency: 200 }]) {
    const { isValid, errors, errorsText } = validate(renderDefinition(options));
    assert.equal(isValid, true, errorsText ? errorsText() : JSON.stringify(errors));
  }
  const broken = renderDefinition();
  broken.States.LoadChunks.ItemProcessor.States.LoadChunk.Next = 'NoSuchState';
  delete broken.States.LoadChunks.ItemProcessor.States.LoadChunk.End;
  assert.equal(validate(broken).isValid, false, 'a broken ItemProcessor must fail validation (the check can fail)');
});

test('the threshold and chunk settings render as numbers where the definition uses them', () => {
  const d = renderDefinition({ chunkedThresholdBytes: 12345, chunkBytes: 678, chunkMaxConcurrency: 9 });
  assert.equal(d.StartAt, 'ChooseLoadPath');
  assert.equal(d.States.ChooseLoadPath.Choices[0].And.at(-1).NumericGreaterThanEquals, 12345);
  assert.equal(d.States.PlanChunks.Parameters.Payload.chunkBytes, 678);
  assert.equal(d.States.LoadChunks.MaxConcurrency, 9);
  assert.equal(d.States.LoadChunks.ItemProcessor.ProcessorConfig.Mode, 'INLINE');
  // The chunked tasks retry exactly as RunEtl does, and none catches: a failure stays at its state for a redrive.
  for (const task of [d.States.PlanChunks, d.States.LoadChunks.ItemProcessor.States.LoadChunk, d.States.CommitChunks]) {
    assert.deepEqual(task.Retry, d.States.RunEtl.Retry);
    assert.equal(task.Catch, undefined);
    assert.equal(task.Parameters.FunctionName, functionArn);
  }
  assert.equal(d.States.LoadChunks.Catch, undefined);
});

test('below the threshold, and with a null size, the file loads single-stream exactly as before', async () => {
  for (const size of [defaultChunkedThresholdBytes - 1, null]) {
    const runEtl = chunkedRunEtl({ chunks: 3 });
    const file = { ...input, size };
    const run = await execute({ definition: renderDefinition(), input: file, runEtl, name: 'small' });
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.equal(runEtl.calls.length, 1);
    assert.equal(runEtl.calls[0].Payload.mode, undefined, 'the single-stream payload has no mode');
    assert.ok(!run.events.some((e) => e.type === 'StateEntered' && e.state.name === 'PlanChunks'));
  }
});

test('from the threshold on: plan, every chunk and the hash with the ticket, then one commit, then the status routing', async () => {
  const commit = summary({ file: 's3://txetl-landing/incoming/big.csv', status: 'loaded_with_rejects', rows_total: 40, rows_loaded: 30, rows_rejected: 10, reject_reasons: { 'type-error': 10 } });
  const runEtl = chunkedRunEtl({ chunks: 4, commit });
  const run = await execute({ definition: renderDefinition({ chunkedThresholdBytes: input.size }), input, runEtl, name: 'big' });

  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  const [plan] = runEtl.byMode('plan');
  assert.deepEqual(plan, { FunctionName: functionArn, Payload: { mode: 'plan', chunkBytes: 256 * 1024 ** 2, ...pointer, executionName: 'big' } });
  const items = [...runEtl.byMode('hash'), ...runEtl.byMode('chunk')].map((c) => c.Payload);
  assert.deepEqual(items.map((p) => `${p.mode}:${p.chunkIndex}`).sort(), ['chunk:0', 'chunk:1', 'chunk:2', 'chunk:3', 'hash:null']);
  for (const p of items) assert.deepEqual(p, { mode: p.mode, chunkIndex: p.chunkIndex, ticket: ticket(4), ...pointer, executionName: 'big' });
  const commits = runEtl.byMode('commit');
  assert.equal(commits.length, 1);
  assert.deepEqual(commits[0].Payload, { mode: 'commit', ticket: ticket(4), ...pointer, executionName: 'big' });
  assert.equal(runEtl.finishedBeforeCommit.length, 5, 'the commit runs only after every chunk and the hash finished');
  assert.equal(runEtl.calls.length, 7);

  assert.equal(run.published.length, 1, 'one warning, as a single-stream load with rejects');
  assertAlertBasics(run.published[0], input, { severity: 'warning', status: 'loaded_with_rejects', name: 'big' });
  assert.deepEqual(run.published[0].message.summary, commit);
  assert.deepEqual(run.output.etl.summary, commit);
});

test('the Map runs at most MaxConcurrency items at once', async () => {
  const runEtl = chunkedRunEtl({ chunks: 12 });
  const run = await execute({ definition: renderDefinition({ chunkMaxConcurrency: 3 }), input, runEtl, name: 'bounded' });
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.equal(runEtl.byMode('chunk').length, 12);
  assert.ok(runEtl.maxInFlight <= 3, `at most 3 chunk invocations at once, saw ${runEtl.maxInFlight}`);
  assert.ok(runEtl.maxInFlight > 1, 'the items do run in parallel');
});

test('a plan that does not split the object goes to the single-stream load', async () => {
  const runEtl = chunkedRunEtl({ chunks: 0, plan: { path: 'single', reason: 'the object is gzip-compressed' }, single: summary({ status: 'already_loaded' }) });
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'not-split' });
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.deepEqual(runEtl.calls.map((c) => c.Payload.mode), ['plan', undefined]);
  assert.deepEqual(runEtl.calls[1].Payload, { ...pointer, executionName: 'not-split' });
  assert.equal(run.output.etl.summary.status, 'already_loaded');
});

test('a plan that finds the object loaded already is routed on its summary without another invocation', async () => {
  const loaded = summary({ status: 'already_loaded', rows_loaded: 0 });
  const runEtl = chunkedRunEtl({ chunks: 0, plan: { path: 'done', summary: loaded } });
  const run = await execute({ definition: renderDefinition({ notifyOnSuccess: true }), input, runEtl, name: 'done' });
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.deepEqual(runEtl.calls.map((c) => c.Payload.mode), ['plan']);
  assert.deepEqual(run.output.etl.summary, loaded);
  assert.equal(run.published.length, 1);
  assertAlertBasics(run.published[0], input, { severity: 'info', status: 'already_loaded', name: 'done' });
});

test('a rejected commit is alerted and fails like a rejected single-stream load', async () => {
  const commit = summary({ status: 'rejected', rows_total: 200, rows_loaded: 0, rows_rejected: 40, reject_reasons: { 'constraint-error': 40 } });
  const run = await execute({ definition: renderDefinition(), input, runEtl: chunkedRunEtl({ chunks: 2, commit }), name: 'big-rejected' });
  assert.equal(run.status, 'FAILED');
  assert.equal(run.error, 'TransactionEtl.FileRejected');
  assert.equal(run.published.length, 1);
  assertAlertBasics(run.published[0], input, { severity: 'error', status: 'rejected', name: 'big-rejected' });
  assert.equal(matches(failurePattern(), statusChangeEvent(run)), false, 'the rule leaves it out: alerted once');
});

test('a chunk that still fails after its retries fails the file at the Map: no commit, one alert (the rule)', async () => {
  const runEtl = chunkedRunEtl({ chunks: 4, chunkError: (index) => (index === 2 ? transient : undefined) });
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'chunk-fails' });

  assert.equal(run.status, 'FAILED');
  assert.equal(run.error, 'TransactionEtl.TransientError');
  assert.equal(runEtl.byMode('chunk').filter((c) => c.Payload.chunkIndex === 2).length, 5, 'first try plus MaxAttempts 4, as RunEtl');
  assert.equal(runEtl.byMode('commit').length, 0, 'nothing is committed');
  assert.deepEqual(run.published, [], 'the definition publishes nothing');
  const event = statusChangeEvent(run);
  assert.equal(matches(failurePattern(), event), true, 'the EventBridge rule alerts, once');
  const lastTop = run.events.findLast((e) => e.type === 'StateEntered' && run.definition.States[e.state.name]);
  assert.equal(lastTop.state.name, 'LoadChunks', 'the execution fails at the Map, so a redrive re-runs the chunks');
});

test('a chunk that fails transiently is retried and the file commits', async () => {
  const runEtl = chunkedRunEtl({ chunks: 3, chunkError: (index, attempt) => (index === 1 && attempt <= 2 ? transient : undefined) });
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'chunk-retried' });
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.equal(runEtl.byMode('chunk').filter((c) => c.Payload.chunkIndex === 1).length, 3);
  assert.equal(runEtl.byMode('commit').length, 1);
  assert.deepEqual(run.published, []);
});

test('a redrive after a failed chunk re-runs the chunks with the same ticket and commits', async () => {
  const failing = chunkedRunEtl({ chunks: 3, chunkError: (index) => (index === 0 ? { errorType: 'TransactionEtl.S3TransferError', errorMessage: 'Forbidden' } : undefined) });
  const first = await execute({ definition: renderDefinition(), input, runEtl: failing, name: 'chunk-redrive' });
  assert.equal(first.status, 'FAILED');
  assert.equal(failing.byMode('chunk').filter((c) => c.Payload.chunkIndex === 0).length, 1, 'a permanent error is not retried');

  const runEtl = chunkedRunEtl({ chunks: 3 });
  const again = await redrive(first, { runEtl });
  assert.equal(again.restartedAt, 'LoadChunks');
  assert.equal(again.status, 'SUCCEEDED', `${again.error}: ${again.cause}`);
  assert.equal(runEtl.byMode('plan').length, 0, 'the plan (and its ticket) is kept');
  assert.deepEqual(runEtl.byMode('chunk').map((c) => c.Payload.chunkIndex).sort(), [0, 1, 2]);
  assert.ok(runEtl.calls.every((c) => c.Payload.mode === undefined || c.Payload.ticket === undefined || c.Payload.ticket.file_id === 42));
  assert.equal(runEtl.byMode('commit').length, 1);
});

test('with 1000 chunks every state input and output stays far below the 256 KiB payload limit', async () => {
  const runEtl = chunkedRunEtl({ chunks: 1000 });
  const run = await execute({ definition: renderDefinition({ chunkMaxConcurrency: 50 }), input, runEtl, name: 'many' });
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.equal(runEtl.byMode('chunk').length, 1000);
  const size = (v) => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)));
  const largest = Math.max(...run.events.flatMap((e) => [e.input, e.output, e.state?.input, e.state?.output].map(size)));
  // The Map's result is the array of its iterations' outputs; 1000 chunk results of ~300 bytes would be ~300 KB,
  // over the limit even when ResultPath null drops it afterwards, so each iteration's output must be dropped (OutputPath null).
  const mapResult = size(run.events.filter((e) => e.type === 'MapIterationSucceeded').map((e) => e.output));
  assert.ok(mapResult < 16 * 1024, `the Map's result is ${mapResult} bytes`);
  assert.ok(largest < 128 * 1024, `largest state payload ${largest} bytes`);
});
