// CloudWatch Logs as Lambda uses it: each execution environment writes its stdout/stderr lines to its own
// log stream in the function's log group, calling logs:CreateLogStream once and logs:PutLogEvents per
// batch, with the function's execution role (that is why the role needs those grants). The lines go to
// one file per function, so a scenario can read what a function logged.

import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const flushMs = 200;

/** Lambda's stream name: `YYYY/MM/DD/[$LATEST]<32 hex>`. */
export function logStreamName(now = new Date()) {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/** The ARN of a stream in a group; the group's ARN may carry Terraform's `:*` suffix. */
export function logStreamArn(logGroupArn, stream) {
  return `${logGroupArn.replace(/:\*$/, '')}:log-stream:${stream}`;
}

export class FunctionLogs {
  /** fn: a Deployment.functions entry; dir: where `<key>.log` is written; calls: the CallLog; context: condition keys. */
  constructor({ fn, dir, calls, context = {} }) {
    this.fn = fn;
    this.calls = calls;
    this.context = context;
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${fn.key}.log`);
  }

  /** A new stream for one execution environment: { name, write(line), flush(), close() }. */
  openStream() {
    const name = logStreamName();
    const resource = logStreamArn(this.fn.logGroup.arn, name);
    const principal = { type: 'role', arn: this.fn.roleArn };
    this.calls.record({ service: 'logs', action: 'logs:CreateLogStream', resource, principal, context: this.context });
    const pending = [];
    let timer = null;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (pending.length === 0) return;
      const lines = pending.splice(0);
      appendFileSync(this.file, lines.map((line) => `${name} ${line}\n`).join(''));
      this.calls.record({ service: 'logs', action: 'logs:PutLogEvents', resource, principal, context: this.context });
    };
    return {
      name,
      write(line) {
        pending.push(line);
        timer ??= setTimeout(flush, flushMs);
      },
      flush,
      close: flush,
    };
  }
}

/** Splits a child's output stream into lines, handing each complete one to onLine. */
export function pipeLines(readable, onLine) {
  let rest = '';
  readable.setEncoding('utf8');
  readable.on('data', (chunk) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop();
    for (const line of parts) onLine(line);
  });
  readable.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
}
