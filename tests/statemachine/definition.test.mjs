import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { placeholders, renderDefinition, renderTemplate, templatePath, validate } from './harness.mjs';

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
  assert.deepEqual(runEtl.Catch.map((c) => c.ErrorEquals), [['States.ALL']]);
});
