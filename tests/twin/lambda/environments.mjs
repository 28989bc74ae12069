// Execution environments of one function: `bootstrap` processes started on demand from the unzipped task
// root, each serving one invocation at a time through the Runtime API, reused while warm. As in Lambda:
// a process that exits fails the invocation it held (Runtime.ExitError) and is replaced by a new one on the
// next invocation; an invocation past the function's timeout fails with Sandbox.Timedout and its
// environment is killed; an init error fails the invocation and discards the environment.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startRuntimeApi } from './runtime-api.mjs';
import { pipeLines } from './logs.mjs';

const initLimitMs = 10_000;
const endDelayMs = 30;

/** Lambda's error payloads for failures of the platform rather than of the handler. */
export const platformErrors = {
  exit: (requestId, how) => ({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${how}` }),
  timeout: (requestId, seconds) => ({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds.toFixed(2)} seconds` }),
};

export class EnvironmentPool {
  /**
   * fn: a Deployment.functions entry; taskRoot: the directory holding `bootstrap`; environment(): the
   * variables of a new environment (credentials included) without AWS_LAMBDA_RUNTIME_API; logs: FunctionLogs.
   */
  static async start({ fn, taskRoot, environment, logs }) {
    const pool = new EnvironmentPool(fn, taskRoot, environment, logs);
    pool.api = await startRuntimeApi({ next: (id, signal) => pool.#next(id, signal), report: (id, r) => pool.#report(id, r) });
    return pool;
  }

  constructor(fn, taskRoot, environment, logs) {
    this.fn = fn;
    this.taskRoot = taskRoot;
    this.environment = environment;
    this.logs = logs;
    this.envs = new Map();
    this.started = 0;
    this.stopping = false;
  }

  /** Environments started so far (cold starts). */
  get coldStarts() {
    return this.started;
  }

  /**
   * Runs one invocation { requestId, body, traceId } in an idle environment (a new one when none is idle).
   * Resolves { body: Buffer, errorType } where errorType is set when the function failed. The caller
   * enforces concurrency; the pool never queues.
   */
  run({ requestId, body, traceId }) {
    // After stop() no process may start: it would outlive the twin.
    if (this.stopping) return Promise.resolve({ body: json(platformErrors.exit(requestId, 'the service is stopping')), errorType: 'Unhandled' });
    const env = [...this.envs.values()].find((e) => !e.invocation && !e.doomed) ?? this.#spawn();
    return new Promise((resolve) => {
      const invocation = { requestId, body, traceId, deadlineMs: null, handed: false, started: Date.now(), resolve };
      env.invocation = invocation;
      // A cold environment first runs its init phase, which Lambda limits to 10 s apart from the timeout.
      this.#arm(env, initLimitMs + this.fn.timeoutSeconds * 1000);
      this.#writeEnd(env);
      env.stream.write(`START RequestId: ${requestId} Version: $LATEST`);
      if (env.waiting) {
        const waiting = env.waiting;
        env.waiting = null;
        waiting(this.#handOut(env));
      }
    });
  }

  /** (Re)starts the invocation's timeout: past it, Lambda stops the environment and fails the invocation. */
  #arm(env, ms) {
    const invocation = env.invocation;
    clearTimeout(invocation.timer);
    invocation.timer = setTimeout(() => {
      this.#discard(env);
      this.#finish(env, { body: json(platformErrors.timeout(invocation.requestId, this.fn.timeoutSeconds)), errorType: 'Unhandled' });
    }, ms);
  }

  #spawn() {
    this.started += 1;
    const id = String(this.started);
    const stream = this.logs.openStream();
    const variables = {
      ...this.environment(),
      AWS_LAMBDA_RUNTIME_API: this.api.runtimeApi(id),
      AWS_LAMBDA_LOG_STREAM_NAME: stream.name,
    };
    const child = spawn(join(this.taskRoot, 'bootstrap'), [], { cwd: this.taskRoot, env: variables, stdio: ['ignore', 'pipe', 'pipe'] });
    const env = { id, child, stream, invocation: null, waiting: null, doomed: false, gone: false };
    this.envs.set(id, env);
    pipeLines(child.stdout, (line) => stream.write(line));
    pipeLines(child.stderr, (line) => stream.write(line));
    child.on('error', (error) => {
      stream.write(`spawn failed: ${error.message}`);
      this.#exited(env, error.code, null);
    });
    child.on('close', (code, signal) => this.#exited(env, code, signal));
    return env;
  }

  #handOut(env) {
    const invocation = env.invocation;
    invocation.handed = true;
    // The function's timeout runs from the moment the runtime has the event (Lambda-Runtime-Deadline-Ms).
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    invocation.deadlineMs = Date.now() + timeoutMs;
    this.#arm(env, timeoutMs);
    return {
      requestId: invocation.requestId,
      deadlineMs: invocation.deadlineMs,
      functionArn: this.fn.arn,
      traceId: invocation.traceId,
      body: invocation.body,
    };
  }

  #next(envId, signal) {
    const env = this.envs.get(envId);
    if (!env || this.stopping) return Promise.resolve(null);
    if (env.invocation && !env.invocation.handed) return Promise.resolve(this.#handOut(env));
    return new Promise((resolve) => {
      env.waiting = resolve;
      signal.addEventListener('abort', () => {
        if (env.waiting === resolve) env.waiting = null;
        resolve(null);
      });
    });
  }

  #report(envId, { kind, requestId, body, errorType }) {
    const env = this.envs.get(envId);
    if (!env) return false;
    if (kind === 'init-error') {
      // Lambda discards an environment whose init failed; the invocation gets the init error.
      env.stream.write(`INIT_REPORT Status: error Error Type: ${errorType ?? 'Runtime.Unknown'}`);
      this.#discard(env);
      if (env.invocation) this.#finish(env, { body, errorType: 'Unhandled' });
      return true;
    }
    if (!env.invocation || !env.invocation.handed || env.invocation.requestId !== requestId) return false;
    this.#finish(env, kind === 'response' ? { body } : { body, errorType: 'Unhandled' });
    return true;
  }

