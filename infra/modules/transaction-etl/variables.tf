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
  description = "The 12-digit AWS account deployed to."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 range of the VPC."
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  type        = list(string)
  description = "Two or more availability zones for the private subnets."
}

variable "interface_endpoint_services" {
  type        = set(string)
  description = "Interface endpoints for RunEtl and Migrate (secretsmanager required)."
  default     = ["secretsmanager"]
}

variable "lambda_artifacts_dir" {
  type        = string
  description = "Directory with start-workflow.zip, run-etl.zip, notify-chat.zip, migrate.zip (bash scripts/package-lambda.sh)."
}

variable "lambda_architecture" {
  type        = string
  description = "x86_64 or arm64; must match the packages."
  default     = "x86_64"
}

variable "lambda_memory_mb" {
  type = object({
    start_workflow = optional(number, 256)
    run_etl        = optional(number, 1024)
    notify_chat    = optional(number, 256)
    migrate        = optional(number, 256)
  })
  description = "Memory per function in MB."
  default     = {}
}

variable "lambda_timeout_seconds" {
  type = object({
    start_workflow = optional(number, 30)
    run_etl        = optional(number, 900)
    notify_chat    = optional(number, 30)
    migrate        = optional(number, 300)
  })
  description = "Timeout per function in seconds."
  default     = {}
}

variable "run_etl_reserved_concurrency" {
  type        = number
  description = "Reserved concurrency of RunEtl: one database connection each, so it must leave 1 (migrate) + 5 (operators) of db_max_connections."
  default     = 5

  validation {
    condition     = var.run_etl_reserved_concurrency + 1 + 5 <= var.db_max_connections
    error_message = "run_etl_reserved_concurrency + 1 (migrate) + 5 (operators) must not exceed db_max_connections, or loads fail for want of connections."
  }
}

variable "chunked_threshold_bytes" {
  type        = number
  description = "Objects of at least this many bytes load on the workflow's chunked path (parallel chunks committed as one); smaller ones in one RunEtl invocation. Checked by the workflow module."
  default     = 1073741824
}

variable "chunk_bytes" {
  type        = number
  description = "Target chunk size of the chunked path (16 MiB to 2 GiB). Checked by the workflow module."
  default     = 268435456
}

variable "run_etl_timeout_margin_ms" {
  type        = number
  description = "Milliseconds before the Lambda deadline at which RunEtl stops cleanly."
  default     = 15000
}

variable "contracts" {
  type        = map(string)
  description = "Which contract loads which key prefix: prefix under incoming/ => contract object key under contracts/ (upload it, and the rule files it names, before files arrive), or builtin:transactions.contract.json. The longest matching prefix decides; a file under no prefix is rejected (no-contract) and alerted. Checked by the functions module."
  default     = { "incoming/" = "builtin:transactions.contract.json" }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of all log groups."
  default     = 30
}

variable "state_machine_definition_path" {
  type        = string
  description = "Path of the ASL file rendered into the state machine (statemachine/etl.asl.json)."
}

variable "notify_on_success" {
  type        = bool
  description = "Publish an alert for clean loads too."
  default     = false
}

variable "state_machine_log_level" {
  type        = string
  description = "Step Functions log level (ALL, ERROR, FATAL, OFF)."
  default     = "ERROR"
}

variable "tracing_enabled" {
  type        = bool
  description = "X-Ray tracing of executions."
  default     = false
}

variable "db_engine_version" {
  type        = string
  description = "PostgreSQL version (16 or newer)."
  default     = "17"
}

variable "db_instance_class" {
  type        = string
  description = "RDS instance class."
  default     = "db.t4g.micro"
}

variable "db_allocated_storage_gb" {
  type        = number
  description = "Initial database storage in GiB."
  default     = 20
}

variable "db_loader_username" {
  type        = string
  description = "Login role the ETL loads with (never the group role txetl_loader; validated in the database module)."
  default     = "txetl_etl"
}

variable "db_loader_password_version" {
  type        = number
  description = "Version of the loader password; raise by one to rotate it (docs/deploy.md)."
  default     = 1
}

variable "db_max_connections" {
  type        = number
  description = "max_connections of the database (its parameter group): the connection budget RunEtl's concurrency is checked against."
  default     = 50
}

variable "db_max_allocated_storage_gb" {
  type        = number
  description = "Storage autoscaling ceiling in GiB: 0 (off) or at least 10% above db_allocated_storage_gb."
  default     = 100
}

variable "db_multi_az" {
  type        = bool
  description = "Multi-AZ standby."
  default     = false
}

variable "db_deletion_protection" {
  type        = bool
  description = "Deletion protection of the database."
  default     = true
}

variable "db_final_snapshot" {
  type        = bool
  description = "Final snapshot on destroy."
  default     = true
}

variable "db_backup_retention_days" {
  type        = number
  description = "Automated backup retention in days."
  default     = 7
}

variable "run_migrations" {
  type        = bool
  description = "Invoke the migrate function on apply."
  default     = true
}

variable "alert_email_subscribers" {
  type        = map(string)
  description = "Email subscriptions of the alerts topic, keyed by label."
  default     = {}
}

variable "chat_receives_alarms" {
  type        = bool
  description = "Deliver CloudWatch alarm messages to NotifyChat too."
  default     = false
}

variable "force_destroy_bucket" {
  type        = bool
  description = "Allow destroying a non-empty drop bucket."
  default     = false
}

variable "reports_expiration_days" {
  type        = number
  description = "Days after which reports expire."
  default     = 90
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Recovery window of deleted secrets (0 = immediate)."
  default     = 7
}

variable "backfill_enabled" {
  type        = bool
  description = "Deploy the backfill state machine (statemachine/batch.asl.json; `txetl aws backfill`, docs/operations.md)."
  default     = false
}

variable "backfill_definition_path" {
  type        = string
  description = "Path of the backfill ASL file; null: batch.asl.json beside state_machine_definition_path."
  default     = null
}

variable "backfill_tolerated_failure_percentage" {
  type        = number
  description = "Percentage of failed files above which a backfill stops starting new ones and fails."
  default     = 10
}
