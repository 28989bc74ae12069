// SNS on loopback: Publish over the query protocol for roles, publishAsService for EventBridge and
// CloudWatch, and fan-out to subscriptions. A `lambda` subscription is delivered through the callback the
// Lambda emulation passes, with the event shape SNS gives Lambda; the Invoke itself (sns.amazonaws.com,
// aws:SourceArn = topic) is the Lambda emulation's to record, as the server that receives it.
import { randomBytes, randomUUID } from 'node:crypto';
import { authenticate, baseContext, kmsCall, listen, recordAndAuthorize, requestId } from './common.mjs';

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const MAX_MESSAGE_BYTES = 256 * 1024;

const xml = (text) => String(text).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);

export class SnsError extends Error {
  constructor(code, message, status = 400, type = 'Sender') {
    super(message);
    this.code = code;
    this.status = status;
    this.type = type;
  }
}

/**
 * Query-protocol MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue,Value.BinaryValue} ->
 * { name: { DataType, StringValue | BinaryValue } } (the shape the API and Step Functions use).
 */
export function parseMessageAttributes(params) {
  const out = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const p = `MessageAttributes.entry.${n}.Value.`;
    const value = { DataType: params.get(p + 'DataType') };
    if (params.has(p + 'StringValue')) value.StringValue = params.get(p + 'StringValue');
    if (params.has(p + 'BinaryValue')) value.BinaryValue = params.get(p + 'BinaryValue');
    out[params.get(`MessageAttributes.entry.${n}.Name`)] = value;
  }
  return out;
}

/** The event Lambda receives from an SNS subscription (one record per delivery). */
export function lambdaEvent({ topicArn, subscriptionArn, messageId, subject, message, timestamp, messageAttributes, region }) {
  const attributes = Object.fromEntries(Object.entries(messageAttributes ?? {}).map(([name, v]) => [name, {
    Type: v.DataType?.startsWith('Binary') ? 'Binary' : v.DataType,
    Value: v.StringValue ?? v.BinaryValue,
  }]));
  return {
    Records: [{
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: subscriptionArn,
      Sns: {
        Type: 'Notification',
        MessageId: messageId,
        TopicArn: topicArn,
        Subject: subject ?? null,
        Message: message,
        Timestamp: timestamp,
        SignatureVersion: '1',
        // Not a real signature: nothing in the deployment verifies SNS signatures for Lambda deliveries.
        Signature: randomBytes(64).toString('base64'),
        SigningCertUrl: `https://sns.${region}.amazonaws.com/SimpleNotificationService-twin.pem`,
        UnsubscribeUrl: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
        MessageAttributes: attributes,
      },
    }],
  };
}

function attributeDocument(messageAttributes) {
  const doc = {};
  for (const [name, v] of Object.entries(messageAttributes ?? {})) {
    if (v.DataType?.startsWith('Number')) doc[name] = Number(v.StringValue);
    else if (v.DataType === 'String.Array') doc[name] = JSON.parse(v.StringValue);
    else if (v.DataType?.startsWith('String')) doc[name] = v.StringValue;
    // Binary attributes are not looked at by filter policies.
  }
  return doc;
}

const NUMERIC = { '=': (a, b) => a === b, '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b };

function matchesCondition(condition, values, present) {
  if (typeof condition === 'string' || typeof condition === 'number' || condition === null) return values.some((v) => v === condition);
  const [operator, operand] = Object.entries(condition)[0] ?? [];
  const strings = values.filter((v) => typeof v === 'string');
  switch (operator) {
    case 'exists': return present === operand;
    case 'prefix': return strings.some((v) => v.startsWith(operand));
    case 'suffix': return strings.some((v) => v.endsWith(operand));
    case 'equals-ignore-case': return strings.some((v) => v.toLowerCase() === String(operand).toLowerCase());
    case 'anything-but': {
      const excluded = (v) => (Array.isArray(operand) ? operand.includes(v) : typeof operand === 'object' && operand !== null
        ? matchesCondition(operand, [v], true) : v === operand);
      return present && values.length > 0 && values.every((v) => !excluded(v));
    }
    case 'numeric': return values.some((v) => {
      if (typeof v !== 'number') return false;
      for (let i = 0; i < operand.length; i += 2) if (!NUMERIC[operand[i]](v, operand[i + 1])) return false;
      return true;
    });
    default: throw new Error(`filter policy operator the twin does not know: ${JSON.stringify(condition)}`);
  }
}

function matchesPolicy(policy, doc) {
  return Object.entries(policy).every(([key, rule]) => {
    if (key === '$or') return rule.some((p) => matchesPolicy(p, doc));
    const value = doc?.[key];
    if (!Array.isArray(rule)) return value !== null && typeof value === 'object' && !Array.isArray(value) && matchesPolicy(rule, value);
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    return rule.some((condition) => matchesCondition(condition, values, value !== undefined));
  });
}

/**
 * Whether a subscription's filter policy lets a message through (SNS subscription filter policies: exact
 * values, exists, prefix, suffix, equals-ignore-case, anything-but, numeric, $or), on the message
 * attributes (scope MessageAttributes, the default) or on the JSON body (scope MessageBody).
 */
export function matchesFilterPolicy(policy, { message, messageAttributes }, scope = 'MessageAttributes') {
  if (!policy) return true;
  if (scope === 'MessageBody') {
    let body;
    try {
      body = JSON.parse(message);
    } catch {
      return false;
    }
    return matchesPolicy(policy, body);
  }
  return matchesPolicy(policy, attributeDocument(messageAttributes));
}

function validate(topic, message, subject) {
  if (!topic) throw new SnsError('NotFound', 'Topic does not exist', 404);
  if (typeof message !== 'string' || message.length === 0) throw new SnsError('InvalidParameter', 'Invalid parameter: Empty message');
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) throw new SnsError('InvalidParameter', 'Invalid parameter: Message too long');
  if (subject !== undefined && subject !== null && (subject.length === 0 || subject.length > 100 || /[\r\n]/.test(subject) || /[^\x20-\x7e]/.test(subject))) {
    throw new SnsError('InvalidParameter', 'Invalid parameter: Subject');
  }
}

