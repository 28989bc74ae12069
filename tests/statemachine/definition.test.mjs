import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaultExecutionTimeoutSeconds, placeholders, renderDefinition, renderTemplate, templatePath, validate } from './harness.mjs';

const template = readFileSync(templatePath, 'utf8');

test('the template uses exactly the placeholders Terraform passes', () => {
  const used = [...new Set([...template.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]))].sort();
  assert.deepEqual(used, [...placeholders].sort());
});

test('the rendered definition passes asl-validator', () => {
  for (const notifyOnSuccess of [false, true]) {
    const { isValid, errors, errorsText } = validate(renderDefinition({ notifyOnSuccess }));
    assert.equal(isValid, true, errorsText ? errorsText() : JSON.stringify(errors));
  }
});

test('asl-validator catches a broken definition (the check can fail)', () => {
  const broken = renderDefinition();
  broken.States.RouteOnStatus.Default = 'NoSuchState';
  assert.equal(validate(broken).isValid, false);
});

test('rendering refuses an unknown placeholder like templatefile does', () => {
  assert.throws(() => renderTemplate('{"a":"${nope}"}', {}), /nope/);
  assert.equal(renderTemplate('{"a":"$${literal}"}', {}), '{"a":"${literal}"}');
});

test('RunEtl passes only S3 pointers and retries the transient error type with full jitter', () => {
  const d = renderDefinition();
  const runEtl = d.States.RunEtl;
  assert.equal(d.QueryLanguage ?? 'JSONPath', 'JSONPath');
  assert.equal(runEtl.Resource, 'arn:aws:states:::lambda:invoke');
  assert.deepEqual(Object.keys(runEtl.Parameters.Payload).sort(),
    ['bucket.$', 'eTag.$', 'executionName.$', 'key.$', 'size.$', 'versionId.$']);
  const transient = runEtl.Retry.find((r) => r.ErrorEquals.includes('TransactionEtl.TransientError'));
  assert.equal(transient?.JitterStrategy, 'FULL');
  const throttled = runEtl.Retry.find((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException'));
  const service = runEtl.Retry.find((r) => r.ErrorEquals.includes('Lambda.ServiceException'));
  assert.ok(throttled.IntervalSeconds > service.IntervalSeconds, 'throttling backs off longer');
  assert.ok(!runEtl.Retry.some((r) => r.ErrorEquals.includes('States.ALL') || r.ErrorEquals.includes('States.TaskFailed')),
    'validation failures and other errors must never be retried');
  assert.equal(runEtl.Catch, undefined,
    'no Catch: an error must fail the execution at RunEtl, so that a redrive restarts there (a Catch to a Fail state redrives into the Fail state)');
});

test('the execution has a top-level TimeoutSeconds from execution_timeout_seconds', () => {
  assert.match(template, /^  "TimeoutSeconds": \$\{execution_timeout_seconds\},$/m,
    'an unquoted placeholder: TimeoutSeconds must render as an integer');
  assert.equal(renderDefinition().TimeoutSeconds, defaultExecutionTimeoutSeconds);
  const d = renderDefinition({ executionTimeoutSeconds: 3600 });
  assert.equal(d.TimeoutSeconds, 3600);
  assert.ok(Number.isInteger(d.TimeoutSeconds));
  assert.equal(validate(d).isValid, true);
});

test('no state of the definition publishes a failure alert and then fails (the EventBridge rule alerts)', () => {
  const d = renderDefinition();
  // Every Fail state is one of the two the etl-failed rule leaves out because they published a detailed alert.
  const fails = Object.entries(d.States).filter(([, s]) => s.Type === 'Fail').map(([, s]) => s.Error).sort();
  assert.deepEqual(fails, ['TransactionEtl.FileRejected', 'TransactionEtl.LoadFailed']);
  assert.ok(!Object.values(d.States).some((s) => s.Catch), 'no state catches errors into an alert');
});
