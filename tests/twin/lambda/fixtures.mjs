// Test fixtures for the Lambda twin: a tiny bootstrap speaking the Runtime API (what the real Native AOT
// bootstrap does, minus the handlers) and a planned function entry as plan.mjs gives it.

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The event says what to do: { sleepMs, fail, crash, exitCode, response, env: [names to echo] }; an SQS
// event's records whose body contains "fail" come back as batchItemFailures.
// TWIN_FAKE_INIT_FAIL makes the runtime report an init error instead of serving.
const fakeBootstrap = `(async () => {
const base = 'http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime/';
async function post(path, body, headers = {}) {
  await fetch(base + path, { method: 'POST', body: JSON.stringify(body), headers });
}
if (process.env.TWIN_FAKE_INIT_FAIL) {
  await post('init/error', { errorType: 'Runtime.ConfigError', errorMessage: 'init failed on purpose' }, { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ConfigError' });
  process.exit(1);
}
console.log('fake bootstrap started as ' + process.env._HANDLER);
for (;;) {
  const next = await fetch(base + 'invocation/next');
  const id = next.headers.get('lambda-runtime-aws-request-id');
  const event = await next.json();
  console.log('handling ' + id);
  console.error('a line on stderr');
  if (event.Records) {
    // An SQS batch: bodies containing "fail" are reported as batch item failures.
    const failed = event.Records.filter((r) => r.body.includes('fail')).map((r) => ({ itemIdentifier: r.messageId }));
    console.log('batch of ' + event.Records.length);
    await post('invocation/' + id + '/response', { batchItemFailures: failed });
    continue;
  }
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  if (event.crash) process.exit(event.exitCode ?? 3);
  if (event.fail) {
    await post('invocation/' + id + '/error', { errorType: 'Failure', errorMessage: event.fail }, { 'Lambda-Runtime-Function-Error-Type': 'Failure' });
    continue;
  }
  const echoed = Object.fromEntries((event.env ?? []).map((n) => [n, process.env[n] ?? null]));
  const headers = {
    deadlineMs: Number(next.headers.get('lambda-runtime-deadline-ms')),
    functionArn: next.headers.get('lambda-runtime-invoked-function-arn'),
    traceId: next.headers.get('lambda-runtime-trace-id'),
  };
  await post('invocation/' + id + '/response', event.response ?? { requestId: id, pid: process.pid, env: echoed, headers, event });
}
})();
`;

/** A task root holding an executable `bootstrap` (this node, the fake runtime above). */
export function fakeTaskRoot() {
  const dir = mkdtempSync(join(tmpdir(), 'twin-fake-task-'));
  writeFileSync(join(dir, 'bootstrap'), `#!${process.execPath}\n${fakeBootstrap}`);
  chmodSync(join(dir, 'bootstrap'), 0o755);
  return dir;
}

export const region = 'eu-central-1';
export const account = '123456789012';

/** A Deployment.functions entry as plan.mjs gives it. */
export function plannedFunction(key, overrides = {}) {
  const name = `txetl-dev-${key}`;
  return {
    key,
    name,
    arn: `arn:aws:lambda:${region}:${account}:function:${name}`,
    handler: key,
    env: { TXETL_LOG_LEVEL: 'Information' },
    timeoutSeconds: 30,
    memoryMb: 256,
    reserved: null,
    roleArn: `arn:aws:iam::${account}:role/${name}`,
    logGroup: { name: `/aws/lambda/${name}`, arn: `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${name}` },
    vpc: null,
    zip: null,
    asyncConfig: null,
    ...overrides,
  };
}