/**
 * opts: { calls, credentials, region, account, topics?: [spec], deliveryAttempts = 4, authorize?, now? }
 * topic spec: { arn | name, kmsKeyArn?, kmsAliases? }
 */
export async function start(opts) {
  const topics = new Map();
  const published = [];
  const deliveries = [];
  const pending = new Set();

  function createTopic({ arn, name, kmsKeyArn = null, kmsAliases = [] }) {
    const topicArn = arn ?? `arn:aws:sns:${opts.region}:${opts.account}:${name}`;
    topics.set(topicArn, { arn: topicArn, kmsKeyArn, kmsAliases: [...kmsAliases], subscriptions: [] });
    return { arn: topicArn };
  }

  /**
   * subscription: { protocol, endpoint, deliver: async (event, invocation) => ..., filterPolicy?, filterPolicyScope? }
   * (filterPolicy as the plan's JSON text or an object) -> subscription ARN
   */
  function subscribe(topicArn, { protocol, endpoint, deliver, filterPolicy = null, filterPolicyScope = 'MessageAttributes' }) {
    const topic = topics.get(topicArn);
    if (!topic) throw new Error(`no topic ${topicArn}`);
    if (typeof deliver !== 'function') throw new Error(`subscription ${protocol}:${endpoint} needs a deliver callback`);
    const subscriptionArn = `${topicArn}:${randomUUID()}`;
    const policy = typeof filterPolicy === 'string' ? JSON.parse(filterPolicy) : filterPolicy;
    topic.subscriptions.push({ subscriptionArn, protocol, endpoint, deliver, filterPolicy: policy, filterPolicyScope: filterPolicyScope ?? 'MessageAttributes' });
    return subscriptionArn;
  }

  function fanOut(topic, entry) {
    for (const sub of topic.subscriptions) {
      if (!matchesFilterPolicy(sub.filterPolicy, entry, sub.filterPolicyScope)) {
        deliveries.push({ topicArn: topic.arn, subscriptionArn: sub.subscriptionArn, protocol: sub.protocol, endpoint: sub.endpoint, messageId: entry.messageId, status: 'filtered', attempts: 0, error: null });
        continue;
      }
      const event = sub.protocol === 'lambda'
        ? lambdaEvent({ ...entry, subscriptionArn: sub.subscriptionArn, region: opts.region })
        : { ...entry, subscriptionArn: sub.subscriptionArn };
      const invocation = {
        principal: { type: 'service', service: 'sns.amazonaws.com' },
        context: { 'aws:SourceArn': topic.arn, 'aws:SourceAccount': opts.account, 'aws:SecureTransport': 'true' },
        topicArn: topic.arn, subscriptionArn: sub.subscriptionArn, protocol: sub.protocol, endpoint: sub.endpoint,
      };
      const record = { topicArn: topic.arn, subscriptionArn: sub.subscriptionArn, protocol: sub.protocol, endpoint: sub.endpoint, messageId: entry.messageId, status: 'pending', attempts: 0, error: null };
      deliveries.push(record);
      const attempt = async () => {
        // SNS retries a Lambda endpoint 3 times at once before backing off; the twin stops there.
        for (;;) {
          record.attempts += 1;
          try {
            await sub.deliver(event, invocation);
            record.status = 'delivered';
            return;
          } catch (error) {
            record.error = String(error?.message ?? error);
            if (record.attempts >= (opts.deliveryAttempts ?? 4)) {
              record.status = 'failed';
              return;
            }
          }
        }
      };
      const promise = attempt().finally(() => pending.delete(promise));
      pending.add(promise);
    }
  }

  /** Records Publish (and the topic key's KMS calls), then fans out. -> { MessageId } */
  async function publishAs(principal, context, topicArn, messageOrObject, { subject, messageAttributes = {} } = {}) {
    // Step Functions' sns:publish sends a JSON object Message as its JSON text.
    const message = messageOrObject !== null && typeof messageOrObject === 'object' ? JSON.stringify(messageOrObject) : messageOrObject;
    if (!topicArn) throw new SnsError('InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    const topic = topics.get(topicArn);
    const fullContext = { ...baseContext(opts, principal), ...context };
    const denied = await recordAndAuthorize(opts, { service: 'sns', action: 'sns:Publish', resource: topicArn, principal, context: fullContext });
    if (denied) throw new SnsError('AuthorizationError', denied, 403);
    validate(topic, message, subject);
    // An encrypted topic: SNS asks KMS for a data key and decrypts it as the publisher (the key policy
    // must let a service publisher do that; a role needs the grant in its own policy).
    if (topic.kmsKeyArn) {
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        const call = kmsCall(opts, { principal, action, keyArn: topic.kmsKeyArn, aliases: topic.kmsAliases, via: 'sns' });
        Object.assign(call.context, context);
        const kmsDenied = await recordAndAuthorize(opts, call);
        if (kmsDenied) throw new SnsError('KMSAccessDenied', `User: ${principal.arn ?? principal.service} is not authorized to perform: ${action} (${kmsDenied})`);
      }
    }
    const entry = { topicArn, messageId: randomUUID(), subject: subject ?? null, message, messageAttributes, timestamp: new Date().toISOString() };
    published.push({ ...entry, principal });
    fanOut(topic, entry);
    return { MessageId: entry.messageId };
  }

  function error(res, e) {
    const body = `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${e.type}</Type><Code>${xml(e.code)}</Code><Message>${xml(e.message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
    res.writeHead(e.status, { 'content-type': 'text/xml' });
    res.end(body);
  }

  async function handle(req, res) {
    const who = await authenticate(req, opts, 'sns');
    if (who.error) return error(res, new SnsError(who.error.queryCode, who.error.message, who.error.status));
    const contentType = String(req.headers['content-type'] ?? '');
    if (req.method !== 'POST' || !contentType.startsWith('application/x-www-form-urlencoded')) {
      return error(res, new SnsError('InvalidAction', `The twin serves the query protocol only (POST form), not ${req.method} ${contentType}`));
    }
    const params = new URLSearchParams(who.body.toString('utf8'));
    if (params.get('Action') !== 'Publish') return error(res, new SnsError('InvalidAction', `The twin does not serve ${params.get('Action')}`));
    try {
      const topicArn = params.get('TopicArn') ?? params.get('TargetArn');
      const result = await publishAs(who.principal, {}, topicArn, params.get('Message'),
        { subject: params.get('Subject') ?? undefined, messageAttributes: parseMessageAttributes(params) });
      const rid = requestId();
      res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': rid });
      res.end(`<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${result.MessageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${rid}</RequestId></ResponseMetadata></PublishResponse>`);
    } catch (e) {
      if (!(e instanceof SnsError)) throw e;
      error(res, e);
    }
  }

  const http = await listen(handle);
  for (const spec of opts.topics ?? []) createTopic(spec);

  return {
    url: http.url,
    port: http.port,
    stop: http.stop,
    createTopic,
    subscribe,
    /**
     * A `lambda` subscription delivered to the Lambda twin (`lambda.invoke(principal, functionArn, payload,
     * { type, context })`, which records lambda:InvokeFunction): SNS invokes asynchronously (Event) as
     * sns.amazonaws.com with aws:SourceArn = the topic. options: { filterPolicy, filterPolicyScope }.
     */
    subscribeLambda: (topicArn, functionArn, lambda, options = {}) => subscribe(topicArn, { ...options, protocol: 'lambda', endpoint: functionArn,
      deliver: async (event, invocation) => {
        const answer = await lambda.invoke(invocation.principal, functionArn, JSON.stringify(event), { type: 'Event', context: invocation.context });
        if (answer.statusCode >= 300) throw new Error(`Invoke of ${functionArn} answered ${answer.statusCode}: ${answer.body}`);
      } }),
    /** In-process Publish by a role or service principal (Step Functions' sns:publish task runs as its role). */
    publish: publishAs,
    /** EventBridge and CloudWatch deliveries: the service principal with aws:SourceArn and aws:SourceAccount. */
    publishAsService: ({ service, sourceArn, sourceAccount = opts.account }, topicArn, message, options = {}) => publishAs(
      { type: 'service', service }, { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': sourceAccount }, topicArn, message, options),
    /** Messages accepted: { topicArn, messageId, subject, message, messageAttributes, timestamp, principal }. */
    published: (topicArn) => published.filter((p) => topicArn === undefined || p.topicArn === topicArn),
    /** Deliveries: { topicArn, subscriptionArn, protocol, endpoint, messageId, status: pending|delivered|failed|filtered, attempts, error }. */
    deliveries: (topicArn) => deliveries.filter((d) => topicArn === undefined || d.topicArn === topicArn),
    /** Resolves when every delivery started so far has finished (delivered or given up). */
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
