// The Lambda twin with a fake bootstrap: Invoke API, Runtime API, environments, concurrency, async
// invocations, logs. (esm.test.mjs covers event source mappings; bootstrap.test.mjs the real bootstrap.)
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallLog } from '../aws/calls.mjs';
import { Credentials } from '../aws/credentials.mjs';
import { sign } from '../aws/sigv4.mjs';
import { start } from './service.mjs';
import { start as startSqs } from '../aws/sqs.mjs';
import { account, botocore, botocoreVersion, fakeTaskRoot, plannedFunction, region } from './fixtures.mjs';

const callerRole = `arn:aws:iam::${account}:role/txetl-dev-state-machine`;
const failuresQueue = `arn:aws:sqs:${region}:${account}:txetl-dev-notify-chat-failures`;
const intruderRole = `arn:aws:iam::${account}:role/intruder`;

async function httpInvoke(twin, credentials, name, event, { type, keys } = {}) {
  const url = `${twin.url}/2015-03-31/functions/${encodeURIComponent(name)}/invocations`;
  const body = JSON.stringify(event);
  const headers = type ? { 'X-Amz-Invocation-Type': type } : {};
  const signed = sign({ method: 'POST', url, headers, body }, keys ?? credentials.forRole(callerRole), 'lambda', region);
  const response = await fetch(url, { method: 'POST', headers: signed, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : null };
}

describe('Lambda twin (fake bootstrap)', () => {
  let twin;
  let calls;
  let credentials;
  let sqs;
  const taskRoot = fakeTaskRoot();
  const deployment = {
    region, account,
    functions: {
      'run-etl': plannedFunction('run-etl', { reserved: 2 }),
      'notify-chat': plannedFunction('notify-chat', { asyncConfig: { maxRetryAttempts: 2, maxEventAgeSeconds: 3600, onFailure: failuresQueue } }),
      'start-workflow': plannedFunction('start-workflow', { timeoutSeconds: 1 }),
      migrate: plannedFunction('migrate', { env: { TWIN_FAKE_INIT_FAIL: '1' } }),
      slow: plannedFunction('slow'),
    },
    eventSourceMappings: [],
  };

  before(async () => {
    calls = new CallLog();
    credentials = new Credentials();
    sqs = await startSqs({ calls, credentials, region, account, queues: [{ arn: failuresQueue }] });
    twin = await start({
      calls, credentials, region, account, deployment, sqs, cap: 3,
      taskRoot: () => taskRoot,
      environment: () => ({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' }),
      minDurationMs: (key) => (key === 'slow' ? 300 : 0),
      retryDelaysMs: [20, 40],
      // The inline IAM decision the servers accept: here, one role may not invoke anything.
      authorize: (call) => call.principal.arn !== intruderRole,
    });
  });

  after(async () => {
    await twin.stop();
    await sqs.stop();
    rmSync(taskRoot, { recursive: true, force: true });
  });

  test('a signed synchronous invoke runs the bootstrap with the planned and Lambda-set environment', async () => {
    const names = ['_HANDLER', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_REGION', 'LAMBDA_TASK_ROOT', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
      'TXETL_LOG_LEVEL', 'AWS_ENDPOINT_URL_S3', 'AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN'];
    const before = Date.now();
    const r = await httpInvoke(twin, credentials, 'txetl-dev-run-etl', { env: names });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-amz-function-error'), null);
    assert.equal(r.headers.get('x-amz-executed-version'), '$LATEST');
    const env = r.json.env;
    assert.equal(env._HANDLER, 'run-etl');
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'txetl-dev-run-etl');
    assert.equal(env.AWS_REGION, region);
    assert.equal(env.LAMBDA_TASK_ROOT, taskRoot);
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
    assert.equal(env.TXETL_LOG_LEVEL, 'Information');
    assert.equal(env.AWS_ENDPOINT_URL_S3, 'http://127.0.0.1:9');
    // The function signs with keys of its own execution role, which is how servers know the caller.
    assert.equal(credentials.lookup(env.AWS_ACCESS_KEY_ID).roleArn, deployment.functions['run-etl'].roleArn);
    assert.ok(env.AWS_SESSION_TOKEN);
    assert.equal(r.json.headers.functionArn, deployment.functions['run-etl'].arn);
    assert.match(r.json.headers.traceId, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};/);
    const deadline = r.json.headers.deadlineMs - before;
    assert.ok(deadline > 29_000 && deadline <= 31_000, `deadline ${deadline} ms from now, planned timeout 30 s`);
    const invoked = calls.filter({ action: 'lambda:InvokeFunction', resource: deployment.functions['run-etl'].arn });
    assert.equal(invoked.length, 1);
    assert.deepEqual(invoked[0].principal, { type: 'role', arn: callerRole });
  });

  test('a warm environment serves the next invocation; a partial or full ARN names the function too', async () => {
    const fn = deployment.functions['run-etl'];
    const first = await httpInvoke(twin, credentials, fn.arn, {});
    const second = await httpInvoke(twin, credentials, `${account}:function:${fn.name}`, {});
    assert.equal(first.status, 200);
    assert.equal(second.json.pid, first.json.pid);
  });

  test('a bad signature is refused with 403 and nothing runs or is recorded', async () => {
    const invokes = () => calls.filter({ action: 'lambda:InvokeFunction' }).length;
    const before = invokes();
    const coldStarts = twin.stats('run-etl').coldStarts;
    const forged = { ...credentials.forRole(callerRole), secretAccessKey: 'not-the-secret' };
    const r = await httpInvoke(twin, credentials, 'txetl-dev-run-etl', {}, { keys: forged });
    assert.equal(r.status, 403);
    assert.equal(r.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
    assert.equal(invokes(), before);
    assert.equal(twin.stats('run-etl').coldStarts, coldStarts);
  });

  test('an invoke the inline IAM decision denies is AccessDeniedException, recorded, and runs nothing', async () => {
    const coldStarts = twin.stats('run-etl').coldStarts;
    const r = await httpInvoke(twin, credentials, 'txetl-dev-run-etl', {}, { keys: credentials.forRole(intruderRole) });
    assert.equal(r.status, 403);
    assert.equal(r.headers.get('x-amzn-errortype'), 'AccessDeniedException');
    assert.match(r.json.message, /intruder is not authorized to perform: lambda:InvokeFunction/);
    assert.equal(calls.filter({ action: 'lambda:InvokeFunction', principal: intruderRole }).length, 1);
    assert.equal(twin.stats('run-etl').coldStarts, coldStarts);
  });

  test('an unknown function is ResourceNotFoundException', async () => {
    const r = await httpInvoke(twin, credentials, 'txetl-dev-nope', {});
    assert.equal(r.status, 404);
    assert.equal(r.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    assert.match(r.json.message, /Function not found: arn:aws:lambda:eu-central-1:123456789012:function:txetl-dev-nope/);
  });

  test('beyond the reserved concurrency a synchronous invoke gets 429 TooManyRequestsException', async () => {
    const results = await Promise.all([1, 2, 3].map(() => httpInvoke(twin, credentials, 'txetl-dev-run-etl', { sleepMs: 400 })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 429]);
    const throttled = results.find((r) => r.status === 429);
    assert.equal(throttled.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
    assert.deepEqual(throttled.json, { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' });
    assert.equal(twin.stats('run-etl').peak, 2);
    // Once the slots are free again, invokes succeed.
    assert.equal((await httpInvoke(twin, credentials, 'txetl-dev-run-etl', {})).status, 200);
  });

  test('an unreserved function is capped by the cap option; minDurationMs holds the slot', async () => {
    const started = Date.now();
    const results = await Promise.all([1, 2, 3, 4].map(() => httpInvoke(twin, credentials, 'txetl-dev-slow', {})));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 429]);
    assert.ok(Date.now() - started >= 300, 'each invocation held its slot for minDurationMs');
    assert.equal(twin.stats('slow').limit, 3);
  });

  test('a process that exits fails its invocation with Runtime.ExitError; the next one gets a new environment', async () => {
    const coldStarts = twin.stats('run-etl').coldStarts;
    // Both reserved slots crash, so no warm environment is left for the next invocation.
    const [crashed] = await Promise.all([1, 2].map(() => httpInvoke(twin, credentials, 'txetl-dev-run-etl', { crash: true, exitCode: 3, sleepMs: 200 })));
    assert.equal(crashed.status, 200);
    assert.equal(crashed.headers.get('x-amz-function-error'), 'Unhandled');
    assert.equal(crashed.json.errorType, 'Runtime.ExitError');
    assert.match(crashed.json.errorMessage, /Runtime exited with error: exit status 3/);
    const next = await httpInvoke(twin, credentials, 'txetl-dev-run-etl', {});
    assert.equal(next.status, 200);
    assert.ok(twin.stats('run-etl').coldStarts > coldStarts);
  });

  test('a handler error comes back as a function error with its payload', async () => {
    const r = await httpInvoke(twin, credentials, 'txetl-dev-run-etl', { fail: 'bad input' });
    assert.equal(r.headers.get('x-amz-function-error'), 'Unhandled');
    assert.deepEqual(r.json, { errorType: 'Failure', errorMessage: 'bad input' });
  });

  test('an invocation past the planned timeout fails with Sandbox.Timedout', async () => {
    const r = await httpInvoke(twin, credentials, 'txetl-dev-start-workflow', { sleepMs: 5000 });
    assert.equal(r.headers.get('x-amz-function-error'), 'Unhandled');
    assert.equal(r.json.errorType, 'Sandbox.Timedout');
    assert.match(r.json.errorMessage, /Task timed out after 1\.00 seconds/);
    // The timed-out environment is being killed: the very next invocation must not land in it.
    const fn = deployment.functions['start-workflow'];
    const timedOut = await twin.invoke({ type: 'role', arn: callerRole }, fn.arn, JSON.stringify({ sleepMs: 5000 }));
    assert.equal(JSON.parse(timedOut.body).errorType, 'Sandbox.Timedout');
    const next = await twin.invoke({ type: 'role', arn: callerRole }, fn.arn, '{}');
    assert.equal(next.headers['X-Amz-Function-Error'], undefined, next.body.toString());
  });

  test('an init error fails the invocation', async () => {
    const r = await httpInvoke(twin, credentials, 'txetl-dev-migrate', {});
    assert.equal(r.headers.get('x-amz-function-error'), 'Unhandled');
    assert.equal(r.json.errorType, 'Runtime.ConfigError');
  });

  test('an Event invoke answers 202, retries a failing event twice, then sends the destination record as the role', async () => {
    const fn = deployment.functions['notify-chat'];
    const r = await httpInvoke(twin, credentials, fn.name, { fail: 'webhook down' }, { type: 'Event' });
    assert.equal(r.status, 202);
    await twin.idle();
    const outcome = twin.stats('notify-chat').async.at(-1);
    assert.equal(outcome.attempts, 3);
    assert.equal(outcome.ok, false);
    const [message] = sqs.messages(failuresQueue);
    const record = JSON.parse(message.body);
    assert.equal(record.requestContext.condition, 'RetriesExhausted');
    assert.equal(record.requestContext.approximateInvokeCount, 3);
    assert.equal(record.requestContext.functionArn, `${fn.arn}:$LATEST`);
    assert.deepEqual(record.requestPayload, { fail: 'webhook down' });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    assert.equal(record.responsePayload.errorMessage, 'webhook down');
    const sent = calls.filter({ action: 'sqs:SendMessage', resource: failuresQueue });
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0].principal, { type: 'role', arn: fn.roleArn });
  });

  test('an in-process Event invoke by SNS records the service principal and its source', async () => {
    const fn = deployment.functions['notify-chat'];
    const topic = `arn:aws:sns:${region}:${account}:txetl-dev-alerts`;
    const r = await twin.invoke({ type: 'service', service: 'sns.amazonaws.com' }, fn.arn, JSON.stringify({ Records: [] }),
      { type: 'Event', context: { 'aws:SourceArn': topic } });
    assert.equal(r.statusCode, 202);
    await twin.idle();
    assert.equal(twin.stats('notify-chat').async.at(-1).attempts, 1);
    const [call] = calls.filter({ action: 'lambda:InvokeFunction', principal: 'sns.amazonaws.com' });
    assert.equal(call.context['aws:SourceArn'], topic);
    assert.equal(call.resource, fn.arn);
    // A qualified ARN names the same function; another version or an unknown function is not found.
    assert.equal((await twin.invoke(call.principal, `${fn.arn}:$LATEST`, '{}', { type: 'Event' })).statusCode, 202);
    assert.equal((await twin.invoke(call.principal, `${fn.arn}:7`, '{}', { type: 'Event' })).statusCode, 404);
    assert.equal((await twin.invoke(call.principal, `${fn.arn}-x`, '{}')).headers['x-amzn-ErrorType'], 'ResourceNotFoundException');
    await twin.idle();
  });

  test('function output goes to the log file; CreateLogStream once per environment, PutLogEvents per batch, as the role', async () => {
    const fn = deployment.functions['run-etl'];
    await new Promise((r) => setTimeout(r, 300)); // the last batch is flushed after 200 ms
    const log = readFileSync(twin.logFile('run-etl'), 'utf8');
    assert.match(log, /fake bootstrap started as run-etl/);
    assert.match(log, /a line on stderr/);
    assert.match(log, /REPORT RequestId: /);
    const created = calls.filter({ action: 'logs:CreateLogStream', principal: fn.roleArn });
    assert.equal(created.length, twin.stats('run-etl').coldStarts);
    const prefix = `${fn.logGroup.arn}:log-stream:`;
    assert.ok(created[0].resource.startsWith(prefix), created[0].resource);
    assert.match(created[0].resource.slice(prefix.length), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    const put = calls.filter({ action: 'logs:PutLogEvents', principal: fn.roleArn });
    assert.ok(put.length >= created.length);
    assert.ok(put.every((c) => created.some((s) => s.resource === c.resource)));
  });

  test(`botocore ${botocoreVersion ?? '(absent)'} reads Invoke answers, function errors, 429 and 404 as AWS's`, { skip: !botocoreVersion && 'python3 has no botocore' }, async () => {
    const keys = credentials.forRole(callerRole);
    const call = (params) => ({ service: 'lambda', endpoint: twin.url, op: 'invoke', params, keys, region });
    // The two busy invocations hold their slots until the file exists, however long python3 takes to start.
    const release = join(taskRoot, 'release');
    const slow = JSON.stringify({ waitFor: release });
    const results = await botocore([
      call({ FunctionName: 'txetl-dev-run-etl', Payload: '{"response":{"ok":1}}' }),
      call({ FunctionName: 'txetl-dev-run-etl', Payload: '{"fail":"boom"}' }),
      call({ FunctionName: 'txetl-dev-notify-chat', Payload: '{}', InvocationType: 'Event' }),
      call({ FunctionName: 'txetl-dev-nope', Payload: '{}' }),
      call({ FunctionName: `${deployment.functions['run-etl'].arn}:$LATEST`, Payload: '{"response":"by ARN"}' }),
    ]);
    const [ok, failed, queued, missing, byArn] = results;
    // The ARN's colons and '$' are percent-encoded in the path and signed that way.
    assert.deepEqual([byArn.status, byArn.out?.Payload], [200, '"by ARN"'], JSON.stringify(byArn));
    assert.deepEqual([ok.status, ok.out.Payload, ok.out.ExecutedVersion], [200, '{"ok":1}', '$LATEST']);
    assert.deepEqual([failed.out.FunctionError, JSON.parse(failed.out.Payload).errorMessage], ['Unhandled', 'boom']);
    assert.equal(queued.status, 202);
    assert.equal(missing.error.Code, 'ResourceNotFoundException');
    // Both reserved slots busy (two in-process invokes), botocore's third gets the throttle.
    const fn = deployment.functions['run-etl'];
    const busy = [1, 2].map(() => twin.invoke({ type: 'role', arn: callerRole }, fn.arn, slow));
    await new Promise((r) => setTimeout(r, 200));
    const [throttled] = await botocore([call({ FunctionName: fn.name, Payload: '{}' })]);
    writeFileSync(release, '');
    await Promise.all(busy);
    await twin.idle();
    assert.equal(throttled.status, 429);
    assert.deepEqual([throttled.error.Code, throttled.error.Message], ['TooManyRequestsException', 'Rate Exceeded.']);
  });
});
