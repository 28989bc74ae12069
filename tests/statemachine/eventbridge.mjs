// The part of EventBridge the failure rule relies on: the "Step Functions Execution Status Change" event
// Step Functions sends when a Standard execution ends, and event-pattern matching for the operators the
// rule uses (exact values, null, anything-but, exists, $or). Semantics as documented for EventBridge:
// a field named in the pattern must be present unless the pattern says exists false; anything-but
// matches every present value outside its list, null included.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { account, region, renderTemplate, repoRoot, stateMachineArn } from './harness.mjs';

export const failurePatternPath = join(repoRoot, 'infra', 'modules', 'workflow', 'failure-event-pattern.json');

/** The failure rule's pattern, rendered like the workflow module's templatefile() does. */
export function failurePattern(arn = stateMachineArn) {
  return JSON.parse(renderTemplate(readFileSync(failurePatternPath, 'utf8'), { state_machine_arn: arn }));
}

/**
 * The status-change event of a finished local execution (harness.execute). `error` says how a timeout
 * or a stop reports its (absent) error: 'missing' leaves the field out, 'null' sets it to null.
 */
export function statusChangeEvent(run, { status = run.status, error = 'missing', arn = stateMachineArn } = {}) {
  const detail = {
    executionArn: run.executionArn,
    stateMachineArn: arn,
    name: run.name,
    status,
    startDate: 1764921600000,
    stopDate: 1764921660000,
    input: JSON.stringify(run.input),
    inputDetails: { included: true },
    output: status === 'SUCCEEDED' ? JSON.stringify(run.output) : null,
    outputDetails: status === 'SUCCEEDED' ? { included: true } : null,
  };
  if (run.error !== undefined && status === 'FAILED') {
    detail.error = run.error;
    detail.cause = run.cause;
  } else if (error === 'null') {
    detail.error = null;
    detail.cause = null;
  }
  return {
    version: '0', id: '315c1398-40ff-a850-213b-158f73e60175', 'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states', account, time: '2025-12-05T08:01:00Z', region, resources: [run.executionArn], detail,
  };
}

function matchesValue(value, present, condition) {
  if (condition === null || typeof condition !== 'object') return present && value === condition;
  if ('exists' in condition) return present === condition.exists;
  if ('anything-but' in condition) {
    const excluded = [condition['anything-but']].flat();
    return present && !excluded.includes(value);
  }
  throw new Error(`operator not supported here: ${JSON.stringify(condition)}`);
}

/** Whether `event` matches `pattern` (the subset of EventBridge patterns described above). */
export function matches(pattern, event) {
  for (const [field, condition] of Object.entries(pattern)) {
    if (field === '$or') {
      if (!condition.some((alternative) => matches(alternative, event))) return false;
      continue;
    }
    const present = event !== null && typeof event === 'object' && Object.hasOwn(event, field);
    const value = present ? event[field] : undefined;
    if (Array.isArray(condition)) {
      if (!condition.some((c) => matchesValue(value, present, c))) return false;
    } else if (!present || !matches(condition, value)) {
      return false;
    }
  }
  return true;
}
