// The Lambda service of the twin: the planned functions (Deployment.functions) run as their real
// `bootstrap` from the unzipped artifacts/lambda/<key>.zip, behind the Invoke API (HTTP, SigV4) and the
// in-process invoke() other services use (SNS -> Lambda). It enforces each function's reserved
// concurrency (429 TooManyRequestsException beyond it), queues and retries asynchronous invocations with
// their on-failure destination, runs the SQS event source mappings, and writes function output to
// CloudWatch Logs as Lambda does (recorded calls by the function's role).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { EnvironmentPool } from './environments.mjs';
import { FunctionLogs } from './logs.mjs';
import { AsyncInvoker } from './async.mjs';
import { EventSourceMapping } from './esm.mjs';
import { errorResponse, parseFunctionName, startInvokeApi, throttledResponse } from './invoke-api.mjs';
import { baseContext, recordAndAuthorize } from '../aws/common.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Account concurrency the twin gives an unreserved function (Lambda's real pool is the account's quota). */
export const defaultCap = 10;

/** A function's concurrency: a semaphore that refuses (tryAcquire) or waits (acquire). */
export class Slots {
  constructor(limit) {
    this.limit = limit;
    this.inFlight = 0;
    this.peak = 0;
    this.waiters = [];
  }

  tryAcquire() {
    if (this.inFlight >= this.limit) return false;
    this.inFlight += 1;
    this.peak = Math.max(this.peak, this.inFlight);
    return true;
  }

  async acquire() {
    while (!this.tryAcquire()) await new Promise((resolve) => this.waiters.push(resolve));
  }

  release() {
    this.inFlight -= 1;
    this.waiters.shift()?.();
  }
}

/** Unzips a function's zip into a new temporary task root (/var/task in Lambda). */
export function unzipTaskRoot(zip) {
  if (!existsSync(zip)) throw new Error(`${zip} is missing: build it with \`bash scripts/package-lambda.sh\``);
  const dir = mkdtempSync(join(tmpdir(), 'twin-task-'));
  execFileSync('unzip', ['-q', '-o', zip, '-d', dir]);
  return dir;
}

/**
 * A function's zip: the planned filename when absolute or repo-relative; Terraform's own relative path
 * (`../../../artifacts/lambda/<key>.zip`, from infra/environments/<env>) means the same file in artifacts/lambda.
 */
export function zipOf(fn) {
  const zip = fn.zip ?? join('artifacts', 'lambda', `${fn.key}.zip`);
  if (isAbsolute(zip)) return zip;
  const fromRoot = join(repoRoot, zip);
  return existsSync(fromRoot) ? fromRoot : join(repoRoot, 'artifacts', 'lambda', basename(zip));
}

/**
 * The variables Lambda sets in an environment, over the planned ones (reserved names win, as Lambda
 * refuses to let a function set them), then the twin's endpoint overrides.
 */
export function environmentOf(fn, { region, credentials, taskRoot, overrides }) {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    ...(fn.env ?? {}),
    _HANDLER: fn.handler,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroup.name,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_provided.al2023',
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: taskRoot,
    ...credentialVariables(credentials.issue(fn.roleArn)),
    ...overrides,
  };
}

