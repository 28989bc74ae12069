namespace TransactionEtl.Testing.Faults;

/// <summary>
/// One row of the faults-and-concurrency table in docs/reliability.md: what the test does, what it asserts, and
/// the figures its run must reproduce (null where an older test does not report them).
/// </summary>
/// <param name="Id">Stable key the test reports its figures under.</param>
/// <param name="Scenario">The fault or load, in a few words.</param>
/// <param name="Done">How the test injects it.</param>
/// <param name="Asserts">What the test asserts.</param>
/// <param name="Test">The test's class and method (checked to exist).</param>
/// <param name="Files">Files (or deliveries) loaded.</param>
/// <param name="Rows">Data rows in those files.</param>
/// <param name="Faults">Faults injected.</param>
public sealed record FaultScenario(string Id, string Scenario, string Done, string Asserts, string Test, int? Files, long? Rows, int? Faults);
