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
  description = "Name of the backfill state machine."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.state_machine_name))
    error_message = "state_machine_name must be 1-80 letters, digits, hyphens or underscores."
  }
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "definition_path" {
  type        = string
  description = "Path of statemachine/batch.asl.json (placeholders: run_etl_function_arn, alerts_topic_arn, max_concurrency, tolerated_failure_percentage, results_prefix, execution_timeout_seconds)."

  validation {
    condition     = endswith(var.definition_path, ".json")
    error_message = "definition_path must point at a .json ASL file."
  }
}

variable "run_etl_function_arn" {
  type        = string
  description = "Unqualified ARN of RunEtl, formed from its name (known at plan time)."

  validation {
    condition     = can(regex("^arn:[a-z-]+:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+$", var.run_etl_function_arn))
    error_message = "run_etl_function_arn must be an unqualified Lambda function ARN."
  }
}

variable "alerts_topic_arn" {
  type        = string
  description = "ARN of the alerts topic, formed from its name."
}

variable "alerts_topic_kms_key_arn" {
  type        = string
  description = "ARN (key or alias) of the alerts topic's KMS key."
}

variable "bucket_arn" {
  type        = string
  description = "ARN of the drop bucket the backfill lists and writes its results to (formed from its name)."
}

variable "bucket_kms_key_alias" {
  type        = string
  description = "Alias (alias/<name>) of the bucket's KMS key."
}

variable "listing_prefix" {
  type        = string
  description = "The role may list only prefixes under this one (RunEtl reads only incoming/ too)."
  default     = "incoming/"
}

variable "results_prefix" {
  type        = string
  description = "Key prefix of the Map Run results (ResultWriter), without trailing slash; under reports/ so the reports lifecycle expires them."
  default     = "reports/backfill"

  validation {
    condition     = !endswith(var.results_prefix, "/") && !startswith(var.results_prefix, "incoming/")
    error_message = "results_prefix must not end with / and must not be under incoming/ (results would be loaded as files)."
  }
}

variable "max_concurrency" {
  type        = number
  description = "MaxConcurrency of the Map: child executions at once. Pass RunEtl's reserved concurrency, the database connection budget the per-file path uses too."

  validation {
    condition     = var.max_concurrency >= 1 && floor(var.max_concurrency) == var.max_concurrency
    error_message = "max_concurrency must be a whole number of at least 1 (0 would mean unbounded)."
  }
}

variable "tolerated_failure_percentage" {
  type        = number
  description = "Percentage of failed files above which the Map Run stops starting new ones and the backfill fails (each failed file alerts on its own either way)."
  default     = 10

  validation {
    condition     = var.tolerated_failure_percentage >= 0 && var.tolerated_failure_percentage <= 100
    error_message = "tolerated_failure_percentage must be between 0 and 100."
  }
}

variable "execution_timeout_seconds" {
  type        = number
  description = "TimeoutSeconds of a backfill execution (default 7 days)."
  default     = 604800

  validation {
    condition     = var.execution_timeout_seconds == floor(var.execution_timeout_seconds) && var.execution_timeout_seconds >= 3600 && var.execution_timeout_seconds <= 31536000
    error_message = "execution_timeout_seconds must be a whole number of seconds from 3600 to 31536000 (a year, Standard's limit)."
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

variable "log_retention_days" {
  type        = number
  description = "Retention of the execution log group (a value CloudWatch Logs accepts)."
  default     = 30
}

variable "tracing_enabled" {
  type        = bool
  description = "Send X-Ray traces of executions."
  default     = false
}
