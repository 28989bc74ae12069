// Runs the real statemachine/etl.asl.json locally: rendered the way Terraform's templatefile() renders
// it, executed by aws-local-stepfunctions with every Task overridden. The RunEtl override is a parameter
// (see run-etl.mjs); every sns:publish Task records what it would publish.

// aws-local-stepfunctions 3 calls Promise.withResolvers, which Node 20 lacks (Node 22 has it).
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(repoRoot, 'tools', 'node', 'package.json'));
const { StateMachine } = await import(require.resolve('aws-local-stepfunctions'));
const aslValidator = require('asl-validator');

export const templatePath = join(repoRoot, 'statemachine', 'etl.asl.json');
export const placeholders = ['run_etl_function_arn', 'alerts_topic_arn', 'notify_on_success', 'execution_timeout_seconds',
  'chunked_threshold_bytes', 'chunk_bytes', 'chunk_max_concurrency'];
/** The workflow module's default of execution_timeout_seconds (infra/modules/workflow/variables.tf). */
export const defaultExecutionTimeoutSeconds = 86400;
/** The workflow module's defaults of the chunked path: 1 GiB threshold, 256 MiB chunks, 5 (RunEtl's reserved concurrency). */
export const defaultChunkedThresholdBytes = 1024 ** 3;
export const defaultChunkBytes = 256 * 1024 ** 2;
export const defaultChunkMaxConcurrency = 5;

export const region = 'eu-central-1';
export const account = '123456789012';
export const stateMachineArn = `arn:aws:states:${region}:${account}:stateMachine:txetl-etl`;

/**
 * Renders a template like Terraform's templatefile(): ${name} is replaced by vars[name], $${ is a
 * literal ${, and a placeholder without a value is an error (templatefile fails the plan the same way).
 */
export function renderTemplate(text, vars) {
  return text.replace(/\$\$\{|\$\{([^}]*)\}/g, (match, name) => {
    if (match === '$${') return '${';
    if (!Object.hasOwn(vars, name)) {
      throw new Error(`template uses \${${name}} but no value was given (known: ${Object.keys(vars).join(', ')})`);
    }
    return String(vars[name]);
  });
}

export function renderDefinition({
  notifyOnSuccess = false, executionTimeoutSeconds = defaultExecutionTimeoutSeconds, chunkedThresholdBytes = defaultChunkedThresholdBytes,
  chunkBytes = defaultChunkBytes, chunkMaxConcurrency = defaultChunkMaxConcurrency, text = readFileSync(templatePath, 'utf8'),
} = {}) {
  return JSON.parse(renderTemplate(text, {
    run_etl_function_arn: `arn:aws:lambda:${region}:${account}:function:txetl-run-etl`,
    alerts_topic_arn: `arn:aws:sns:${region}:${account}:txetl-alerts`,
    notify_on_success: notifyOnSuccess ? 'true' : 'false',
    execution_timeout_seconds: executionTimeoutSeconds,
    chunked_threshold_bytes: chunkedThresholdBytes,
    chunk_bytes: chunkBytes,
    chunk_max_concurrency: chunkMaxConcurrency,
  }));
}

export function validate(definition) {
  return aslValidator(definition, { checkPaths: true, checkArn: true });
}

/** Step Functions surfaces a Lambda function error with Error = errorType and Cause = the error JSON. */
export class LambdaFunctionError extends Error {
  constructor(errorType, errorMessage) {
    super(JSON.stringify({ errorType, errorMessage }));
    this.name = errorType;
  }
}

/**
 * Executes the definition once.
 * @param {object} input execution input (what StartWorkflow sends: bucket, key, versionId, eTag, size, ...)
 * @param {(params: object) => Promise<object>} runEtl the RunEtl override: gets the rendered Parameters,
 *   returns what lambda:invoke returns ({ Payload, StatusCode }) or throws a LambdaFunctionError
 * @param {number} retryIntervalMs every retry waits this long instead of the definition's backoff
 *   (0 keeps the schedule out of test time; the timeout test needs time to pass between attempts)
 */
