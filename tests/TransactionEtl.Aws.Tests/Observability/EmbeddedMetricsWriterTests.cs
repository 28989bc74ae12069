using System.Text.Json.Nodes;
using TransactionEtl.Aws.Observability;

namespace TransactionEtl.Aws.Tests.Observability;

public sealed class EmbeddedMetricsWriterTests
{
    [Fact]
    public void One_emf_line_per_file_with_the_eight_metrics_and_only_the_function_name_dimension()
    {
        var output = new StringWriter();
        var writer = new EmbeddedMetricsWriter(output, "txetl-run-etl", new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_123)));

        // 12 re-sent ids with other values: 5 rejected as key-conflict (in the 8 rejected), 7 updated (in the 990 loaded).
        writer.Write(new FileMetrics(1000, 990, 8, 2, 12, 7, 84213, 2150, "loaded_with_rejects", 42));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = JsonNode.Parse(Assert.Single(lines))!;
        var expected = JsonNode.Parse("""
            {
              "_aws": {
                "Timestamp": 1795000000123,
                "CloudWatchMetrics": [{
                  "Namespace": "TransactionEtl",
                  "Dimensions": [["FunctionName"]],
                  "Metrics": [
                    {"Name": "RowsTotal", "Unit": "Count"},
                    {"Name": "RowsLoaded", "Unit": "Count"},
                    {"Name": "RowsRejected", "Unit": "Count"},
                    {"Name": "RowsDuplicate", "Unit": "Count"},
                    {"Name": "RowsConflicting", "Unit": "Count"},
                    {"Name": "RowsUpdated", "Unit": "Count"},
                    {"Name": "Bytes", "Unit": "Bytes"},
                    {"Name": "DurationMs", "Unit": "Milliseconds"}
                  ]
                }]
              },
              "FunctionName": "txetl-run-etl",
              "RowsTotal": 1000, "RowsLoaded": 990, "RowsRejected": 8, "RowsDuplicate": 2,
              "RowsConflicting": 12, "RowsUpdated": 7, "Bytes": 84213, "DurationMs": 2150,
              "status": "loaded_with_rejects",
              "file_id": 42
            }
            """)!;
        Assert.True(JsonNode.DeepEquals(expected, line), line.ToJsonString());
    }

    [Fact]
    public void Every_metric_and_dimension_named_in_the_directive_is_a_top_level_member()
    {
        // CloudWatch drops an EMF line whose directive names a member the line lacks.
        var output = new StringWriter();
        new EmbeddedMetricsWriter(output, "f").Write(new FileMetrics(0, 0, 0, 0, 0, 0, 0, 0, "loaded", null));
        var line = JsonNode.Parse(output.ToString())!.AsObject();
        var directive = line["_aws"]!["CloudWatchMetrics"]![0]!;

        foreach (var metric in directive["Metrics"]!.AsArray())
        {
            Assert.True(line.ContainsKey((string)metric!["Name"]!));
        }
        foreach (var dimension in directive["Dimensions"]![0]!.AsArray())
        {
            Assert.True(line.ContainsKey((string)dimension!));
        }
        Assert.False(line.ContainsKey("file_id"));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