function credentialVariables({ accessKeyId, secretAccessKey, sessionToken }) {
  return { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * opts: { calls, credentials, region, account, deployment, sqs (the twin's SQS server, for destinations and
 * event source mappings), environment(fnKey) -> endpoint overrides, taskRoot(fnKey) -> dir (default: the
 * unzipped zip), cap (concurrency of unreserved functions, default 10), minDurationMs(fnKey), retryDelaysMs
 * (async retries), logDir (default: a temporary one that stop() removes), functions (keys to serve; default
 * all), eventSourceMappings (default true), authorize (optional inline IAM decision, as the other servers
 * take) }.
 * -> { url, port, stop(), invoke(principal, functionArn, payload, { type, context }), lookup(name),
 *      logFile(key), stats(key), idle(), mappings, logDir }
 */
export async function start(opts) {
  const { calls, credentials, region, deployment, sqs } = opts;
  const minDurationMs = opts.minDurationMs ?? (() => 0);
  const keys = opts.functions ?? Object.keys(deployment.functions);
  // A log directory of its own is removed by stop(); one the caller names stays for it to read.
  const ownLogDir = !opts.logDir;
  const logDir = opts.logDir ?? mkdtempSync(join(tmpdir(), 'twin-logs-'));
  const unzipped = [];
  const byKey = new Map();
  const byArn = new Map();

  try {
    for (const key of keys) {
      const fn = deployment.functions[key];
      if (!fn) throw new Error(`no planned function '${key}'`);
      let taskRoot = opts.taskRoot?.(key);
      if (!taskRoot) {
        taskRoot = unzipTaskRoot(zipOf(fn));
        unzipped.push(taskRoot);
      }
      const logs = new FunctionLogs({ fn, dir: logDir, calls, context: baseContext(opts, { type: 'role', arn: fn.roleArn }) });
      const overrides = opts.environment?.(key) ?? {};
      const pool = await EnvironmentPool.start({ fn, taskRoot, logs, environment: () => environmentOf(fn, { region, credentials, taskRoot, overrides }) });
      const state = { fn, pool, logs, slots: new Slots(fn.reserved ?? opts.cap ?? defaultCap), throttles: 0 };
      state.async = new AsyncInvoker({
        fn,
        retryDelaysMs: opts.retryDelaysMs,
        run: async (payload, requestId) => {
          // Lambda retries throttled async events itself for hours: wait for a slot instead of failing.
          await state.slots.acquire();
          return runHeld(state, payload, requestId);
        },
        sendToQueue: async (queueArn, body) => {
          if (!sqs) throw new Error(`${fn.name}: on-failure destination ${queueArn} needs the SQS server (opts.sqs)`);
          // Lambda sends the record with the function's execution role, which therefore needs sqs:SendMessage.
          await sqs.send({ type: 'role', arn: fn.roleArn }, {}, queueArn, body);
        },
      });
      byKey.set(key, state);
      byArn.set(fn.arn, state);
    }
  } catch (error) {
    await Promise.allSettled([...byKey.values()].map((s) => s.pool.stop()));
    for (const dir of unzipped) rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  /** Runs in a slot already held; holds it at least minDurationMs(key), then releases it. */
  async function runHeld(state, payload, requestId = randomUUID()) {
    const started = Date.now();
    try {
      const result = await state.pool.run({ requestId, body: payload, traceId: traceId() });
      const rest = minDurationMs(state.fn.key) - (Date.now() - started);
      if (rest > 0) await sleep(rest);
      return result;
    } finally {
      state.slots.release();
    }
  }

  async function invokeSync(state, payload) {
    if (!state.slots.tryAcquire()) {
      state.throttles += 1;
      return { throttled: true };
    }
    return runHeld(state, payload);
  }

  /** The state of a function by name, key, or (partial) ARN with or without the $LATEST qualifier. */
  function stateOf(nameOrArn) {
    const name = parseFunctionName(nameOrArn ?? '');
    if (name?.qualifier && name.qualifier !== '$LATEST') return undefined;
    return byArn.get(nameOrArn) ?? [...byKey.values()].find((s) => s.fn.name === name?.name || s.fn.key === nameOrArn);
  }

  const lookup = (nameOrArn) => stateOf(nameOrArn)?.fn;

  /**
   * Invokes as `principal` (a role, or a service with context such as aws:SourceArn), recording
   * lambda:InvokeFunction on the function's ARN. functionArn may also be a name or partial ARN.
   * -> { statusCode, headers, body } as the Invoke API answers.
   */
  async function invoke(principal, functionArn, payload, { type = 'RequestResponse', context = {} } = {}) {
    const state = stateOf(functionArn);
    if (!state) return errorResponse(404, 'ResourceNotFoundException', `Function not found: ${functionArn}`);
    functionArn = state.fn.arn;
    const denied = await recordAndAuthorize(opts, {
      service: 'lambda', action: 'lambda:InvokeFunction', resource: functionArn, principal, context: { ...baseContext(opts, principal), ...context },
    });
    if (denied) return errorResponse(403, 'AccessDeniedException', denied);
    const body = Buffer.from(payload ?? '');
    if (type === 'DryRun') return { statusCode: 204, headers: {}, body: Buffer.alloc(0) };
    if (type === 'Event') {
      const requestId = state.async.enqueue(body);
      return { statusCode: 202, headers: { 'x-amzn-RequestId': requestId }, body: Buffer.alloc(0) };
    }
    const result = await invokeSync(state, body);
    if (result.throttled) return throttledResponse();
    const headers = { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST' };
    if (result.errorType) headers['X-Amz-Function-Error'] = result.errorType;
    return { statusCode: 200, headers, body: result.body };
  }

  const mappings = [];
  if (opts.eventSourceMappings !== false) {
    for (const mapping of deployment.eventSourceMappings ?? []) {
      const state = byKey.get(mapping.functionKey);
      if (!state) continue;
      if (!sqs) throw new Error(`event source mapping of ${mapping.functionKey} needs the SQS server (opts.sqs)`);
      const esm = new EventSourceMapping({ mapping, fn: state.fn, sqs, region, invoke: (payload) => invokeSync(state, payload) });
      await esm.start();
      mappings.push(esm);
    }
  }

  const api = await startInvokeApi(opts, { lookup, invoke });
  return {
    url: api.url,
    port: api.port,
    invoke,
    lookup,
    mappings,
    logDir,
    logFile: (key) => byKey.get(key).logs.file,
    /** { inFlight, peak, limit, throttles, coldStarts, async: outcomes } of one function. */
    stats(key) {
      const s = byKey.get(key);
      return { inFlight: s.slots.inFlight, peak: s.slots.peak, limit: s.slots.limit, throttles: s.throttles, coldStarts: s.pool.coldStarts, async: [...s.async.outcomes] };
    },
    /** Resolves when no asynchronous invocation is pending. */
    async idle() {
      await Promise.all([...byKey.values()].map((s) => s.async.idle()));
    },
    async stop() {
      await Promise.allSettled(mappings.map((m) => m.stop()));
      for (const s of byKey.values()) s.async.stop();
      await api.stop();
      await Promise.allSettled([...byKey.values()].map((s) => s.pool.stop()));
      for (const dir of unzipped) rmSync(dir, { recursive: true, force: true });
      if (ownLogDir) rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/** An X-Ray trace header as Lambda passes it in Lambda-Runtime-Trace-Id. */
function traceId() {
  const hex = randomUUID().replaceAll('-', '');
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${hex.slice(0, 24)};Parent=${hex.slice(0, 16)};Sampled=0`;
}
