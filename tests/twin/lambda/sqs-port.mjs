// The Lambda service's calls to the twin's SQS server, in-process, as AWS makes them on behalf of a
// function: with the function's execution role (event source mapping polls, on-failure destinations).
// One place that knows the SQS server's in-process methods, so the rest of the Lambda twin does not.
// Each call is recorded here with the role as principal, unless the SQS server records in-process calls
// itself (it says so with `recordsInProcessCalls`), so a call is never counted twice.

function record(sqs, calls, principal, action, queueArn) {
  if (sqs.recordsInProcessCalls) return;
  calls.record({ service: 'sqs', action, resource: queueArn, principal, context: { 'aws:SecureTransport': 'true' } });
}

export function sqsPort(sqs, calls) {
  return {
    async send(principal, queueArn, body) {
      record(sqs, calls, principal, 'sqs:SendMessage', queueArn);
      return sqs.sendMessage({ principal, queueArn, body });
    },
    /** -> [{ messageId, receiptHandle, body, md5OfBody, attributes }] */
    async receive(principal, queueArn, maxNumberOfMessages) {
      record(sqs, calls, principal, 'sqs:ReceiveMessage', queueArn);
      return sqs.receiveMessages({ principal, queueArn, maxNumberOfMessages });
    },
    async delete(principal, queueArn, receiptHandle) {
      record(sqs, calls, principal, 'sqs:DeleteMessage', queueArn);
      return sqs.deleteMessage({ principal, queueArn, receiptHandle });
    },
    async attributes(principal, queueArn) {
      record(sqs, calls, principal, 'sqs:GetQueueAttributes', queueArn);
      return sqs.getQueueAttributes({ principal, queueArn });
    },
  };
}
