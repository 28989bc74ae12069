// The backfill definition (statemachine/batch.asl.json) rendered like templatefile() and run locally.
//
// aws-local-stepfunctions 3.0.0 cannot run a Distributed Map: it ignores ItemReader, ResultWriter and
// ToleratedFailurePercentage and fails the whole Map on the first failed item. So the tests run the
// definition's own ItemSelector and ItemProcessor (every state of it, unchanged) as an INLINE Map over
// ListObjectsV2-shaped items, each item wrapped in a Parallel with a Catch so that one failed item is
// recorded instead of ending the Map, which is what a Distributed Map does with a failed child execution.
// The Map Run itself (listing, counting, the tolerated-failure check, the results the ResultWriter writes) is
// this module's emulation, and the parent's states after the Map run unchanged on what it returns.
// The results are written in the ResultWriter's documented format (manifest.json naming SUCCEEDED_0.json and
// FAILED_0.json beside it, each a JSON array of child executions with Input/Output as JSON strings) into an
// in-memory bucket that the run returns, so a test can hand them to the real counting step.
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
            ChildFailed: { Type: 'Pass', Parameters: { status: 'FAILED', 'key.$': '$.key', 'error.$': '$.childFailure.Error', 'cause.$': '$.childFailure.Cause' }, End: true },
          },
        },
        End: true,
      },
    },
  };
}

/**
 * The files a Distributed Map's ResultWriter writes for `records` (the emulated children, in item order): object key ->
 * text. Transformation NONE, OutputType JSON (the definition sets no WriterConfig): each entry is the child execution's
 * metadata with its Input and, when it succeeded, its Output as JSON strings; a failed one has Error and Cause.
 */
export function resultWriterFiles({ bucket, prefix, mapRunArn, items, records, started = '2026-11-26T09:30:00.000Z' }) {
  const mapRunId = mapRunArn.split(':').pop();
  const directory = `${prefix}/${mapRunId}/`;
  const entries = { SUCCEEDED: [], FAILED: [] };
  records.forEach((record, i) => {
    const name = randomUUID();
    const input = { bucket, key: items[i].Key, eTag: items[i].Etag, size: items[i].Size };
    const entry = {
      ExecutionArn: `arn:aws:states:${region}:${account}:execution:txetl-backfill/backfill:${name}`,
      Input: JSON.stringify(input), InputDetails: { Included: true }, Name: name,
      RedriveCount: 0, StartDate: started, StateMachineArn: `${batchStateMachineArn}/backfill`, Status: record.status, StopDate: started,
    };
    if (record.status === 'SUCCEEDED') Object.assign(entry, { Output: JSON.stringify(record.output), OutputDetails: { Included: true }, RedriveStatus: 'NOT_REDRIVABLE' });
    else Object.assign(entry, { Error: record.error, Cause: record.cause, RedriveStatus: 'REDRIVABLE' });
    entries[record.status].push(entry);
  });
  const files = new Map();
  const manifest = { DestinationBucket: bucket, MapRunArn: mapRunArn, ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [] } };
  for (const [status, list] of Object.entries(entries)) {
    if (list.length === 0) continue;
    const key = `${directory}${status}_0.json`;
    const text = JSON.stringify(list);
    files.set(key, text);
    manifest.ResultFiles[status].push({ Key: key, Size: Buffer.byteLength(text) });
  }
  files.set(`${directory}manifest.json`, JSON.stringify(manifest));
  return { manifestKey: `${directory}manifest.json`, files };
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
 * @param {(params: object) => Promise<object>} runEtl the RunEtl override of each item (lambda:invoke shape)
 * @param {(params: object, results: Map<string, string>) => Promise<object>} countFileStatuses the override of the
 *   CountFileStatuses task (RunEtl in mode backfill-summary), given the results the emulated ResultWriter wrote
 */
export async function executeBatch({ definition, input, items, runEtl, countFileStatuses, name = 'backfill-1' }) {
  const published = [];
  const mapRun = { items: [], results: new Map() };
  const overrides = {
    RunEtl: runEtl,
    CountFileStatuses: async (params) => {
      if (!countFileStatuses) throw new Error('CountFileStatuses ran, but the test gave no override for it');
      return countFileStatuses(params, mapRun.results);
    },
  };
  const retryIntervalOverrides = {};
  publishOverrides(definition.States, published, overrides, retryIntervalOverrides);
  const mapRunArn = `arn:aws:states:${region}:${account}:mapRun:txetl-backfill/backfill:${randomUUID()}`;
  const map = definition.States.LoadPrefix;

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
    const { manifestKey, files } = resultWriterFiles({ bucket: input.bucket, prefix: map.ResultWriter.Parameters.Prefix, mapRunArn, items, records: run.output });
    mapRun.results = files;
    return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: input.bucket, Key: manifestKey } };
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
  return { ...result, published, items: mapRun.items, results: mapRun.results, executionArn };
}
