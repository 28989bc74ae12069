// Lambda's Invoke API over HTTP (POST /2015-03-31/functions/{FunctionName}/invocations), as Step Functions
// and operators call it: SigV4-verified, recorded as lambda:InvokeFunction with the caller's role, answered
// with Lambda's status codes, headers and error bodies.

import { authenticate, listen } from '../aws/common.mjs';

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
 * Starts the listener. opts: the server options ({ credentials, region, now? }); service:
 *   lookup(name) -> Deployment.functions entry | undefined
 *   invoke(principal, functionArn, payload, { type }) -> { statusCode, headers, body }
 */
export async function startInvokeApi(opts, service) {
  const { region } = opts;
  async function handle(req, res) {
    const send = ({ statusCode, headers, body }) => {
      res.writeHead(statusCode, headers);
      res.end(body);
    };
    const path = new URL(req.url, 'http://x').pathname;
    const match = routePattern.exec(path);
    const who = await authenticate(req, opts, 'lambda');
    if (req.method !== 'POST' || !match) return send(errorResponse(404, 'UnknownOperationException', `Unknown operation ${req.method} ${path}`));
    if (who.error) return send(errorResponse(who.error.status ?? 403, who.error.jsonCode, who.error.message));
    const parsed = parseFunctionName(decodeURIComponent(match[1]));
    const fn = parsed && service.lookup(parsed.name);
    const qualifier = parsed?.qualifier ?? new URL(req.url, 'http://x').searchParams.get('Qualifier');
    if (!fn || (qualifier && qualifier !== '$LATEST')) {
      const arn = `arn:aws:lambda:${region}:${who.roleArn.split(':')[4]}:function:${parsed?.name ?? match[1]}`;
      return send(errorResponse(404, 'ResourceNotFoundException', `Function not found: ${arn}${qualifier ? `:${qualifier}` : ''}`));
    }
    const type = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
      return send(errorResponse(400, 'InvalidParameterValueException', `Unsupported invocation type ${type}`));
    }
    return send(await service.invoke(who.principal, fn.arn, who.body, { type }));
  }
  const http = await listen(handle);
  // A synchronous invoke lasts as long as the function runs (up to 15 minutes): no server-side cut-off.
  http.server.requestTimeout = 0;
  return { url: http.url, port: http.port, stop: http.stop };
}
