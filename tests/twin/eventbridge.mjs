// EventBridge's default bus for the state machine's events: every execution status change becomes the
// real "Step Functions Execution Status Change" event, is matched against the plan's rules, and is
// delivered to each target topic as the events service (principal events.amazonaws.com with
// aws:SourceArn = the rule's ARN, which the topic policy must allow).
import { randomUUID } from 'node:crypto';

/** The event Step Functions sends to EventBridge for an execution's status (RUNNING, SUCCEEDED, FAILED, ...). */
export function executionStatusEvent(execution, { region, account }) {
  const closed = execution.status !== 'RUNNING';
  const redrivable = ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(execution.status);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: new Date(closed ? execution.stopDate ?? Date.now() : execution.startDate).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      stopDate: closed ? execution.stopDate ?? null : null,
      input: execution.input,
      output: execution.status === 'SUCCEEDED' ? execution.output ?? null : null,
      inputDetails: { included: true },
      outputDetails: execution.status === 'SUCCEEDED' ? { included: true } : null,
      error: execution.status === 'FAILED' || execution.status === 'TIMED_OUT' ? execution.error ?? null : null,
      cause: execution.status === 'FAILED' ? execution.cause ?? null : null,
      redriveCount: execution.redriveCount ?? 0,
      redriveDate: execution.redriveDate ?? null,
      redriveStatus: redrivable ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
      redriveStatusReason: redrivable ? null : closed ? 'Execution is SUCCEEDED and cannot be redriven' : 'Execution is RUNNING and cannot be redriven',
    },
  };
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** One value of an event field against one element of a pattern's array (the subset the plan uses). */
function matchesValue(rule, value, present) {
  if (!isPlainObject(rule)) return present && value === rule;
  if (Object.hasOwn(rule, 'exists')) return rule.exists === present;
  if (!present) return false;
  if (Object.hasOwn(rule, 'prefix')) return typeof value === 'string' && value.startsWith(rule.prefix);
  if (Object.hasOwn(rule, 'anything-but')) {
    const but = rule['anything-but'];
    if (isPlainObject(but) && Object.hasOwn(but, 'prefix')) return typeof value === 'string' && !value.startsWith(but.prefix);
    return ![but].flat().includes(value);
  }
  if (Object.hasOwn(rule, 'equals-ignore-case')) return typeof value === 'string' && value.toLowerCase() === String(rule['equals-ignore-case']).toLowerCase();
  throw new Error(`event pattern operator not supported by the twin: ${JSON.stringify(rule)}`);
}

function matchesField(rules, value, present) {
  const values = Array.isArray(value) ? value : [value];
  // exists/anything-but look at the field as a whole; the others match when any element does.
  return rules.some((rule) => (isPlainObject(rule) && (Object.hasOwn(rule, 'exists') || Object.hasOwn(rule, 'anything-but'))
    ? (Array.isArray(value) ? values.every((v) => matchesValue(rule, v, present)) : matchesValue(rule, value, present))
    : values.some((v) => matchesValue(rule, v, present))));
}

/** Whether `event` matches the EventBridge `pattern` (exact values, prefix, anything-but, exists, $or, nesting). */
export function matches(pattern, event) {
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!rule.some((alternative) => matches(alternative, event))) return false;
      continue;
    }
    const present = isPlainObject(event) && Object.hasOwn(event, key) && event[key] !== undefined;
    const value = present ? event[key] : undefined;
    if (Array.isArray(rule)) {
      if (!matchesField(rule, value, present)) return false;
    } else if (isPlainObject(rule)) {
      if (!present || !isPlainObject(value) || !matches(rule, value)) return false;
    } else {
      throw new Error(`event pattern value must be an array or an object: ${key}`);
    }
  }
  return true;
}

/**
 * The bus: publish(event) matches the plan's rules and delivers to SNS targets with the events
 * service principal. sns: the twin's SNS server ({ publishAsService }). -> { publish, onExecution, delivered }
 */
export function eventBus({ deployment, sns, account }) {
  const delivered = [];
  async function publish(event) {
    for (const rule of deployment.eventRules ?? []) {
      if (!rule.pattern || !matches(rule.pattern, event)) continue;
      for (const target of rule.targets) {
        if (!target.arn?.includes(':sns:')) throw new Error(`rule ${rule.name}: target ${target.arn} is not a topic; the twin delivers to SNS only`);
        if (target.inputTransformer || target.input) throw new Error(`rule ${rule.name}: the twin delivers the whole event (no input transformer)`);
        delivered.push({ rule: rule.name, topicArn: target.arn, event });
        await sns.publishAsService({ service: 'events.amazonaws.com', sourceArn: rule.arn, sourceAccount: account }, target.arn, JSON.stringify(event));
      }
    }
  }
  const pending = new Set();
  return {
    publish,
    delivered,
    /** Step Functions' onStatusChange hook: every status change becomes an event on the bus. */
    onExecution(execution, { region }) {
      const promise = publish(executionStatusEvent(execution, { region, account })).finally(() => pending.delete(promise));
      pending.add(promise);
      return promise;
    },
    /** Resolves when every event put on the bus so far has been delivered to its targets. */
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
