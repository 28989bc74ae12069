# Data-only module: the state machine role's trust and permission policies.

locals {
  key_parts      = regex("^(arn:[^:]+:kms:[^:]+:[0-9]+:)(key|alias)/(.+)$", var.alerts_topic_kms_key_arn)
  key_arn_prefix = local.key_parts[0]
  key_alias      = local.key_parts[1] == "alias" ? "alias/${local.key_parts[2]}" : null
}

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "StepFunctionsAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }

    # Confused-deputy guard: only state machines of this account may use the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

data "aws_iam_policy_document" "this" {
  # The lambda:invoke integration may call a version or alias of the function, hence ":*".
  statement {
    sid       = "InvokeRunEtl"
    effect    = "Allow"
    actions   = ["lambda:InvokeFunction"]
    resources = [var.run_etl_function_arn, "${var.run_etl_function_arn}:*"]
  }

  statement {
    sid       = "PublishAlerts"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = [var.alerts_topic_arn]
  }

  # Publishing to a KMS-encrypted topic needs a data key from the topic's key. Given an alias ARN,
  # the grant is on the account's keys that carry the alias.
  statement {
    sid       = "UseAlertsTopicKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [local.key_alias == null ? var.alerts_topic_kms_key_arn : "${local.key_arn_prefix}key/*"]

    dynamic "condition" {
      for_each = local.key_alias == null ? [] : [local.key_alias]
      content {
        test     = "ForAnyValue:StringEquals"
        variable = "kms:ResourceAliases"
        values   = [condition.value]
      }
    }
  }

  # CloudWatch Logs vended-log delivery: these actions do not support resource-level permissions,
  # AWS documents "*" as the required resource. The tests allow exactly this statement to use "*".
  statement {
    sid    = "DeliverExecutionLogs"
    effect = "Allow"
    actions = [
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:DescribeLogGroups",
      "logs:DescribeResourcePolicies",
      "logs:GetLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:UpdateLogDelivery",
    ]
    resources = ["*"]
  }

  # X-Ray trace submission has no resource-level permissions; AWS requires "*".
  dynamic "statement" {
    for_each = var.tracing_enabled ? { WriteTraces = true } : {}
    content {
      sid    = statement.key
      effect = "Allow"
      actions = [
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
      ]
      resources = ["*"]
    }
  }
}
