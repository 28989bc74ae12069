variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. txetl-dev."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account (ARNs in the role policies)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "artifacts_dir" {
  type        = string
  description = "Directory holding start-workflow.zip, run-etl.zip, notify-chat.zip and migrate.zip (output of scripts/package-lambda.sh); relative paths are relative to the directory terraform runs in."
}

variable "architecture" {
  type        = string
  description = "CPU architecture of the packages: x86_64 (default build) or arm64 (about 20% cheaper per GB-second; needs the linux-arm64 AOT build)."
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "memory_mb" {
  type = object({
    start_workflow = optional(number, 256)
    run_etl        = optional(number, 1024)
    notify_chat    = optional(number, 256)
    migrate        = optional(number, 256)
  })
  description = "Memory per function in MB (CPU scales with it; RunEtl parses and copies, so it gets more)."
  default     = {}

  validation {
    condition     = alltrue([for m in values(var.memory_mb) : m >= 128 && m <= 10240 && floor(m) == m])
    error_message = "Each memory size must be a whole number between 128 and 10240 MB."
  }
}

variable "timeout_seconds" {
  type = object({
    start_workflow = optional(number, 30)
    run_etl        = optional(number, 900)
    notify_chat    = optional(number, 30)
    migrate        = optional(number, 300)
  })
  description = "Timeout per function in seconds."
  default     = {}

  validation {
    condition     = alltrue([for t in values(var.timeout_seconds) : t >= 3 && t <= 900 && floor(t) == t])
    error_message = "Each timeout must be a whole number between 3 and 900 seconds."
  }
}

variable "run_etl_reserved_concurrency" {
  type        = number
  description = "Reserved (and maximum) concurrent RunEtl executions: the database connection budget, one connection each."
  default     = 5

  validation {
    condition     = var.run_etl_reserved_concurrency >= 1 && var.run_etl_reserved_concurrency <= 100 && floor(var.run_etl_reserved_concurrency) == var.run_etl_reserved_concurrency
    error_message = "run_etl_reserved_concurrency must be a whole number between 1 and 100."
  }
}

variable "run_etl_timeout_margin_ms" {
  type        = number
  description = "RunEtl stops (rolls back, records failed) this many milliseconds before the Lambda deadline (TXETL_TIMEOUT_MARGIN_MS)."
  default     = 15000

  validation {
    condition     = var.run_etl_timeout_margin_ms >= 1000 && var.run_etl_timeout_margin_ms <= 120000 && floor(var.run_etl_timeout_margin_ms) == var.run_etl_timeout_margin_ms
    error_message = "run_etl_timeout_margin_ms must be a whole number between 1000 and 120000."
  }
}

variable "log_level" {
  type        = string
  description = "Minimum log level of all functions (TXETL_LOG_LEVEL)."
  default     = "Information"

  validation {
    condition     = contains(["Trace", "Debug", "Information", "Warning", "Error", "Critical"], var.log_level)
    error_message = "log_level must be Trace, Debug, Information, Warning, Error or Critical."
  }
}

variable "file_events_queue_arn" {
  type        = string
  description = "ARN of the queue of S3 new-file events StartWorkflow polls (the storage module's <name_prefix>-file-events)."

  validation {
    condition     = can(regex("^arn:[a-z-]+:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.file_events_queue_arn))
    error_message = "file_events_queue_arn must be an SQS queue ARN."
  }
}

variable "start_workflow_max_concurrency" {
  type        = number
  description = "Most concurrent StartWorkflow invocations the queue poller makes (2, the minimum, is plenty: each starts executions in milliseconds)."
  default     = 2

  validation {
    condition     = var.start_workflow_max_concurrency >= 2 && var.start_workflow_max_concurrency <= 1000 && floor(var.start_workflow_max_concurrency) == var.start_workflow_max_concurrency
    error_message = "start_workflow_max_concurrency must be a whole number between 2 and 1000."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the functions' log groups."
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets RunEtl and Migrate run in."

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two subnets (two AZs)."
  }
}

variable "security_group_id" {
  type        = string
  description = "Security group of RunEtl and Migrate (egress to the database and the endpoints)."
}

variable "state_machine_name" {
  type        = string
  description = "Name of the ETL state machine StartWorkflow starts (its ARN is derived from it)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.state_machine_name))
    error_message = "state_machine_name must be 1-80 letters, digits, hyphens or underscores."
  }
}

variable "bucket_arn" {
  type        = string
  description = "ARN of the drop bucket."
}

variable "bucket_kms_key_alias" {
  type        = string
  description = "Alias of the drop bucket's KMS key (alias/<prefix>-drop)."
}

variable "incoming_prefix" {
  type        = string
  description = "Key prefix RunEtl reads from."
  default     = "incoming/"
}

variable "contracts" {
  type        = map(string)
  description = "Which contract loads which key prefix (TXETL_CONTRACTS): prefix under incoming_prefix => contract object key under contracts/ (its rule files beside it), or builtin:transactions.contract.json. The longest matching prefix decides; a key under no prefix is rejected as no-contract."
  default     = { "incoming/" = "builtin:transactions.contract.json" }

  validation {
    condition     = length(var.contracts) > 0
    error_message = "contracts must map at least one prefix, or every file would be rejected."
  }

  # The bucket notification covers incoming_prefix only: a mapped prefix elsewhere would never see a file.
  validation {
    condition     = alltrue([for p in keys(var.contracts) : startswith(p, var.incoming_prefix)])
    error_message = "Every prefix of contracts must start with incoming_prefix (${var.incoming_prefix}): ${jsonencode([for p in keys(var.contracts) : p if !startswith(p, var.incoming_prefix)])}."
  }

  # RunEtl's role may read contracts/* only.
  validation {
    condition     = alltrue([for c in values(var.contracts) : c == "builtin:transactions.contract.json" || can(regex("^contracts/.*[^/]$", c))])
    error_message = "Every contract must be an object key under contracts/ (such as contracts/orders.contract.json) or builtin:transactions.contract.json."
  }
}

variable "reports_prefix" {
  type        = string
  description = "Key prefix RunEtl writes reports to (must match ReportLocation.Prefix in the code: reports/)."
  default     = "reports/"
}

variable "backfill_results_prefix" {
  type        = string
  description = "Key prefix (no trailing slash) of the backfill's Map Run results RunEtl counts (mode backfill-summary); null without a backfill."
  default     = null
}

variable "db_root_cert_path" {
  type        = string
  description = "Path of the RDS root certificate bundle (AWS's global-bundle.pem) packaged with the function, for SSL Mode=VerifyFull (TXETL_DB_ROOT_CERT)."
  default     = "/var/task/global-bundle.pem"

  validation {
    condition     = startswith(var.db_root_cert_path, "/")
    error_message = "db_root_cert_path must be an absolute path."
  }
}

variable "loader_secret" {
  type = object({
    arn                 = string
    name                = optional(string)
    rds_db_instance_arn = optional(string)
    kms_key_alias       = string
  })
  description = "Secret of the loader login role: its ARN (environment), name (role policy: name-??????) and key alias."
}

variable "master_secret" {
  type = object({
    arn                 = string
    name                = optional(string)
    rds_db_instance_arn = optional(string)
    kms_key_alias       = string
  })
  description = "RDS-managed master secret (the migrate function only): its ARN (environment), the DB instance ARN its aws:rds:primaryDBInstanceArn tag holds (role policy) and key alias."
}

variable "webhook_secret" {
  type = object({
    arn                 = string
    name                = optional(string)
    rds_db_instance_arn = optional(string)
    kms_key_alias       = string
  })
  description = "Secret holding NotifyChat's webhook URLs: ARN, name and key alias."
}
