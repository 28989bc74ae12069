# Failure alerts for what the definition does not alert on itself. An error RunEtl throws after its
# retries fails the execution at RunEtl (no Catch, so that a redrive re-runs the load); an execution
# can also time out (TimeoutSeconds) or be stopped. Step Functions sends each status change of a
# Standard execution to the default event bus; this rule forwards those FAILED, TIMED_OUT and ABORTED
# changes, whole, to the alerts topic (NotifyChat reads the event as it is).
locals {
  failure_rule_name = "${var.name_prefix}-etl-failed"
  # Default event bus rules are named rule/<name>; formed here so the topic policy can name it at plan time.
  failure_rule_arn = "arn:${data.aws_partition.current.partition}:events:${data.aws_region.current.name}:${var.account_id}:rule/${local.failure_rule_name}"

  # A file rendered by templatefile(), like the definition, so tests/statemachine matches the same
  # pattern against the executions' status-change events. TIMED_OUT and ABORTED events carry no error
  # of the definition (often no error field at all, or null), so they match on status alone. A FAILED
  # event matches unless its error is one of the definition's own Fail states, which published a
  # detailed alert first (rejects, summary): anything-but also matches a null error, exists false a
  # missing one.
  failure_event_pattern = jsondecode(templatefile("${path.module}/failure-event-pattern.json", {
    state_machine_arn = local.state_machine_arn
  }))
}

resource "aws_cloudwatch_event_rule" "this" {
  name          = local.failure_rule_name
  description   = "Executions of ${var.state_machine_name} that failed (other than rejected or load-failed files), timed out or were stopped"
  event_pattern = jsonencode(local.failure_event_pattern)
}

# The whole event is the message (no input transformer): execution ARN, status, error, cause and the
# input with the file's bucket and key. Delivery is allowed by the topic policy (aws:SourceArn = this rule).
resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "alerts-topic"
  arn       = var.alerts_topic_arn
}
