// Throttling never fails a file (issue 14, design D3): RunEtl has 2 (dev) or 10 (prod) reserved slots,
// so in a burst most executions get Lambda.TooManyRequestsException until a slot frees up. The
// definition's retrier for it must keep an execution waiting until the execution's TimeoutSeconds ends
// it (TIMED_OUT: alerted by the etl-failed rule, redrivable), never give up first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultExecutionTimeoutSeconds, execute, LambdaFunctionError, renderDefinition } from './harness.mjs';
import { scriptedRunEtl, summary } from './run-etl.mjs';
import {
  attemptsWithin, expectedTotalWait, longestExecutionSeconds, probabilityWaitsEndWithin, seededRandom, simulateBurst,
} from './retrier.mjs';

/** The largest execution_timeout_seconds the workflow module accepts (its variable's validation). */
const largestExecutionTimeoutSeconds = 172800;
/** Step Functions' hard quota of events in one execution's history. */
const historyEventLimit = 25000;
/** A throttled lambda:invoke attempt writes TaskScheduled, TaskStarted and TaskFailed. */
const eventsPerAttempt = 3;
/** "Never" for a file: the chance that it fails only because others were loading. */
const negligible = 1e-9;

function throttlingRetrier(definition) {
  const retrier = definition.States.RunEtl.Retry.find((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException'));
  assert.ok(retrier, 'RunEtl must retry Lambda.TooManyRequestsException');
  return retrier;
}

const input = { bucket: 'txetl-landing', key: 'incoming/burst-0001.csv', versionId: null, eTag: 'd41d8cd98f00b204e9800998ecf8427e', size: 84 };
const throttled = () => new LambdaFunctionError('Lambda.TooManyRequestsException', 'Rate Exceeded.');

test('the throttling retrier outlasts the execution timeout: giving up first is negligible', () => {
  for (const timeout of [defaultExecutionTimeoutSeconds, largestExecutionTimeoutSeconds]) {
    const definition = renderDefinition({ executionTimeoutSeconds: timeout });
    const retrier = throttlingRetrier(definition);
    const deadline = definition.TimeoutSeconds ?? longestExecutionSeconds;
    const p = probabilityWaitsEndWithin(retrier, deadline);
    assert.ok(p <= negligible,
      `with TimeoutSeconds ${deadline}, a throttled execution exhausts its ${retrier.MaxAttempts} retries first with probability up to ${p} ` +
      `(expected total wait ${Math.round(expectedTotalWait(retrier))} s)`);
    assert.equal(retrier.JitterStrategy, 'FULL', 'full jitter spreads a burst\'s retries over time');
    assert.ok(retrier.MaxDelaySeconds <= 60, 'a freed slot is taken within a minute');
  }
});

test('a throttled execution stays inside the execution history quota until it times out', () => {
  const definition = renderDefinition({ executionTimeoutSeconds: largestExecutionTimeoutSeconds });
  const retrier = throttlingRetrier(definition);
  const attempts = Math.min(retrier.MaxAttempts + 1, attemptsWithin(retrier, definition.TimeoutSeconds, negligible));
  // Room for the states after RunEtl and the execution's own events.
  const events = attempts * eventsPerAttempt + 50;
  assert.ok(events < historyEventLimit,
    `up to ${attempts} throttled attempts in ${definition.TimeoutSeconds} s write about ${events} history events (quota ${historyEventLimit})`);
});

test('a 500-file burst at concurrency 2 all loads: no file runs out of throttling retries', () => {
  const definition = renderDefinition();
  const retrier = throttlingRetrier(definition);
  // 500 loads of 5 minutes on 2 slots take 20.8 hours: inside the default timeout, yet each file waits far
  // longer than a retrier that gives up after minutes would allow.
  const run = simulateBurst({
    retrier, timeoutSeconds: definition.TimeoutSeconds ?? longestExecutionSeconds, files: 500, concurrency: 2,
    loadSeconds: 300, random: seededRandom(14),
  });
  assert.deepEqual({ loaded: run.loaded, failed: run.failed, timedOut: run.timedOut }, { loaded: 500, failed: 0, timedOut: 0 },
    `after ${run.attempts} attempts, the last load ended at ${Math.round(run.lastLoadedAt)} s`);
  // Polling with full jitter capped at 60 s keeps both slots busy: the burst ends close to 500 * 300 / 2 s.
  assert.ok(run.lastLoadedAt < 75000 * 1.02, `the burst took ${Math.round(run.lastLoadedAt)} s`);
});

test('the simulation can fail: a retrier that gives up after minutes loses most of the burst', () => {
  const shortLived = { ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 10, MaxAttempts: 8, BackoffRate: 2, MaxDelaySeconds: 300, JitterStrategy: 'FULL' };
  const run = simulateBurst({ retrier: shortLived, timeoutSeconds: longestExecutionSeconds, files: 500, concurrency: 2, loadSeconds: 300, random: seededRandom(14) });
  assert.ok(run.failed > 400, `only ${run.failed} of 500 failed`);
});

test('an execution throttled past its TimeoutSeconds ends TIMED_OUT, not FAILED by the retrier', async () => {
  const definition = renderDefinition({ executionTimeoutSeconds: 1 });
  assert.equal(definition.TimeoutSeconds, 1);
  const calls = [];
  const runEtl = async (params) => {
    calls.push(params);
    throw throttled();
  };
  const run = await execute({ definition, input, runEtl, name: 'throttled', retryIntervalMs: 20 });

  assert.equal(run.status, 'TIMED_OUT', `expected the execution timeout to end it, got ${run.status} ${run.error}`);
  assert.ok(calls.length > 9, `RunEtl was tried ${calls.length} times; the retrier must not give up before the timeout`);
  assert.deepEqual(run.published, []);
});

test('a throttled execution loads as soon as a slot frees up', async () => {
  const runEtl = scriptedRunEtl([
    ...Array.from({ length: 30 }, () => ({ error: { errorType: 'Lambda.TooManyRequestsException', errorMessage: 'Rate Exceeded.' } })),
    { summary: summary({ status: 'loaded' }) },
  ]);
  const run = await execute({ definition: renderDefinition(), input, runEtl, name: 'waited' });

  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.equal(runEtl.calls.length, 31);
  assert.equal(run.output.etl.summary.status, 'loaded');
});
