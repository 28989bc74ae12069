variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. txetl-dev."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "state_machine_name" {
  type        = string
  description = "Name of the state machine (StartWorkflow derives its ARN from it)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.state_machine_name))
    error_message = "state_machine_name must be 1-80 letters, digits, hyphens or underscores."
  }
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account (trust-policy condition)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "definition_path" {
  type        = string
  description = "Path of the ASL definition with $${run_etl_function_arn}, $${alerts_topic_arn}, $${notify_on_success}, $${execution_timeout_seconds}, $${chunked_threshold_bytes}, $${chunk_bytes} and $${chunk_max_concurrency} placeholders."

  validation {
    condition     = endswith(var.definition_path, ".json")
    error_message = "definition_path must point at a .json ASL file."
  }
}

variable "run_etl_function_arn" {
  type        = string
  description = "Unqualified ARN of the RunEtl function. Must be known at plan time, so pass the ARN formed from the function name (arn:<partition>:lambda:<region>:<account>:function:<prefix>-run-etl), not the function resource's arn: it is rendered into the definition and the role policy, which the plan then shows whole."

  validation {
    condition     = can(regex("^arn:[a-z-]+:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+$", var.run_etl_function_arn))
    error_message = "run_etl_function_arn must be an unqualified Lambda function ARN."
  }
}

variable "alerts_topic_arn" {
  type        = string
  description = "ARN of the SNS topic alerts are published to (the definition's alerts and the failure rule's target). Must be known at plan time: pass the ARN formed from the topic name."

  validation {
    condition     = can(regex("^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alerts_topic_arn))
    error_message = "alerts_topic_arn must be an SNS topic ARN."
  }
}

variable "alerts_topic_kms_key_arn" {
  type        = string
  description = "ARN of the KMS key of the alerts topic."
}

variable "notify_on_success" {
  type        = bool
  description = "Publish an info alert for files loaded without rejects too."
  default     = false
}

variable "execution_timeout_seconds" {
  type        = number
  description = "TimeoutSeconds of every execution: how long a file may wait for a RunEtl slot and load before the execution ends TIMED_OUT (alerted by the failure rule, redrivable). The throttling retry outlasts it. At most 2 days: a throttled execution writes about 3 history events per attempt (one every 30 s on average), and Step Functions ends an execution at 25,000."
  default     = 86400

  validation {
    condition     = var.execution_timeout_seconds == floor(var.execution_timeout_seconds) && var.execution_timeout_seconds >= 3600 && var.execution_timeout_seconds <= 172800
    error_message = "execution_timeout_seconds must be a whole number of seconds from 3600 (1 hour) to 172800 (2 days)."
  }
}

variable "chunked_threshold_bytes" {
  type        = number
  description = "Objects of at least this many bytes (the event's size) take the chunked path: planned into chunks that load in parallel RunEtl invocations and commit as one (docs/operations.md). Smaller objects load in one RunEtl invocation as before. Default 1 GiB, the size from which one invocation's 15 minutes and one core start to bind."
  default     = 1073741824

  validation {
    condition     = var.chunked_threshold_bytes == floor(var.chunked_threshold_bytes) && var.chunked_threshold_bytes >= 1048576
    error_message = "chunked_threshold_bytes must be a whole number of bytes, at least 1 MiB (1048576)."
  }
}

variable "chunk_bytes" {
  type        = number
  description = "Target size of one chunk of the chunked path; a chunk ends at the next record boundary after it. The plan raises it when an object would need more than 500 chunks (history and payload limits). One chunk is one RunEtl invocation, so it must load well within the 15-minute Lambda limit: at most 2 GiB."
  default     = 268435456

  validation {
    condition     = var.chunk_bytes == floor(var.chunk_bytes) && var.chunk_bytes >= 16777216 && var.chunk_bytes <= 2147483648
    error_message = "chunk_bytes must be a whole number of bytes from 16 MiB (16777216) to 2 GiB (2147483648)."
  }
}

variable "chunk_max_concurrency" {
  type        = number
  description = "MaxConcurrency of the chunked path's inline Map: chunk invocations of one file at once. Each holds one database connection, so pass RunEtl's reserved concurrency (the connection budget), capped at 40, the most an inline Map runs at once."
  default     = 5

  validation {
    condition     = var.chunk_max_concurrency == floor(var.chunk_max_concurrency) && var.chunk_max_concurrency >= 1 && var.chunk_max_concurrency <= 40
    error_message = "chunk_max_concurrency must be a whole number from 1 to 40 (an inline Map runs at most 40 iterations at once)."
  }
}

variable "log_level" {
  type        = string
  description = "Execution log level: ALL, ERROR, FATAL or OFF."
  default     = "ERROR"

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL", "OFF"], var.log_level)
    error_message = "log_level must be ALL, ERROR, FATAL or OFF."
  }
}

variable "log_execution_data" {
  type        = bool
  description = "Include state input/output in the logs (only S3 pointers and counts, never rows)."
  default     = false
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the execution log group."
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "tracing_enabled" {
  type        = bool
  description = "Send X-Ray traces of executions."
  default     = false
}
