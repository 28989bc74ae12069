// The backfill definition (statemachine/batch.asl.json) rendered like templatefile() and run locally.
//
// aws-local-stepfunctions 3.0.0 cannot run a Distributed Map: it ignores ItemReader, ResultWriter and
// ToleratedFailurePercentage and fails the whole Map on the first failed item. So the tests run the
// definition's own ItemSelector and ItemProcessor (every state of it, unchanged) as an INLINE Map over
// ListObjectsV2-shaped items, each item wrapped in a Parallel with a Catch so that one failed item is
// recorded instead of ending the Map, which is what a Distributed Map does with a failed child execution.
// The Map Run itself (listing, counting, the tolerated-failure check, the results manifest) is this
// module's emulation, and the parent's states after the Map run unchanged on what it returns.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { account, region, renderTemplate, repoRoot } from './harness.mjs';

const require = createRequire(join(repoRoot, 'tools', 'node', 'package.json'));
const { StateMachine } = await import(require.resolve('aws-local-stepfunctions'));

export const batchTemplatePath = join(repoRoot, 'statemachine', 'batch.asl.json');
export const batchPlaceholders = ['run_etl_function_arn', 'alerts_topic_arn', 'max_concurrency', 'tolerated_failure_percentage',
  'results_prefix', 'execution_timeout_seconds'];
export const batchStateMachineArn = `arn:aws:states:${region}:${account}:stateMachine:txetl-backfill`;
export const resultsPrefix = 'reports/backfill';

export function renderBatchDefinition({
  maxConcurrency = 5, toleratedFailurePercentage = 10, executionTimeoutSeconds = 604800, text = readFileSync(batchTemplatePath, 'utf8'),
} = {}) {
  return JSON.parse(renderTemplate(text, {
    run_etl_function_arn: `arn:aws:lambda:${region}:${account}:function:txetl-run-etl`,
    alerts_topic_arn: `arn:aws:sns:${region}:${account}:txetl-alerts`,
    max_concurrency: maxConcurrency,
    tolerated_failure_percentage: toleratedFailurePercentage,
    results_prefix: resultsPrefix,
    execution_timeout_seconds: executionTimeoutSeconds,
  }));
}

/** A ListObjectsV2 entry as the S3 ItemReader hands it to the Map (ETag quoted, as S3 lists it). */
export function listedObject(key, size = 1234) {
  return { Etag: `"${Buffer.from(key).toString('hex').slice(0, 32).padEnd(32, '0')}"`, Key: key, LastModified: 1764158400, Size: size, StorageClass: 'STANDARD' };
}

/** The definition's ItemSelector and ItemProcessor as an inline Map over $.items that records failed items. */
export function inlineItemProcessor(definition) {
  const map = definition.States.LoadPrefix;
  const { ProcessorConfig, ...processor } = map.ItemProcessor;
  return {
    QueryLanguage: 'JSONPath',
    StartAt: 'LoadItems',
    States: {
      LoadItems: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemSelector: map.ItemSelector,
        MaxConcurrency: map.MaxConcurrency,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'ChildExecution',
          States: {
            ChildExecution: {
              Type: 'Parallel',
              Branches: [processor],
              OutputPath: '$[0]',
              Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.childFailure', Next: 'ChildFailed' }],
              Next: 'ChildSucceeded',
            },
            ChildSucceeded: { Type: 'Pass', Parameters: { status: 'SUCCEEDED', 'output.$': '$' }, End: true },
            ChildFailed: { Type: 'Pass', Parameters: { status: 'FAILED', 'key.$': '$.key', 'error.$': '$.childFailure.Error' }, End: true },
          },
        },
        End: true,
      },
    },
  };
}

/** Records every sns:publish Task of `states` (nested ones included) into `published`. */
function publishOverrides(states, published, overrides, retryIntervals) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Retry) retryIntervals[name] = 0;
    if (state.Type === 'Task' && state.Resource === 'arn:aws:states:::sns:publish') {
      overrides[name] = async (params) => {
        const wire = typeof params.Message === 'string' ? params.Message : JSON.stringify(params.Message);
        published.push({ state: name, topicArn: params.TopicArn, attributes: params.MessageAttributes, message: JSON.parse(wire) });
        return { MessageId: `msg-${published.length}` };
      };
    }
    if (state.ItemProcessor) publishOverrides(state.ItemProcessor.States, published, overrides, retryIntervals);
  }
}

