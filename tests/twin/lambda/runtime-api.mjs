// The Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) on loopback: one
// listener per function, serving all of its execution environments.
//
// Each environment gets AWS_LAMBDA_RUNTIME_API = `127.0.0.1:<port>/env/<id>`. The bootstrap builds its URLs
// as `http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/...` (LambdaRuntimeClient), so the path prefix
// tells the listener which environment is asking: that is how a crash fails exactly the invocation that
// environment held, as Lambda does, while all environments share one port.

import { createServer } from 'node:http';

const apiVersion = '2018-06-01';
const routePattern = /^\/env\/([^/]+)\/2018-06-01\/runtime\/(.+)$/;

function reply(res, status, doc) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(doc));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The headers Lambda sends with an event on /invocation/next. */
export function nextHeaders({ requestId, deadlineMs, functionArn, traceId }) {
  const headers = {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Aws-Request-Id': requestId,
    'Lambda-Runtime-Deadline-Ms': String(deadlineMs),
    'Lambda-Runtime-Invoked-Function-Arn': functionArn,
  };
  if (traceId) headers['Lambda-Runtime-Trace-Id'] = traceId;
  return headers;
}

/**
 * Starts the listener. handlers:
 *   next(envId, signal)   -> Promise<{ requestId, deadlineMs, functionArn, traceId, body } | null>
 *                            (null: the environment is gone; the connection is dropped)
 *   report(envId, report) -> true when accepted, false for an unknown/answered request id;
 *                            report = { kind: 'response'|'error'|'init-error', requestId, body, errorType }
 * Returns { hostPort, runtimeApi(envId), stop() }.
 */
export async function startRuntimeApi(handlers) {
  const server = createServer(async (req, res) => {
    const match = routePattern.exec(new URL(req.url, 'http://x').pathname);
    if (!match) return reply(res, 404, { errorType: 'NotFound', errorMessage: `unknown path ${req.url}` });
    const [, envId, rest] = match;
    try {
      if (req.method === 'GET' && rest === 'invocation/next') return await serveNext(envId, req, res);
      if (req.method !== 'POST') return reply(res, 405, { errorType: 'MethodNotAllowed', errorMessage: 'POST expected' });
      const body = await readBody(req);
      const errorType = req.headers['lambda-runtime-function-error-type'];
      if (rest === 'init/error') {
        handlers.report(envId, { kind: 'init-error', requestId: null, body, errorType });
        return reply(res, 202, { status: 'OK' });
      }
      const parts = rest.split('/');
      if (parts.length === 3 && parts[0] === 'invocation' && (parts[2] === 'response' || parts[2] === 'error')) {
        const requestId = decodeURIComponent(parts[1]);
        const accepted = handlers.report(envId, { kind: parts[2], requestId, body, errorType });
        // The real Runtime API refuses reports for unknown or already-answered request ids.
        if (!accepted) return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `unknown request id ${requestId}` });
        return reply(res, 202, { status: 'OK' });
      }
      return reply(res, 404, { errorType: 'NotFound', errorMessage: `unknown path ${req.url}` });
    } catch (error) {
      if (!res.headersSent) reply(res, 500, { errorType: 'ServiceException', errorMessage: String(error?.message ?? error) });
    }
  });

  async function serveNext(envId, req, res) {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const event = await handlers.next(envId, abort.signal);
    if (!event) {
      res.destroy();
      return;
    }
    res.writeHead(200, nextHeaders(event));
    res.end(event.body);
  }

  // /next blocks for as long as no event comes: no request or keep-alive timeouts on this listener.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 0;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const hostPort = `127.0.0.1:${server.address().port}`;
  return {
    hostPort,
    apiVersion,
    runtimeApi: (envId) => `${hostPort}/env/${envId}`,
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