export async function execute({ definition, input, runEtl, name = 'run-1', retryIntervalMs = 0 }) {
  const published = [];
  const overrides = {};
  const retryIntervalOverrides = {};
  for (const [stateName, state] of allStates(definition.States)) {
    // Every lambda:invoke Task calls RunEtl (the single load, and the chunked path's plan, chunk/hash and commit modes).
    if (state.Type === 'Task' && state.Resource === 'arn:aws:states:::lambda:invoke') overrides[stateName] = runEtl;
    if (state.Type === 'Task' && state.Resource === 'arn:aws:states:::sns:publish') {
      overrides[stateName] = async (params) => {
        // The real integration serializes a JSON Message to a string; do the same, then parse it back
        // the way a subscriber (NotifyChat) would, so assertions see what subscribers see.
        const wire = typeof params.Message === 'string' ? params.Message : JSON.stringify(params.Message);
        published.push({ state: stateName, topicArn: params.TopicArn, attributes: params.MessageAttributes, message: JSON.parse(wire) });
        return { MessageId: `msg-${published.length}` };
      };
    }
    if (state.Retry) retryIntervalOverrides[stateName] = retryIntervalMs;
  }
  const sm = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: true } });
  const executionArn = `arn:aws:states:${region}:${account}:execution:txetl-etl:${name}`;
  const execution = sm.run(input, {
    overrides: { taskResourceLocalHandlers: overrides, retryIntervalOverrides },
    context: {
      Execution: { Id: executionArn, Name: name, Input: input, StartTime: new Date().toISOString(), RoleArn: `arn:aws:iam::${account}:role/txetl-sfn` },
      StateMachine: { Id: stateMachineArn, Name: 'txetl-etl' },
    },
  });
  const events = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  let result;
  try {
    const output = await execution.result;
    result = { status: 'SUCCEEDED', output };
  } catch (err) {
    const failure = err.cause ?? err;
    result = { status: 'FAILED', error: failure.name, cause: failure.message };
  }
  await collecting;
  const failed = events.find((e) => e.type === 'ExecutionFailed');
  if (failed) {
    result.error = failed.Error;
    result.cause = failed.Cause;
  }
  // Step Functions ends an execution that outlives the definition's TimeoutSeconds as TIMED_OUT.
  if (events.some((e) => e.type === 'ExecutionTimeout')) result.status = 'TIMED_OUT';
  return { ...result, published, events, executionArn, definition, input, name };
}

/** Every state of `states` as [name, state], those inside a Map's ItemProcessor too. */
function* allStates(states) {
  for (const [name, state] of Object.entries(states)) {
    yield [name, state];
    if (state.ItemProcessor) yield* allStates(state.ItemProcessor.States);
  }
}

/** The states reachable from `start` (the local runner refuses a definition with unreachable states). */
function reachableStates(states, start) {
  const reached = {};
  const pending = [start];
  while (pending.length > 0) {
    const name = pending.pop();
    if (reached[name]) continue;
    const state = states[name];
    reached[name] = state;
    pending.push(...[state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].filter(Boolean));
  }
  return reached;
}

/**
 * Redrives a FAILED or TIMED_OUT execution the way Step Functions' RedriveExecution does: it restarts at
 * the state that did not succeed (the last one entered without leaving it), with the input that state got,
 * under the same execution name, with fresh retry counters. Returns the redriven run and the state it
 * restarted at.
 */
export async function redrive(run, { runEtl }) {
  assert.notEqual(run.status, 'SUCCEEDED', 'only an unsuccessful execution can be redriven');
  let restartAt;
  for (const e of run.events) {
    // Only the top-level states: a Map's nested states enter and exit inside it, and a redrive restarts at the Map.
    if (!Object.hasOwn(run.definition.States, e.state?.name ?? '')) continue;
    if (e.type === 'StateEntered') restartAt = e.state;
    if (e.type === 'StateExited' && e.state.name === restartAt?.name) restartAt = undefined;
  }
  assert.ok(restartAt, 'the execution has no state that did not succeed');
  const definition = { ...run.definition, StartAt: restartAt.name, States: reachableStates(run.definition.States, restartAt.name) };
  const again = await execute({ definition, input: restartAt.input, runEtl, name: run.name });
  return { ...again, restartedAt: restartAt.name };
}

/** The fields every alert the state machine publishes carries, for the file `input` of execution `name`. */
export function assertAlertBasics(alert, input, { severity, status, name }) {
  const m = alert.message;
  assert.equal(alert.topicArn, `arn:aws:sns:${region}:123456789012:txetl-alerts`);
  assert.deepEqual(alert.attributes.severity, { DataType: 'String', StringValue: severity });
  assert.equal(alert.attributes.status.StringValue, status);
  assert.equal(m.source, 'TransactionEtl');
  assert.equal(m.severity, severity);
  assert.equal(m.status, status);
  assert.equal(m.bucket, input.bucket);
  assert.equal(m.key, input.key);
  assert.equal(m.execution_name, name);
  assert.equal(m.execution_arn, `arn:aws:states:${region}:123456789012:execution:txetl-etl:${name}`);
  assert.equal(m.console_url,
    `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${m.execution_arn}`);
}