class StatesError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

async function drain(execution) {
  const events = [];
  const collecting = (async () => { for await (const e of execution.eventLogs) events.push(e); })();
  let result;
  try {
    result = { status: 'SUCCEEDED', output: await execution.result };
  } catch (err) {
    const failure = err.cause ?? err;
    result = { status: 'FAILED', error: failure.name, cause: failure.message };
  }
  await collecting;
  const failed = events.find((e) => e.type === 'ExecutionFailed');
  if (failed) Object.assign(result, { error: failed.Error, cause: failed.Cause });
  return result;
}

/**
 * Runs a backfill of `items` (ListObjectsV2 entries) under input {bucket, prefix}: the Map Run emulated
 * around the real ItemProcessor, then the parent's own states after the Map.
 * @param {(params: object) => Promise<object>} runEtl the RunEtl override (lambda:invoke shape)
 */
export async function executeBatch({ definition, input, items, runEtl, name = 'backfill-1' }) {
  const published = [];
  const overrides = { RunEtl: runEtl };
  const retryIntervalOverrides = {};
  publishOverrides(definition.States, published, overrides, retryIntervalOverrides);
  const mapRunArn = `arn:aws:states:${region}:${account}:mapRun:txetl-backfill/backfill:${randomUUID()}`;
  const map = definition.States.LoadPrefix;
  const mapRun = { items: [] };

  overrides.LoadPrefix = async () => {
    const inline = new StateMachine(inlineItemProcessor(definition), { validationOptions: { checkPaths: true, checkArn: true } });
    // Every real child is its own execution (name = Map Run label + id); the inline Map shares one context.
    const child = `backfill:${randomUUID()}`;
    const run = await drain(inline.run({ ...input, items }, {
      overrides: { taskResourceLocalHandlers: overrides, retryIntervalOverrides },
      context: { Execution: { Id: `arn:aws:states:${region}:${account}:execution:txetl-backfill/${child}`, Name: child, Input: {}, StartTime: new Date().toISOString() } },
    }));
    if (run.status !== 'SUCCEEDED') throw new Error(`the inline Map itself failed: ${run.error}: ${run.cause}`);
    mapRun.items = run.output;
    const failed = run.output.filter((r) => r.status === 'FAILED').length;
    if (failed * 100 > map.ToleratedFailurePercentage * items.length) {
      throw new StatesError('States.ExceedToleratedFailureThreshold', `The specified tolerated failure threshold was exceeded: ${failed} of ${items.length} items failed`);
    }
    return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: input.bucket, Key: `${map.ResultWriter.Parameters.Prefix}/${randomUUID()}/manifest.json` } };
  };
  overrides.DescribeMapRun = async (params) => {
    if (params.MapRunArn !== mapRunArn) throw new Error(`DescribeMapRun of ${params.MapRunArn}, not the Map Run ${mapRunArn}`);
    const count = (s) => mapRun.items.filter((r) => r.status === s).length;
    return {
      MapRunArn: mapRunArn, Status: 'SUCCEEDED',
      ItemCounts: { Total: items.length, Succeeded: count('SUCCEEDED'), Failed: count('FAILED'), TimedOut: 0, Aborted: 0, Pending: 0, Running: 0, ResultsWritten: items.length },
    };
  };

  // The Map state becomes a Task the emulation answers; Catch, ResultPath and Next stay the definition's.
  const parent = {
    ...definition,
    States: {
      ...definition.States,
      LoadPrefix: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:startExecution', ResultPath: map.ResultPath, Catch: map.Catch, Next: map.Next },
    },
  };
  const executionArn = `arn:aws:states:${region}:${account}:execution:txetl-backfill:${name}`;
  const sm = new StateMachine(parent, { validationOptions: { checkPaths: true, checkArn: true } });
  const result = await drain(sm.run(input, {
    overrides: { taskResourceLocalHandlers: overrides, retryIntervalOverrides },
    context: {
      Execution: { Id: executionArn, Name: name, Input: input, StartTime: new Date().toISOString(), RoleArn: `arn:aws:iam::${account}:role/txetl-backfill` },
      StateMachine: { Id: batchStateMachineArn, Name: 'txetl-backfill' },
    },
  }));
  return { ...result, published, items: mapRun.items, executionArn };
}
