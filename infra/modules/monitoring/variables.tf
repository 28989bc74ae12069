variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. txetl-dev."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "alerts_topic_arn" {
  type        = string
  description = "SNS topic every alarm notifies (ALARM and OK)."
}

variable "state_machine_arn" {
  type        = string
  description = "ARN of the ETL state machine."
}

variable "run_etl_function_name" {
  type        = string
  description = "Name of the RunEtl function (also the FunctionName dimension of its EMF metrics)."
}

variable "file_events_dlq_name" {
  type        = string
  description = "Name of the file-events dead-letter queue (events StartWorkflow kept failing on)."
}

variable "notify_chat_failures_queue_name" {
  type        = string
  description = "Name of NotifyChat's on-failure queue."
}

variable "notify_chat_log_group_name" {
  type        = string
  description = "Log group of the NotifyChat function; its ChatFailed and ChatPartlyDelivered lines are counted."
}

variable "db_instance_id" {
  type        = string
  description = "RDS instance identifier."
}

variable "metrics_namespace" {
  type        = string
  description = "CloudWatch namespace of RunEtl's EMF metrics."
  default     = "TransactionEtl"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be a custom CloudWatch namespace (not AWS/...)."
  }
}

variable "run_etl_throttles_threshold" {
  type        = number
  description = "Throttled RunEtl invocations per 5 minutes that raise the alarm (the state machine retries them)."
  default     = 1

  validation {
    condition     = var.run_etl_throttles_threshold >= 1
    error_message = "run_etl_throttles_threshold must be at least 1."
  }
}

variable "db_cpu_threshold_percent" {
  type        = number
  description = "Average database CPU (percent) over 15 minutes that raises the alarm."
  default     = 80

  validation {
    condition     = var.db_cpu_threshold_percent > 0 && var.db_cpu_threshold_percent < 100
    error_message = "db_cpu_threshold_percent must be between 0 and 100."
  }
}

variable "db_free_storage_threshold_bytes" {
  type        = number
  description = "Free database storage (bytes) below which the alarm is raised."
  default     = 2147483648

  validation {
    condition     = var.db_free_storage_threshold_bytes > 0
    error_message = "db_free_storage_threshold_bytes must be positive."
  }
}

variable "db_connections_threshold" {
  type        = number
  description = "Database connections above which the alarm is raised (RunEtl's reserved concurrency is the expected maximum)."

  validation {
    condition     = var.db_connections_threshold >= 1
    error_message = "db_connections_threshold must be at least 1."
  }
}
