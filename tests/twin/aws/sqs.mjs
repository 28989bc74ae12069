// SQS on loopback: the AWS JSON 1.0 protocol (X-Amz-Target: AmazonSQS.*) for roles, and in-process methods
// for the twin's services (S3 notifications, Lambda's event source mapping and destinations), each call
// recorded with its principal. Visibility timeouts, ApproximateReceiveCount and the redrive to a DLQ after
// maxReceiveCount behave as SQS documents them, on a clock the twin may pass in.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { authenticate, baseContext, listen, recordAndAuthorize, sendJson, sleep } from './common.mjs';

const JSON_10 = 'application/x-amz-json-1.0';
const md5 = (text) => createHash('md5').update(text, 'utf8').digest('hex');

/** An SQS error; `query` is the legacy code AWS also sends in x-amzn-query-error. */
export class SqsError extends Error {
  constructor(type, message, query = type, status = 400) {
    super(message);
    this.type = type;
    this.query = query;
    this.status = status;
  }
}

const NO_QUEUE = () => new SqsError('QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue');
const BAD_HANDLE = (h) => new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${h}" is not a valid receipt handle.`);

/** A received message as Lambda's SQS event source mapping hands it to the function (one Records[] entry). */
export function toLambdaRecord(message, queueArn, region) {
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: { ...message.Attributes },
    messageAttributes: message.MessageAttributes ?? {},
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * opts: { calls, credentials, region, account, queues?: [spec], clock?: () => ms, authorize?, now? }
 * queue spec: { name, arn?, visibilityTimeoutSeconds = 30, messageRetentionSeconds = 345600, redrive?: { deadLetterTargetArn, maxReceiveCount } }
 */
export async function start(opts) {
  const clock = opts.clock ?? Date.now;
  const queues = new Map(); // arn -> queue
  let baseUrl = '';

  function createQueue({ name, arn, visibilityTimeoutSeconds = 30, messageRetentionSeconds = 345600, redrive = null }) {
    const queueArn = arn ?? `arn:aws:sqs:${opts.region}:${opts.account}:${name}`;
    const queueName = name ?? queueArn.split(':')[5];
    const queue = { arn: queueArn, name: queueName, url: `${baseUrl}/${opts.account}/${queueName}`, visibilityTimeoutSeconds, messageRetentionSeconds, redrive, messages: [] };
    queues.set(queueArn, queue);
    return { arn: queueArn, url: queue.url, name: queueName };
  }

  function queueOf(arnOrUrl) {
    const q = queues.get(arnOrUrl) ?? [...queues.values()].find((x) => x.url === arnOrUrl || x.url.endsWith(new URL(arnOrUrl, 'http://x').pathname));
    if (!q) throw NO_QUEUE();
    return q;
  }

  // Retention and the DLQ move happen lazily, when a queue is looked at; nothing else can observe them.
  function expire(queue) {
    const now = clock();
    queue.messages = queue.messages.filter((m) => now - m.sentAt < queue.messageRetentionSeconds * 1000);
  }

  function enqueue(queue, body, { senderId, delaySeconds = 0, messageAttributes = {} } = {}) {
    const now = clock();
    const message = { id: randomUUID(), body, md5: md5(body), sentAt: now, visibleAt: now + delaySeconds * 1000, receiveCount: 0,
      firstReceiveAt: null, handle: null, senderId, messageAttributes, deadLetterSource: null };
    queue.messages.push(message);
    return message;
  }

  function moveToDeadLetterQueue(queue, message) {
    const dlq = queues.get(queue.redrive.deadLetterTargetArn);
    // AWS never drops the message; a DLQ the twin does not have is a set-up error, so make it loud.
    if (!dlq) throw new Error(`DLQ ${queue.redrive.deadLetterTargetArn} of ${queue.arn} is not a twin queue`);
    queue.messages = queue.messages.filter((m) => m !== message);
    Object.assign(message, { visibleAt: clock(), handle: null, deadLetterSource: queue.arn });
    dlq.messages.push(message);
  }

  function wireMessage(queue, m) {
    return {
      MessageId: m.id,
      ReceiptHandle: m.handle,
      MD5OfBody: m.md5,
      Body: m.body,
      Attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: m.senderId,
        ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt),
        ...(m.deadLetterSource ? { DeadLetterQueueSourceArn: m.deadLetterSource } : {}),
      },
      ...(Object.keys(m.messageAttributes).length ? { MessageAttributes: m.messageAttributes } : {}),
    };
  }

  function takeVisible(queue, max, visibilitySeconds) {
    expire(queue);
    const out = [];
    for (const m of [...queue.messages]) {
      if (out.length >= max) break;
      if (m.visibleAt > clock()) continue;
      // SQS moves a message once a receive would take it past maxReceiveCount.
      if (queue.redrive && m.receiveCount >= queue.redrive.maxReceiveCount) {
        moveToDeadLetterQueue(queue, m);
        continue;
      }
      m.receiveCount += 1;
      m.firstReceiveAt ??= clock();
      m.visibleAt = clock() + visibilitySeconds * 1000;
      m.handle = `${Buffer.from(m.id).toString('base64url')}.${randomBytes(24).toString('base64url')}`;
      out.push(wireMessage(queue, m));
    }
    return out;
  }

  function byHandle(queue, handle) {
    if (typeof handle !== 'string' || !/^[\w-]+\.[\w-]+$/.test(handle)) throw BAD_HANDLE(handle);
    const id = Buffer.from(handle.split('.')[0], 'base64url').toString('utf8');
    return { message: queue.messages.find((m) => m.id === id), current: queue.messages.find((m) => m.handle === handle) };
  }

  async function call(principal, context, queue, action) {
    const denied = await recordAndAuthorize(opts, { service: 'sqs', action, resource: queue.arn, principal, context: { ...baseContext(opts, principal), ...context } });
    if (denied) throw new SqsError('AccessDenied', denied, 'AccessDenied', 403);
  }

  const senderOf = (principal) => (principal.type === 'role' ? `AROA${md5(principal.arn).slice(0, 17).toUpperCase()}:twin` : principal.service);

  // The operations; the in-process API and the JSON protocol both go through them.
  const ops = {
    async send(principal, context, queueArn, body, { delaySeconds, messageAttributes } = {}) {
      const queue = queueOf(queueArn);
      await call(principal, context, queue, 'sqs:SendMessage');
      if (typeof body !== 'string' || body.length === 0) throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
      if (Buffer.byteLength(body) > 262144) throw new SqsError('InvalidParameterValue', 'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.');
      const m = enqueue(queue, body, { senderId: senderOf(principal), delaySeconds, messageAttributes });
      wake();
      return { MessageId: m.id, MD5OfMessageBody: m.md5 };
    },
    async receive(principal, context, queueArn, { maxNumberOfMessages = 1, visibilityTimeout, waitTimeSeconds = 0 } = {}) {
      const queue = queueOf(queueArn);
      await call(principal, context, queue, 'sqs:ReceiveMessage');
      if (maxNumberOfMessages < 1 || maxNumberOfMessages > 10) throw new SqsError('InvalidParameterValue', 'Value for parameter MaxNumberOfMessages is invalid. Reason: must be between 1 and 10, if provided.');
      const deadline = Date.now() + waitTimeSeconds * 1000;
      for (;;) {
        const got = takeVisible(queue, maxNumberOfMessages, visibilityTimeout ?? queue.visibilityTimeoutSeconds);
        if (got.length > 0 || Date.now() >= deadline) return got;
        let woken;
        const sent = new Promise((r) => waiters.add(woken = r));
        // Also wakes every 50 ms: a message in flight may become visible again without a send.
        await Promise.race([sleep(Math.min(50, deadline - Date.now())), sent]);
        waiters.delete(woken);
      }
    },
    async delete(principal, context, queueArn, receiptHandle) {
      const queue = queueOf(queueArn);
      await call(principal, context, queue, 'sqs:DeleteMessage');
      const { message, current } = byHandle(queue, receiptHandle);
      // A stale handle (the message was received again since) succeeds without deleting, as SQS documents.
      if (message && current === message) queue.messages = queue.messages.filter((m) => m !== message);
      return {};
    },
    async changeVisibility(principal, context, queueArn, receiptHandle, visibilityTimeout) {
      const queue = queueOf(queueArn);
      await call(principal, context, queue, 'sqs:ChangeMessageVisibility');
      const { current } = byHandle(queue, receiptHandle);
      if (!current) throw new SqsError('MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.', 'AWS.SimpleQueueService.MessageNotInflight');
      current.visibleAt = clock() + visibilityTimeout * 1000;
      return {};
    },
    async attributes(principal, context, queueArn, names = ['All']) {
      const queue = queueOf(queueArn);
      await call(principal, context, queue, 'sqs:GetQueueAttributes');
      expire(queue);
      const now = clock();
      const all = {
        QueueArn: queue.arn,
        ApproximateNumberOfMessages: String(queue.messages.filter((m) => m.visibleAt <= now).length),
        ApproximateNumberOfMessagesNotVisible: String(queue.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length),
        ApproximateNumberOfMessagesDelayed: String(queue.messages.filter((m) => m.visibleAt > now && m.receiveCount === 0).length),
        VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(queue.messageRetentionSeconds),
        ...(queue.redrive ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queue.redrive.deadLetterTargetArn, maxReceiveCount: queue.redrive.maxReceiveCount }) } : {}),
      };
      return names.includes('All') ? all : Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]]));
    },
  };

  const waiters = new Set();
  function wake() {
    for (const w of waiters) w();
    waiters.clear();
  }

  const wire = {
    SendMessage: async (p, q, i) => ops.send(p, {}, q, i.MessageBody, { delaySeconds: i.DelaySeconds, messageAttributes: i.MessageAttributes }),
    ReceiveMessage: async (p, q, i) => {
      const got = await ops.receive(p, {}, q, { maxNumberOfMessages: i.MaxNumberOfMessages ?? 1, visibilityTimeout: i.VisibilityTimeout, waitTimeSeconds: i.WaitTimeSeconds ?? 0 });
      // Attributes come back only as asked for (either parameter name; 'All' for every one).
      const asked = [...(i.AttributeNames ?? []), ...(i.MessageSystemAttributeNames ?? [])];
      const pick = (m) => {
        const { Attributes, ...rest } = m;
        const chosen = asked.includes('All') ? Attributes : Object.fromEntries(Object.entries(Attributes).filter(([k]) => asked.includes(k)));
        return Object.keys(chosen).length ? { ...rest, Attributes: chosen } : rest;
      };
      return got.length ? { Messages: got.map(pick) } : {};
    },
    DeleteMessage: async (p, q, i) => ops.delete(p, {}, q, i.ReceiptHandle),
    DeleteMessageBatch: async (p, q, i) => {
      const Successful = [];
      const Failed = [];
      for (const entry of i.Entries ?? []) {
        try {
          await ops.delete(p, {}, q, entry.ReceiptHandle);
          Successful.push({ Id: entry.Id });
        } catch (e) {
          if (!(e instanceof SqsError) || e.type === 'AccessDenied' || e.type === 'QueueDoesNotExist') throw e;
          Failed.push({ Id: entry.Id, SenderFault: true, Code: e.type, Message: e.message });
        }
      }
      return { Successful, Failed };
    },
    GetQueueAttributes: async (p, q, i) => ({ Attributes: await ops.attributes(p, {}, q, i.AttributeNames ?? ['All']) }),
    ChangeMessageVisibility: async (p, q, i) => ops.changeVisibility(p, {}, q, i.ReceiptHandle, i.VisibilityTimeout),
  };

  function error(res, e) {
    sendJson(res, e.status, { __type: `com.amazonaws.sqs#${e.type}`, message: e.message },
      { 'content-type': JSON_10, 'x-amzn-query-error': `${e.query};Sender` });
  }

  async function handle(req, res) {
    const who = await authenticate(req, opts, 'sqs');
    if (who.error) return error(res, new SqsError(who.error.jsonCode, who.error.message, who.error.code, who.error.status));
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonSQS.') ? wire[target.slice('AmazonSQS.'.length)] : undefined;
    if (req.method !== 'POST' || !operation) return error(res, new SqsError('UnsupportedOperation', `The twin does not serve ${req.method} ${target}`));
    if (!String(req.headers['content-type'] ?? '').startsWith(JSON_10)) return error(res, new SqsError('InvalidParameterValue', `Content-Type must be ${JSON_10}`));
    try {
      const input = JSON.parse(who.body.toString('utf8') || '{}');
      if (!input.QueueUrl) throw new SqsError('MissingParameter', 'The request must contain the parameter QueueUrl.');
      sendJson(res, 200, await operation(who.principal, input.QueueUrl, input), { 'content-type': JSON_10 });
    } catch (e) {
      if (e instanceof SyntaxError) return error(res, new SqsError('InvalidParameterValue', 'The request body is not JSON'));
      if (!(e instanceof SqsError)) throw e;
      error(res, e);
    }
  }

  const http = await listen(handle);
  baseUrl = http.url;
  for (const spec of opts.queues ?? []) createQueue(spec);

  const visible = (arn) => queueOf(arn).messages;
  const need = (principal) => {
    if (!principal?.type) throw new Error('an in-process SQS call needs the caller\'s principal, to record it');
    return principal;
  };
  return {
    url: http.url,
    port: http.port,
    stop: async () => {
      wake();
      await http.stop();
    },
    createQueue,
    /** The queue's settings and URL, by ARN or URL. */
    queue: (arnOrUrl) => {
      const q = queueOf(arnOrUrl);
      return { arn: q.arn, name: q.name, url: q.url, visibilityTimeoutSeconds: q.visibilityTimeoutSeconds, messageRetentionSeconds: q.messageRetentionSeconds, redrive: q.redrive };
    },
    send: ops.send,
    receive: ops.receive,
    delete: ops.delete,
    changeVisibility: ops.changeVisibility,
    getAttributes: ops.attributes,
    // The same operations with named arguments, as the Lambda twin's SQS port (tests/twin/lambda/sqs-port.mjs)
    // calls them. They record the call themselves, which the port learns from recordsInProcessCalls.
    recordsInProcessCalls: true,
    sendMessage: async ({ principal, context = {}, queueArn, body, delaySeconds, messageAttributes }) => {
      const sent = await ops.send(need(principal), context, queueArn, body, { delaySeconds, messageAttributes });
      return { messageId: sent.MessageId, ...sent };
    },
    receiveMessages: async ({ principal, context = {}, queueArn, maxNumberOfMessages = 1, visibilityTimeout, waitTimeSeconds = 0 }) => {
      const got = await ops.receive(need(principal), context, queueArn, { maxNumberOfMessages, visibilityTimeout, waitTimeSeconds });
      return got.map((m) => ({ messageId: m.MessageId, receiptHandle: m.ReceiptHandle, body: m.Body, md5OfBody: m.MD5OfBody, attributes: m.Attributes,
        messageAttributes: m.MessageAttributes ?? {} }));
    },
    deleteMessage: ({ principal, context = {}, queueArn, receiptHandle }) => ops.delete(need(principal), context, queueArn, receiptHandle),
    getQueueAttributes: ({ principal, context = {}, queueArn, names }) => ops.attributes(need(principal), context, queueArn, names),
    /** Every message the queue holds, in flight or not: { messageId, body, receiveCount, visible, sentAt, deadLetterSource }. */
    messages: (arn) => {
      expire(queueOf(arn));
      return visible(arn).map((m) => ({ messageId: m.id, body: m.body, receiveCount: m.receiveCount, visible: m.visibleAt <= clock(), sentAt: m.sentAt, deadLetterSource: m.deadLetterSource }));
    },
    /** How many messages the queue holds (visible and in flight). */
    depth: (arn) => {
      expire(queueOf(arn));
      return visible(arn).length;
    },
  };
}
