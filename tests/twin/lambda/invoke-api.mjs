// Lambda's Invoke API over HTTP (POST /2015-03-31/functions/{FunctionName}/invocations), as Step Functions
// and operators call it: SigV4-verified, recorded as lambda:InvokeFunction with the caller's role, answered
// with Lambda's status codes, headers and error bodies.

import { createServer } from 'node:http';
import { readBody, verifyIncoming } from '../aws/sigv4.mjs';

const routePattern = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** Lambda's REST-JSON error: x-amzn-ErrorType header and a {Type, message} body. */
export function errorResponse(status, type, message, extra = {}) {
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type },
    body: Buffer.from(JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', message, ...extra })),
  };
}

/** What Lambda answers when the function's concurrency is used up. */
export function throttledResponse() {
  return {
    statusCode: 429,
    headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'TooManyRequestsException' },
    body: Buffer.from(JSON.stringify({ Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' })),
  };
}

/**
 * The function name in a path: a name, a partial ARN (account:function:name) or a full ARN, each with an
 * optional qualifier. -> { name, qualifier }
 */
export function parseFunctionName(text) {
  const arn = /^(?:arn:[\w-]+:lambda:[\w-]+:)?(?:\d{12}:)?(?:function:)?([\w-]+)(?::([\w$-]+))?$/.exec(text);
  return arn ? { name: arn[1], qualifier: arn[2] ?? null } : null;
}

/**
 * Starts the listener. service:
 *   lookup(name) -> Deployment.functions entry | undefined
 *   invoke(principal, functionArn, payload, { type }) -> { statusCode, headers, body }
 */
export async function startInvokeApi({ credentials, region, service }) {
  const server = createServer(async (req, res) => {
    const send = ({ statusCode, headers, body }) => {
      res.writeHead(statusCode, headers);
      res.end(body);
    };
    try {
      const path = new URL(req.url, 'http://x').pathname;
      const match = routePattern.exec(path);
      const body = await readBody(req);
      if (req.method !== 'POST' || !match) return send(errorResponse(404, 'UnknownOperationException', `Unknown operation ${req.method} ${path}`));
      let caller;
      try {
        caller = verifyIncoming(req, body, credentials, { service: 'lambda', region });
      } catch (error) {
        if (error.name !== 'SignatureError') throw error;
        return send(errorResponse(error.status ?? 403, error.jsonCode ?? error.code, error.message));
      }
      const parsed = parseFunctionName(decodeURIComponent(match[1]));
      const fn = parsed && service.lookup(parsed.name);
      const qualifier = parsed?.qualifier ?? new URL(req.url, 'http://x').searchParams.get('Qualifier');
      if (!fn || (qualifier && qualifier !== '$LATEST')) {
        const arn = `arn:aws:lambda:${region}:${caller.roleArn.split(':')[4]}:function:${parsed?.name ?? match[1]}`;
        return send(errorResponse(404, 'ResourceNotFoundException', `Function not found: ${arn}${qualifier ? `:${qualifier}` : ''}`));
      }
      const type = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
      if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
        return send(errorResponse(400, 'InvalidParameterValueException', `Unsupported invocation type ${type}`));
      }
      const principal = { type: 'role', arn: caller.roleArn };
      return send(await service.invoke(principal, fn.arn, body, { type }));
    } catch (error) {
      send(errorResponse(500, 'ServiceException', String(error?.message ?? error)));
    }
  });
  // A synchronous invoke lasts as long as the function runs (up to 15 minutes): no server-side cut-off.
  server.requestTimeout = 0;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
