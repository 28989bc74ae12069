// A RunEtl override for the chunked path's local tests (chunked.test.mjs). It answers by the payload's mode,
// as the real function does (src/TransactionEtl.Aws/RunEtl/RunEtlHandler.Chunked.cs): plan returns a ticket and
// one item per chunk plus one hash item, chunk and hash return what the real modes return, commit returns a
// summary. Chunk outcomes are scripted per chunk index and attempt, since the Map runs items concurrently and
// the order of calls is not fixed. Calls without a mode are the single-stream load.

import { LambdaFunctionError } from './harness.mjs';
import { lambdaInvokeResult, summary as defaultSummary } from './run-etl.mjs';

/** The ticket a plan returns (ChunkedLoader's ticket, serialized; only its size matters to the definition). */
export function ticket(chunks) {
  return { file_id: 42, attempt: 1, work_table: 'txetl_work.f42_a1', chunks, source: 's3://txetl-landing/incoming/big.csv', contract_sha256: 'c'.repeat(64) };
}

/** What mode chunk returns for one chunk: its counts, reasons and line breaks (the commit reads them from the database). */
export function chunkResult(index) {
  return {
    chunk_index: index, start: index * 268435456, length: 268435456, line_breaks: 3158000, rows_total: 3158000, rows_valid: 3157990,
    rows_rejected: 10, reject_reasons: { 'type-error': 7, 'no-tax-rule': 3 }, warnings: [], error: null, duration_ms: 61234,
  };
}

/**
 * @param {object} options
 * @param {number} options.chunks how many chunks the plan returns
 * @param {object} [options.plan] the whole plan answer instead (e.g. { path: 'single' })
 * @param {(index: number, attempt: number) => ({errorType: string, errorMessage: string} | undefined)} [options.chunkError]
 *   the error chunk `index` throws on its `attempt`-th call (1-based), if any
 * @param {object} [options.commit] the summary commit returns
 * @param {object} [options.single] the summary the single-stream load returns
 */
export function chunkedRunEtl({ chunks, plan, chunkError = () => undefined, commit = defaultSummary({ file: 's3://txetl-landing/incoming/big.csv' }), single = defaultSummary() }) {
  const calls = [];
  const attempts = new Map();
  let inFlight = 0;
  const override = async (params) => {
    calls.push(params);
    const p = params.Payload;
    switch (p.mode) {
      case undefined:
        return lambdaInvokeResult(single);
      case 'plan': {
        const items = [{ mode: 'hash', chunkIndex: null }, ...Array.from({ length: chunks }, (_, i) => ({ mode: 'chunk', chunkIndex: i }))];
        return lambdaInvokeResult(plan ?? { path: 'chunked', chunks, ticket: ticket(chunks), items });
      }
      case 'chunk':
      case 'hash': {
        const key = p.mode === 'hash' ? 'hash' : p.chunkIndex;
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        inFlight += 1;
        override.maxInFlight = Math.max(override.maxInFlight, inFlight);
        try {
          // Yield so that items the Map runs together overlap here, as concurrent invocations would.
          await new Promise((resolve) => setImmediate(resolve));
          const error = p.mode === 'chunk' ? chunkError(p.chunkIndex, attempt) : undefined;
          if (error) throw new LambdaFunctionError(error.errorType, error.errorMessage);
          return lambdaInvokeResult(p.mode === 'hash' ? { sha256: 'b'.repeat(64), bytes: 1234 } : chunkResult(p.chunkIndex));
        } finally {
          inFlight -= 1;
          override.finished.push(key);
        }
      }
      case 'commit':
        override.finishedBeforeCommit = [...override.finished];
        return lambdaInvokeResult(commit);
      default:
        throw new Error(`chunkedRunEtl: unexpected mode ${p.mode}`);
    }
  };
  override.calls = calls;
  override.finished = [];
  override.maxInFlight = 0;
  override.byMode = (mode) => calls.filter((c) => c.Payload.mode === mode);
  return override;
}
