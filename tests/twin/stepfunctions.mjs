// Step Functions on loopback: the StartExecution API (AWS JSON 1.0, SigV4-verified, recorded as
// states:StartExecution) running the plan's definition with aws-local-stepfunctions. Task states call the
// twin's Lambda Invoke API and SNS server signed with the state machine role's credentials, so every call
// the state machine makes is recorded with that role. Executions keep their history; redrive(arn)
// restarts a failed execution at the state that failed, with that state's input, as Step Functions does.

// aws-local-stepfunctions 3 calls Promise.withResolvers, which Node 20 lacks (see tests/statemachine/harness.mjs).
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { sign } from './aws/sigv4.mjs';
import { authenticate, baseContext, listen, recordAndAuthorize, sendJson } from './aws/common.mjs';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(repoRoot, 'tools', 'node', 'package.json'));
const { StateMachine } = await import(require.resolve('aws-local-stepfunctions'));

/**
 * A copy of the definition with every duration multiplied by `factor` (retry IntervalSeconds and
 * MaxDelaySeconds, task/execution TimeoutSeconds and HeartbeatSeconds, Wait Seconds). Backoff rate,
 * attempts and jitter stay the definition's, so the schedule keeps its shape, only faster.
 * (retryIntervalOverrides would replace the computed backoff by one fixed value and drop the jitter.)
 */
export function scaleDefinition(definition, factor) {
  const copy = structuredClone(definition);
  const scale = (obj, field) => { if (typeof obj[field] === 'number') obj[field] *= factor; };
  scale(copy, 'TimeoutSeconds');
  const walk = (states) => {
    for (const state of Object.values(states)) {
      for (const field of ['TimeoutSeconds', 'HeartbeatSeconds', 'Seconds']) scale(state, field);
      for (const retrier of state.Retry ?? []) { scale(retrier, 'IntervalSeconds'); scale(retrier, 'MaxDelaySeconds'); }
      for (const branch of state.Branches ?? []) walk(branch.States);
      if (state.Iterator) walk(state.Iterator.States);
      if (state.ItemProcessor) walk(state.ItemProcessor.States);
    }
  };
  walk(copy.States);
  return copy;
}

/**
 * Step Functions lets a Task without TimeoutSeconds run as long as the execution (its default is
 * 99999999 s); aws-local-stepfunctions would stop it after 60 s. The twin gives such tasks the longest
 * timer Node has (about 24 days), so only the definition's own timeouts apply.
 */