  /** Kills an environment Lambda would not reuse; until its process is gone nothing is assigned to it. */
  #discard(env) {
    env.doomed = true;
    env.child.kill('SIGKILL');
  }

  #writeEnd(env) {
    clearTimeout(env.endTimer);
    for (const line of env.ending ?? []) env.stream.write(line);
    env.ending = null;
  }

  #finish(env, result) {
    const invocation = env.invocation;
    if (!invocation) return;
    clearTimeout(invocation.timer);
    env.invocation = null;
    const ms = Date.now() - invocation.started;
    // The runtime's last output lines may still be in the pipe when its response arrives: END/REPORT
    // follow a moment later (or before the environment's next START), so they close the invocation's lines.
    env.ending = [`END RequestId: ${invocation.requestId}`, `REPORT RequestId: ${invocation.requestId}\tDuration: ${ms} ms\tMemory Size: ${this.fn.memoryMb} MB`];
    env.endTimer = setTimeout(() => this.#writeEnd(env), endDelayMs);
    invocation.resolve(result);
  }

  #exited(env, code, signal) {
    if (env.gone) return;
    env.gone = true;
    this.envs.delete(env.id);
    if (env.waiting) env.waiting(null);
    env.waiting = null;
    const how = signal ? `signal: ${signal}` : `exit status ${code}`;
    if (env.invocation) {
      env.stream.write(`RequestId: ${env.invocation.requestId} Error: Runtime exited with error: ${how}`);
      this.#finish(env, { body: json(platformErrors.exit(env.invocation.requestId, how)), errorType: 'Unhandled' });
    }
    this.#writeEnd(env);
    env.stream.close();
  }

  /** Kills every environment (SIGTERM, then SIGKILL after a grace period) and closes the Runtime API. */
  async stop() {
    this.stopping = true;
    const closing = [...this.envs.values()].map((env) => new Promise((resolve) => {
      env.child.once('close', resolve);
      env.child.kill('SIGTERM');
      // Lambda gives the runtime a short grace period after SIGTERM; a process that lingers is killed.
      setTimeout(() => env.child.kill('SIGKILL'), 2000).unref();
      setTimeout(resolve, 3000).unref();
    }));
    await Promise.all(closing);
    await this.api?.stop();
  }
}

function json(doc) {
  return Buffer.from(JSON.stringify(doc));
}
