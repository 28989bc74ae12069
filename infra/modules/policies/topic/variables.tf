variable "topic_arn" {
  type        = string
  description = "ARN of the SNS topic the policy protects."

  validation {
    condition     = can(regex("^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN."
  }
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account of the topic (aws:SourceAccount of the publishing services)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "event_rule_arns" {
  type        = list(string)
  description = "EventBridge rules that may publish to the topic (the execution-failure rule)."

  validation {
    condition     = length(var.event_rule_arns) > 0 && alltrue([for a in var.event_rule_arns : can(regex("^arn:[a-z-]+:events:[a-z0-9-]+:[0-9]{12}:rule/[A-Za-z0-9._-]+$", a))])
    error_message = "event_rule_arns must list EventBridge rule ARNs (default event bus)."
  }
}

variable "alarm_arn_pattern" {
  type        = string
  description = "ARN pattern of the CloudWatch alarms that may publish, e.g. arn:aws:cloudwatch:eu-central-1:123456789012:alarm:txetl-dev-*."

  validation {
    condition     = can(regex("^arn:[a-z-]+:cloudwatch:[a-z0-9-]+:[0-9]{12}:alarm:[A-Za-z0-9._-]+\\*?$", var.alarm_arn_pattern))
    error_message = "alarm_arn_pattern must be a CloudWatch alarm ARN, optionally ending in *."
  }
}
