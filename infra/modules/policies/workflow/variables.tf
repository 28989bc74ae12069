variable "account_id" {
  type        = string
  description = "The 12-digit AWS account of the deployment (trust-policy source account)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "run_etl_function_arn" {
  type        = string
  description = "Unqualified ARN of the RunEtl function the state machine invokes."

  validation {
    condition     = can(regex("^arn:[a-z-]+:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+$", var.run_etl_function_arn))
    error_message = "run_etl_function_arn must be an unqualified Lambda function ARN."
  }
}

variable "alerts_topic_arn" {
  type        = string
  description = "ARN of the SNS topic the state machine publishes alerts to."

  validation {
    condition     = can(regex("^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alerts_topic_arn))
    error_message = "alerts_topic_arn must be an SNS topic ARN."
  }
}

variable "alerts_topic_kms_key_arn" {
  type        = string
  description = "The KMS key that encrypts the alerts topic: its key ARN, or its alias ARN (arn:...:alias/<name>), which grants the account's keys carrying that alias (kms:ResourceAliases) and is known before the key exists."

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$", var.alerts_topic_kms_key_arn))
    error_message = "alerts_topic_kms_key_arn must be a KMS key ARN or alias ARN."
  }
}

variable "tracing_enabled" {
  type        = bool
  description = "Whether the state machine sends X-Ray traces (adds the X-Ray statement)."
  default     = false
}
