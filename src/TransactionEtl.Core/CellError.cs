namespace TransactionEtl.Core;

/// <summary>One reason a row was rejected.</summary>
/// <param name="Column">The column (contract field name), or null for a row-level problem.</param>
/// <param name="Code">A Frictionless-style code: missing-cell, extra-cell, type-error, constraint-error, primary-key, no-tax-rule, ...</param>
/// <param name="Message">A sentence naming what was wrong and what was expected.</param>
/// <param name="Value">The offending value as written, or null.</param>
public sealed record CellError(string? Column, string Code, string Message, string? Value);
