variable "partition" {
  type        = string
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-cn", "aws-us-gov"], var.partition)
    error_message = "partition must be aws, aws-cn or aws-us-gov."
  }
}

variable "region" {
  type        = string
  description = "AWS region of the deployment, e.g. eu-central-1."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like eu-central-1."
  }
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account of the deployment."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "log_group_arns" {
  type        = map(string)
  description = "CloudWatch log group ARN (without a trailing :*) per function: keys start-workflow, run-etl, notify-chat, migrate."

  validation {
    condition     = toset(keys(var.log_group_arns)) == toset(["start-workflow", "run-etl", "notify-chat", "migrate"])
    error_message = "log_group_arns must have exactly the keys start-workflow, run-etl, notify-chat and migrate."
  }
}

variable "state_machine_arn" {
  type        = string
  description = "ARN of the ETL state machine StartWorkflow starts."

  validation {
    condition     = can(regex("^arn:[a-z-]+:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]+$", var.state_machine_arn))
    error_message = "state_machine_arn must be a Step Functions state machine ARN."
  }
}

variable "file_events_queue_arn" {
  type        = string
  description = "ARN of the SQS queue of S3 new-file events that StartWorkflow consumes."

  validation {
    condition     = can(regex("^arn:[a-z-]+:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.file_events_queue_arn))
    error_message = "file_events_queue_arn must be an SQS queue ARN."
  }
}

variable "notify_chat_failures_queue_arn" {
  type        = string
  description = "ARN of the SQS queue receiving NotifyChat's failed asynchronous invocations."

  validation {
    condition     = can(regex("^arn:[a-z-]+:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.notify_chat_failures_queue_arn))
    error_message = "notify_chat_failures_queue_arn must be an SQS queue ARN."
  }
}

variable "bucket_arn" {
  type        = string
  description = "ARN of the drop bucket."

  validation {
    condition     = can(regex("^arn:[a-z-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_arn))
    error_message = "bucket_arn must be an S3 bucket ARN."
  }
}

variable "bucket_kms_key_alias" {
  type        = string
  description = "Alias of the KMS key that encrypts the drop bucket (alias/<prefix>-drop); the grant names the key by kms:ResourceAliases, so it is known before the key exists."

  validation {
    condition     = can(regex("^alias/[A-Za-z0-9/_-]+$", var.bucket_kms_key_alias))
    error_message = "bucket_kms_key_alias must look like alias/txetl-dev-drop."
  }
}

variable "incoming_prefix" {
  type        = string
  description = "Key prefix RunEtl may read (where files are dropped)."
  default     = "incoming/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/$", var.incoming_prefix))
    error_message = "incoming_prefix must be one path segment ending in '/', e.g. incoming/."
  }
}

variable "reports_prefix" {
  type        = string
  description = "Key prefix RunEtl may write reports to."
  default     = "reports/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/$", var.reports_prefix))
    error_message = "reports_prefix must be one path segment ending in '/', e.g. reports/."
  }
}

variable "backfill_results_prefix" {
  type        = string
  description = "Key prefix (no trailing slash) of the backfill's Map Run results, which RunEtl's backfill-summary mode reads; null when no backfill is deployed (no read grant)."
  default     = null

  validation {
    condition     = var.backfill_results_prefix == null || can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.backfill_results_prefix))
    error_message = "backfill_results_prefix must be a key prefix without leading or trailing slash and without wildcards, e.g. reports/backfill."
  }
}

variable "contracts" {
  type        = map(string)
  description = "RunEtl's prefix => contract mapping (the functions module's contracts): when any value is an object key, RunEtl may read contracts_prefix."
  default     = {}
}

variable "contracts_prefix" {
  type        = string
  description = "Key prefix of the contract objects and their rule files (RunEtlOptions.ContractsPrefix in the code: contracts/)."
  default     = "contracts/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/$", var.contracts_prefix))
    error_message = "contracts_prefix must be one path segment ending in '/', e.g. contracts/."
  }
}

variable "run_etl_secrets" {
  type = map(object({
    name                = optional(string)
    rds_db_instance_arn = optional(string)
    kms_key_alias       = string
  }))
  description = "Secrets Manager secrets RunEtl reads (the loader secret only), keyed by purpose. Each secret is named either by name (ARN name-??????, Secrets Manager's random suffix) or, for an RDS-managed secret, by the DB instance ARN its aws:rds:primaryDBInstanceArn tag holds; kms_key_alias names its key."

  validation {
    condition = length(var.run_etl_secrets) > 0 && alltrue([
      for s in values(var.run_etl_secrets) :
      (s.name == null) != (s.rds_db_instance_arn == null) && can(regex("^alias/[A-Za-z0-9/_-]+$", s.kms_key_alias)) &&
      (s.rds_db_instance_arn == null || can(regex("^arn:[a-z-]+:rds:[a-z0-9-]+:[0-9]{12}:db:[a-z][a-z0-9-]*$", s.rds_db_instance_arn)))
    ])
    error_message = "run_etl_secrets needs at least one entry; each has exactly one of name and rds_db_instance_arn (a DB instance ARN), and an alias/... kms_key_alias."
  }
}

variable "migrate_secrets" {
  type = map(object({
    name                = optional(string)
    rds_db_instance_arn = optional(string)
    kms_key_alias       = string
  }))
  description = "Secrets Manager secrets the migrate function reads (master and loader), keyed by purpose. Each secret is named either by name (ARN name-??????, Secrets Manager's random suffix) or, for an RDS-managed secret, by the DB instance ARN its aws:rds:primaryDBInstanceArn tag holds; kms_key_alias names its key."

  validation {
    condition = length(var.migrate_secrets) > 0 && alltrue([
      for s in values(var.migrate_secrets) :
      (s.name == null) != (s.rds_db_instance_arn == null) && can(regex("^alias/[A-Za-z0-9/_-]+$", s.kms_key_alias)) &&
      (s.rds_db_instance_arn == null || can(regex("^arn:[a-z-]+:rds:[a-z0-9-]+:[0-9]{12}:db:[a-z][a-z0-9-]*$", s.rds_db_instance_arn)))
    ])
    error_message = "migrate_secrets needs at least one entry; each has exactly one of name and rds_db_instance_arn (a DB instance ARN), and an alias/... kms_key_alias."
  }
}

variable "notify_chat_secrets" {
  type = map(object({
    name                = optional(string)
    rds_db_instance_arn = optional(string)
    kms_key_alias       = string
  }))
  description = "Secrets Manager secrets NotifyChat reads (the webhook URLs), keyed by purpose. Each secret is named either by name (ARN name-??????, Secrets Manager's random suffix) or, for an RDS-managed secret, by the DB instance ARN its aws:rds:primaryDBInstanceArn tag holds; kms_key_alias names its key."

  validation {
    condition = length(var.notify_chat_secrets) > 0 && alltrue([
      for s in values(var.notify_chat_secrets) :
      (s.name == null) != (s.rds_db_instance_arn == null) && can(regex("^alias/[A-Za-z0-9/_-]+$", s.kms_key_alias)) &&
      (s.rds_db_instance_arn == null || can(regex("^arn:[a-z-]+:rds:[a-z0-9-]+:[0-9]{12}:db:[a-z][a-z0-9-]*$", s.rds_db_instance_arn)))
    ])
    error_message = "notify_chat_secrets needs at least one entry; each has exactly one of name and rds_db_instance_arn (a DB instance ARN), and an alias/... kms_key_alias."
  }
}
