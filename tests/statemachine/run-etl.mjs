// RunEtl overrides for the local execution tests. Each one has the lambda:invoke shape: it receives the
// task's rendered Parameters ({ FunctionName, Payload }) and returns { Payload, StatusCode } or throws a
// LambdaFunctionError.
//
// scriptedRunEtl plays back recorded outcomes of RunEtl, one per call, for the wiring tests
// (wiring.test.mjs: exact payloads, retry counts, outcomes that are hard to provoke for real). The outcomes
// are the summaries the spec defines plus the report URIs RunEtl adds. The real override, which runs
// `txetl lambda invoke run-etl --event=-`, has the same signature (real-run-etl.mjs, scenarios.test.mjs).

import { LambdaFunctionError } from './harness.mjs';

export function lambdaInvokeResult(summary) {
  return {
    ExecutedVersion: '$LATEST',
    Payload: summary,
    SdkHttpMetadata: { HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: '00000000-0000-0000-0000-000000000000' },
    StatusCode: 200,
  };
}

/**
 * @param {Array<{summary: object} | {error: {errorType: string, errorMessage: string}}>} outcomes
 *   what RunEtl answers on the 1st, 2nd, ... call; more calls than outcomes fail the test.
 */
export function scriptedRunEtl(outcomes) {
  const calls = [];
  const override = async (params) => {
    calls.push(params);
    const outcome = outcomes[calls.length - 1];
    if (!outcome) throw new Error(`scriptedRunEtl: call ${calls.length} has no recorded outcome`);
    if (outcome.error) throw new LambdaFunctionError(outcome.error.errorType, outcome.error.errorMessage);
    return lambdaInvokeResult(outcome.summary);
  };
  override.calls = calls;
  return override;
}

export function summary(overrides) {
  return {
    file: 'transactions-2026-11-26.csv',
    file_id: 42,
    status: 'loaded',
    rows_total: 1000,
    rows_loaded: 1000,
    rows_rejected: 0,
    rows_duplicate: 0,
    rows_conflicting: 0,
    rows_updated: 0,
    blank_lines: 0,
    reject_reasons: {},
    warnings: [],
    sha256: 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c',
    duration_ms: 2150,
    reports: {
      rejects_csv: 's3://txetl-landing/reports/incoming-transactions-2026-11-26.csv-0123456789abcdef/rejects.csv',
      summary_json: 's3://txetl-landing/reports/incoming-transactions-2026-11-26.csv-0123456789abcdef/summary.json',
    },
    ...overrides,
  };
}
