// The Step Functions server: signed StartExecution, idempotent names, throttling and function errors as
// the lambda:invoke integration surfaces them, scaled retries, redrive at the failed state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { CallLog } from './aws/calls.mjs';
import { Credentials } from './aws/credentials.mjs';
import { sign, readBody } from './aws/sigv4.mjs';
import { start, scaleDefinition, withoutLocalTaskTimeouts, invokeLambda } from './stepfunctions.mjs';

const region = 'eu-central-1';
const account = '123456789012';
const smRole = `arn:aws:iam::${account}:role/txetl-dev-etl-state-machine`;
const fnArn = `arn:aws:lambda:${region}:${account}:function:txetl-dev-run-etl`;
const definition = {
  StartAt: 'RunEtl', TimeoutSeconds: 3600,
  States: {
    RunEtl: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: fnArn, 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 5, BackoffRate: 2, MaxDelaySeconds: 60, MaxAttempts: 50, JitterStrategy: 'FULL' }],
      ResultSelector: { 'summary.$': '$.Payload' }, Next: 'Publish' },
    Publish: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: `arn:aws:sns:${region}:${account}:t`, 'Message.$': '$.summary',
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'info' } } }, End: true },
  },
};

async function fakeServer(handler) {
  const server = createServer(async (req, res) => { const body = await readBody(req); const out = handler(req, body.toString()); res.writeHead(out.status, out.headers ?? {}); res.end(out.body ?? ''); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

async function twin({ lambda, sns = () => ({ status: 200, body: '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>' }) }) {
  const calls = new CallLog();
  const credentials = new Credentials();
  const seen = { lambda: [], sns: [] };
  const l = await fakeServer((req, body) => { seen.lambda.push({ auth: req.headers.authorization, body }); return lambda(seen.lambda.length, body); });
  const s = await fakeServer((req, body) => { seen.sns.push({ auth: req.headers.authorization, body: new URLSearchParams(body) }); return sns(); });
  const statuses = [];
  const sfn = await start({ calls, credentials, region, account, lambdaUrl: l.url, snsUrl: s.url, factor: 0.001,
    deployment: { stateMachine: { name: 'txetl-dev-etl', arn: `arn:aws:states:${region}:${account}:stateMachine:txetl-dev-etl`, roleArn: smRole, definition } },
    onStatusChange: (e) => statuses.push(e.status) });
  return { calls, credentials, seen, sfn, statuses, stop: async () => { await sfn.stop(); await l.close(); await s.close(); } };
}

const ok = (payload) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
const throttled = () => ({ status: 429, headers: { 'x-amzn-ErrorType': 'TooManyRequestsException' }, body: '{"Type":"User","message":"Rate Exceeded."}' });

test('scaleDefinition scales every duration and keeps attempts and backoff', () => {
  const scaled = scaleDefinition(definition, 0.01);
  assert.equal(scaled.TimeoutSeconds, 36);
  assert.deepEqual(scaled.States.RunEtl.Retry[0], { ...definition.States.RunEtl.Retry[0], IntervalSeconds: 0.05, MaxDelaySeconds: 0.6 });
  assert.equal(definition.States.RunEtl.Retry[0].IntervalSeconds, 5);
});

test('a signed StartExecution runs the definition; 429s are retried as Lambda.TooManyRequestsException; calls are signed by the state machine role', async () => {
  const t = await twin({ lambda: (n) => (n <= 3 ? throttled() : ok({ status: 'loaded' })) });
  try {
    const caller = `arn:aws:iam::${account}:role/txetl-dev-start-workflow`;
    const body = JSON.stringify({ stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:txetl-dev-etl`, name: 'file-1', input: '{"key":"k"}' });
    const headers = sign({ method: 'POST', url: `${t.sfn.url}/`, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution' }, body },
      t.credentials.forRole(caller), 'states', region);
    const res = await fetch(`${t.sfn.url}/`, { method: 'POST', headers, body });
    assert.equal(res.status, 200);
    const { executionArn } = await res.json();
    const again = await fetch(`${t.sfn.url}/`, { method: 'POST', headers: sign({ method: 'POST', url: `${t.sfn.url}/`, headers: { 'x-amz-target': 'AWSStepFunctions.StartExecution' }, body }, t.credentials.forRole(caller), 'states', region), body });
    assert.equal(again.status, 200, 'same name and input while running is idempotent');
    const e = await t.sfn.settled(executionArn);
    assert.equal(e.status, 'SUCCEEDED', `${e.error}: ${e.cause}`);
    assert.equal(t.seen.lambda.length, 4);
    assert.equal(e.history.filter((h) => h.type === 'StateRetried').length, 3);
    assert.match(t.seen.lambda[0].auth, /Credential=ASIA/);
    assert.equal(t.credentials.lookup(/Credential=([^/]+)/.exec(t.seen.sns[0].auth)[1]).roleArn, smRole);
    assert.equal(t.seen.sns[0].body.get('Message'), '{"status":"loaded"}');
    assert.equal(t.seen.sns[0].body.get('MessageAttributes.entry.1.Value.StringValue'), 'info');
    assert.deepEqual(t.calls.filter({ action: 'states:StartExecution' }).map((c) => c.principal.arn), [caller, caller]);
    assert.deepEqual(t.statuses, ['RUNNING', 'SUCCEEDED']);
    const other = JSON.stringify({ stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:txetl-dev-etl`, name: 'file-1', input: '{"key":"other"}' });
    const refused = await fetch(`${t.sfn.url}/`, { method: 'POST', headers: sign({ method: 'POST', url: `${t.sfn.url}/`, headers: { 'x-amz-target': 'AWSStepFunctions.StartExecution' }, body: other }, t.credentials.forRole(caller), 'states', region), body: other });
    assert.equal((await refused.json()).__type, 'ExecutionAlreadyExists');
    const unsigned = await fetch(`${t.sfn.url}/`, { method: 'POST', headers: { 'x-amz-target': 'AWSStepFunctions.StartExecution', authorization: 'AWS4-HMAC-SHA256 Credential=AKIAX/20260101/eu-central-1/states/aws4_request, SignedHeaders=host;x-amz-date, Signature=00', 'x-amz-date': '20260101T000000Z' }, body });
    assert.ok(unsigned.status >= 400);
  } finally { await t.stop(); }
});

test('a function error fails the execution with its errorType; redrive restarts at that state with its input and then succeeds', async () => {
  let fail = true;
  const t = await twin({ lambda: () => (fail ? { status: 200, headers: { 'x-amz-function-error': 'Unhandled' }, body: '{"errorType":"TransactionEtl.TransientError","errorMessage":"db down"}' } : ok({ status: 'loaded' })) });
  try {
    const { execution } = t.sfn.startExecution({ key: 'k' }, 'file-2');
    const e = await execution.done;
    assert.equal(e.status, 'FAILED');
    assert.equal(e.error, 'TransactionEtl.TransientError');
    assert.deepEqual(e.failedState, { name: 'RunEtl', input: { key: 'k' } });
    fail = false;
    const again = await t.sfn.redrive(e.executionArn);
    assert.equal(again.status, 'SUCCEEDED');
    assert.equal(again.redriveCount, 1);
    assert.deepEqual(t.statuses, ['RUNNING', 'FAILED', 'RUNNING', 'SUCCEEDED']);
  } finally { await t.stop(); }
});

test('tasks without TimeoutSeconds are not stopped at the local runner\'s 60 s default', () => {
  const d = withoutLocalTaskTimeouts(structuredClone(definition));
  assert.ok(d.States.RunEtl.TimeoutSeconds > 86_400 * 20);
  assert.equal(withoutLocalTaskTimeouts({ States: { T: { Type: 'Task', TimeoutSeconds: 5 } } }).States.T.TimeoutSeconds, 5);
});

test('an Invoke API that cannot be reached surfaces as Lambda.SdkClientException (which the definition retries)', async () => {
  const closed = await fakeServer(() => ({ status: 200 }));
  await closed.close();
  await assert.rejects(invokeLambda({ lambdaUrl: closed.url, functionName: fnArn, payload: {}, credentials: new Credentials().issue(smRole), region }),
    (err) => err.name === 'Lambda.SdkClientException' && /Unable to execute HTTP request/.test(err.message));
});