export function withoutLocalTaskTimeouts(definition) {
  const walk = (states) => {
    for (const state of Object.values(states)) {
      if (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = 2_147_483;
      for (const branch of state.Branches ?? []) walk(branch.States);
      if (state.Iterator) walk(state.Iterator.States);
      if (state.ItemProcessor) walk(state.ItemProcessor.States);
    }
  };
  walk(definition.States);
  return definition;
}

/** An error as Step Functions surfaces it to Retry/Catch: name = Error, message = Cause. */
export class TaskError extends Error {
  constructor(error, cause) {
    super(cause);
    this.name = error;
  }
}

/** A failure to reach the service at all (what AWS SDKs call a client error), after the SDK's own retries. */
export class ClientError extends Error {}

async function signedFetch(url, { body, headers, service, region, credentials }) {
  // The SDK Step Functions uses retries a connection failure twice before the task sees an error.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const signed = sign({ method: 'POST', url, headers, body }, credentials, service, region);
      const res = await fetch(url, { method: 'POST', headers: signed, body });
      return { status: res.status, headers: res.headers, text: await res.text() };
    } catch (err) {
      if (attempt >= 3) throw new ClientError(`Unable to execute HTTP request: ${err.cause?.message ?? err.message}`);
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/** lambda:invoke as the optimized integration does it: 429 -> Lambda.TooManyRequestsException, function error -> its errorType. */
export async function invokeLambda({ lambdaUrl, functionName, payload, credentials, region }) {
  const url = `${lambdaUrl}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;
  let res;
  try {
    res = await signedFetch(url, { body: JSON.stringify(payload ?? {}), headers: { 'content-type': 'application/json' }, service: 'lambda', region, credentials });
  } catch (err) {
    if (err instanceof ClientError) throw new TaskError('Lambda.SdkClientException', err.message);
    throw err;
  }
  const requestId = res.headers.get('x-amzn-requestid') ?? randomUUID();
  if (res.status !== 200) {
    const type = (res.headers.get('x-amzn-errortype') ?? safeJson(res.text)?.Type ?? 'ServiceException').split(':')[0];
    const code = type === 'TooManyRequestsException' || res.status === 429 ? 'TooManyRequestsException' : type;
    const name = `Lambda.${code}`;
    const message = safeJson(res.text)?.message ?? safeJson(res.text)?.Message ?? res.text;
    throw new TaskError(name, `${message} (Service: Lambda, Status Code: ${res.status}, Error Code: ${code}, Request ID: ${requestId})`);
  }
  const functionError = res.headers.get('x-amz-function-error');
  if (functionError) {
    const body = safeJson(res.text);
    throw new TaskError(body?.errorType ?? 'Lambda.Unknown', res.text);
  }
  return { ExecutedVersion: '$LATEST', Payload: safeJson(res.text) ?? res.text, StatusCode: 200,
    SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: requestId } };
}

/** sns:publish over SNS's Query API, as the optimized integration calls it (a JSON Message is serialized). */
export async function publishSns({ snsUrl, params, credentials, region }) {
  const form = new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', TopicArn: params.TopicArn,
    Message: typeof params.Message === 'string' ? params.Message : JSON.stringify(params.Message) });
  if (params.Subject) form.set('Subject', params.Subject);
  Object.entries(params.MessageAttributes ?? {}).forEach(([name, value], i) => {
    form.set(`MessageAttributes.entry.${i + 1}.Name`, name);
    form.set(`MessageAttributes.entry.${i + 1}.Value.DataType`, value.DataType);
    if (value.StringValue !== undefined) form.set(`MessageAttributes.entry.${i + 1}.Value.StringValue`, value.StringValue);
  });
  let res;
  try {
    res = await signedFetch(`${snsUrl}/`, { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, service: 'sns', region, credentials });
  } catch (err) {
    if (err instanceof ClientError) throw new TaskError('States.TaskFailed', err.message);
    throw err;
  }
  if (res.status !== 200) {
    const code = /<Code>([^<]+)<\/Code>/.exec(res.text)?.[1] ?? 'InternalError';
    throw new TaskError(`SNS.${code.endsWith('Exception') ? code : `${code}Exception`}`, res.text);
  }
  return { MessageId: /<MessageId>([^<]+)<\/MessageId>/.exec(res.text)?.[1], SdkHttpMetadata: { HttpStatusCode: 200 } };
}

/** A URL, or a function giving it (the Lambda service starts after Step Functions, whose URL it needs). */
const urlOf = (url) => (typeof url === 'function' ? url() : url);

function safeJson(text) {
  try { return JSON.parse(text); } catch { return undefined; }
}

/**
 * opts: { calls, credentials, region, account, deployment, lambdaUrl, snsUrl (URLs or functions giving them), factor (durations scale),
 *         onStatusChange(execution) }.
 * -> { url, port, stop(), startExecution(input, name), redrive(arn), execution(arn), executions, settled(arn), idle() }
 */
export async function start(opts) {
  const { calls, credentials, region, account, deployment } = opts;
  const sm = deployment.stateMachine;
  let factor = opts.factor ?? 1;
  let definition = withoutLocalTaskTimeouts(scaleDefinition(sm.definition, factor));
  new StateMachine(sm.definition, { validationOptions: { checkPaths: true, checkArn: true } }); // the plan's own definition must validate
  const executions = new Map();
  const onStatusChange = opts.onStatusChange ?? (() => {});
  const smCredentials = () => credentials.forRole(sm.roleArn);

  function handlers(def) {
    const out = {};
    for (const [stateName, state] of Object.entries(def.States)) {
      if (state.Type !== 'Task') continue;
      if (state.Resource === 'arn:aws:states:::lambda:invoke') {
        out[stateName] = (params) => invokeLambda({ lambdaUrl: urlOf(opts.lambdaUrl), functionName: params.FunctionName, payload: params.Payload, credentials: smCredentials(), region });
      } else if (/^arn:aws:lambda:/.test(state.Resource)) {
        out[stateName] = async (params) => (await invokeLambda({ lambdaUrl: urlOf(opts.lambdaUrl), functionName: state.Resource, payload: params, credentials: smCredentials(), region })).Payload;
      } else if (state.Resource === 'arn:aws:states:::sns:publish') {
        out[stateName] = (params) => publishSns({ snsUrl: urlOf(opts.snsUrl), params, credentials: smCredentials(), region });
      } else {
        out[stateName] = () => { throw new TaskError('States.Runtime', `the twin does not serve ${state.Resource}`); };
      }
    }
    return out;
  }

  function run(execution, def, input) {
    execution.status = 'RUNNING';
    execution.stopDate = null;
    onStatusChange(execution);
    const machine = new StateMachine(def, { validationOptions: { noValidate: true } });
    const running = machine.run(input, {
      overrides: { taskResourceLocalHandlers: handlers(def) },
      context: {
        Execution: { Id: execution.executionArn, Name: execution.name, RoleArn: sm.roleArn, RedriveCount: execution.redriveCount },
        StateMachine: { Id: sm.arn, Name: sm.name },
      },
    });
    const events = [];
    const collecting = (async () => {
      for await (const event of running.eventLogs) { events.push(event); execution.history.push(event); }
    })();
    execution.done = (async () => {
      try {
        execution.output = JSON.stringify(await running.result);
        execution.status = 'SUCCEEDED';
      } catch (err) {
        execution.status = err.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : err.name === 'ExecutionAbortedError' ? 'ABORTED' : 'FAILED';
        const failure = err.cause ?? err;
        execution.error = execution.status === 'TIMED_OUT' ? 'States.Timeout' : failure.name;
        execution.cause = execution.status === 'TIMED_OUT' ? undefined : failure.message;
      }
      // The result may settle before the last events are read; give the logger a turn to finish.
      await Promise.race([collecting, new Promise((r) => setTimeout(r, 50))]);
      // A failing state never exits, so the last state entered is where a redrive starts (a Fail state too).
      const entered = events.findLast((e) => e.type === 'StateEntered');
      execution.failedState = execution.status === 'SUCCEEDED' ? null : entered && { name: entered.state.name, input: entered.state.input };
      const last = events.findLast((e) => e.type === 'ExecutionFailed');
      if (last?.Error) { execution.error = last.Error; execution.cause = last.Cause; }
      execution.stopDate = Date.now();
      onStatusChange(execution);
      return execution;
    })();
    execution.abort = running.abort;
    return execution;
  }

  function startExecution(input, name = randomUUID()) {
    const executionArn = `arn:aws:states:${region}:${account}:execution:${sm.name}:${name}`;
    const existing = executions.get(executionArn);
    const inputText = typeof input === 'string' ? input : JSON.stringify(input ?? {});
    if (existing) {
      // Same name and same input is idempotent (while it runs, as Step Functions answers); other input is refused.
      if (existing.input === inputText && existing.status === 'RUNNING') return { execution: existing, created: false };
      const error = new Error(`Execution Already Exists: '${executionArn}'`);
      error.code = 'ExecutionAlreadyExists';
      throw error;
    }
    const execution = { executionArn, name, stateMachineArn: sm.arn, input: inputText, startDate: Date.now(), history: [], redriveCount: 0, redriveDate: null };
    executions.set(executionArn, execution);
    run(execution, definition, JSON.parse(inputText));
    return { execution, created: true };
  }

  /** Redrive: restart at the failed state with the input it had (Step Functions RedriveExecution). */
  function redrive(executionArn) {
    const execution = executions.get(executionArn);
    if (!execution) throw new Error(`no execution ${executionArn}`);
    if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(execution.status) || !execution.failedState) {
      throw new Error(`execution ${executionArn} is ${execution.status} and cannot be redriven`);
    }
    execution.redriveCount += 1;
    execution.redriveDate = Date.now();
    const def = { ...definition, StartAt: execution.failedState.name };
    return run(execution, def, execution.failedState.input).done;
  }

  async function handle(req, res) {
    const reply = (status, payload, type) => sendJson(res, status, payload, { 'content-type': 'application/x-amz-json-1.0', ...(type ? { 'x-amzn-ErrorType': type } : {}) });
    const who = await authenticate(req, opts, 'states');
    if (who.error) return reply(who.error.status, { __type: who.error.jsonCode, message: who.error.message }, who.error.jsonCode);
    const target = req.headers['x-amz-target'];
    const request = safeJson(who.body.toString('utf8')) ?? {};
    if (target !== 'AWSStepFunctions.StartExecution') return reply(400, { __type: 'UnknownOperationException', message: `${target} is not served by the twin` });
    const denied = await recordAndAuthorize(opts, { service: 'states', action: 'states:StartExecution', resource: request.stateMachineArn,
      principal: who.principal, context: baseContext(opts, who.principal) });
    if (denied) return reply(400, { __type: 'AccessDeniedException', message: denied }, 'AccessDeniedException');
    if (request.stateMachineArn !== sm.arn) return reply(400, { __type: 'StateMachineDoesNotExist', message: `State Machine Does Not Exist: '${request.stateMachineArn}'` });
    try {
      const { execution } = startExecution(request.input ?? '{}', request.name ?? randomUUID());
      return reply(200, { executionArn: execution.executionArn, startDate: execution.startDate / 1000 });
    } catch (err) {
      if (err.code !== 'ExecutionAlreadyExists') throw err;
      return reply(400, { __type: 'ExecutionAlreadyExists', message: err.message }, 'ExecutionAlreadyExists');
    }
  }
  const http = await listen(handle);
  const { port } = http;
  return {
    url: `http://127.0.0.1:${port}`, port, executions,
    get definition() { return definition; },
    get factor() { return factor; },
    /** Scales the plan's definition anew for executions started (or redriven) from now on. */
    setFactor(f) { factor = f; definition = withoutLocalTaskTimeouts(scaleDefinition(sm.definition, f)); },
    startExecution, redrive,
    execution: (arn) => executions.get(arn),
    settled: async (arn) => { const e = executions.get(arn); return e.done; },
    /** Resolves when no execution is running (new ones may start while waiting). */
    async idle() {
      for (;;) {
        const running = [...executions.values()].filter((e) => e.status === 'RUNNING');
        if (!running.length) return;
        await Promise.all(running.map((e) => e.done));
      }
    },
    async stop() {
      for (const e of executions.values()) if (e.status === 'RUNNING') e.abort?.();
      await http.stop();
    },
  };
}
