variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. txetl-dev (also the DB instance identifier)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "account_id" {
  type        = string
  description = "The 12-digit AWS account (KMS key policy)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "engine_version" {
  type        = string
  description = "PostgreSQL version: a major (\"17\", minor upgrades automatic) or major.minor (\"16.6\"); 16 or newer."
  default     = "17"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.engine_version)) && tonumber(split(".", var.engine_version)[0]) >= 16
    error_message = "engine_version must be PostgreSQL 16 or newer, e.g. \"17\" or \"16.6\"."
  }
}

variable "instance_class" {
  type        = string
  description = "RDS instance class."
  default     = "db.t4g.micro"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.instance_class))
    error_message = "instance_class must look like db.t4g.micro."
  }
}

variable "allocated_storage_gb" {
  type        = number
  description = "Initial storage in GiB."
  default     = 20

  validation {
    condition     = var.allocated_storage_gb >= 20 && var.allocated_storage_gb <= 65536
    error_message = "allocated_storage_gb must be between 20 and 65536 (gp3)."
  }
}

variable "max_allocated_storage_gb" {
  type        = number
  description = "Storage autoscaling ceiling in GiB (0 disables autoscaling); at least 10% above allocated_storage_gb."
  default     = 100

  validation {
    # RDS refuses a ceiling less than 10% above the allocation (or leaves autoscaling off).
    condition     = var.max_allocated_storage_gb == 0 || (var.max_allocated_storage_gb >= ceil(var.allocated_storage_gb * 1.1) && var.max_allocated_storage_gb <= 65536)
    error_message = "max_allocated_storage_gb must be 0 (no autoscaling) or at least 10% above allocated_storage_gb, and at most 65536."
  }
}

variable "database_name" {
  type        = string
  description = "Name of the database created in the instance."
  default     = "txetl"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be a lowercase PostgreSQL identifier."
  }
}

variable "master_username" {
  type        = string
  description = "Master user name (its password is managed by RDS in Secrets Manager)."
  default     = "txetl_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.master_username)) && !contains(["postgres", "admin", "rdsadmin"], var.master_username)
    error_message = "master_username must be a lowercase identifier and not a reserved name."
  }
}

variable "loader_username" {
  type        = string
  description = "Login role the ETL loads with (created by the migration step as a member of the NOLOGIN group role txetl_loader, so never that name)."
  default     = "txetl_etl"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.loader_username))
    error_message = "loader_username must be a lowercase PostgreSQL identifier."
  }

  # txetl_loader is the group role of migration 0005: made the login role, it would get LOGIN and the
  # password and be granted to itself, which PostgreSQL refuses. pg_ and rds are reserved prefixes.
  validation {
    condition = (
      var.loader_username != "txetl_loader" && var.loader_username != var.master_username &&
      !startswith(var.loader_username, "pg_") && !startswith(var.loader_username, "rds")
    )
    error_message = "loader_username must not be the group role txetl_loader, the master user, or start with pg_ or rds."
  }
}

variable "loader_password_version" {
  type        = number
  description = "Version of the loader password in the write-only secret; raise it by one to generate and store a new password (then re-run the migration step, which sets it on the role)."
  default     = 1

  validation {
    condition     = var.loader_password_version >= 1 && floor(var.loader_password_version) == var.loader_password_version
    error_message = "loader_password_version must be a whole number of at least 1."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the DB subnet group (two or more AZs)."

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two subnets."
  }
}

variable "security_group_id" {
  type        = string
  description = "Security group of the database (ingress from the ETL group only)."
}

variable "multi_az" {
  type        = bool
  description = "Run a synchronous standby in another AZ (on in prod)."
  default     = false
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the instance (on in prod; turn off explicitly before a teardown)."
  default     = true
}

variable "final_snapshot" {
  type        = bool
  description = "Take a final snapshot when the instance is destroyed."
  default     = true
}

variable "backup_retention_days" {
  type        = number
  description = "Days of automated backups (point-in-time recovery window)."
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35 (backups cannot be turned off here)."
  }
}

variable "backup_window" {
  type        = string
  description = "Daily backup window (UTC, hh24:mi-hh24:mi)."
  default     = "02:00-03:00"

  validation {
    condition     = can(regex("^[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]$", var.backup_window))
    error_message = "backup_window must look like 02:00-03:00."
  }
}

variable "maintenance_window" {
  type        = string
  description = "Weekly maintenance window (UTC, ddd:hh24:mi-ddd:hh24:mi), outside the backup window."
  default     = "sun:04:00-sun:05:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):[0-2][0-9]:[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must look like sun:04:00-sun:05:00."
  }
}

variable "ca_cert_identifier" {
  type        = string
  description = "RDS certificate authority of the server certificate (the function verifies it with VerifyFull)."
  default     = "rds-ca-rsa2048-g1"

  validation {
    condition     = contains(["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"], var.ca_cert_identifier)
    error_message = "ca_cert_identifier must be rds-ca-rsa2048-g1, rds-ca-rsa4096-g1 or rds-ca-ecc384-g1."
  }
}

variable "apply_immediately" {
  type        = bool
  description = "Apply instance changes now instead of in the maintenance window."
  default     = false
}

variable "performance_insights_enabled" {
  type        = bool
  description = "Enable Performance Insights (encrypted with the database key)."
  default     = false
}

variable "max_connections" {
  type        = number
  description = "max_connections of the parameter group (dev 50, prod 200)."
  default     = 50

  validation {
    condition     = var.max_connections >= 10 && var.max_connections <= 5000 && floor(var.max_connections) == var.max_connections
    error_message = "max_connections must be a whole number between 10 and 5000."
  }
}

variable "log_min_duration_statement_ms" {
  type        = number
  description = "Statements slower than this are logged (-1 disables)."
  default     = 5000

  validation {
    condition     = var.log_min_duration_statement_ms >= -1
    error_message = "log_min_duration_statement_ms must be -1 or more."
  }
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Waiting period before the database key is deleted after destroy."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Days a deleted loader secret can be restored (0 deletes at once, for throwaway environments)."
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

variable "run_migrations" {
  type        = bool
  description = "Invoke the migrate function on apply (creates the schema and the loader login role)."
  default     = true
}

variable "migrate_function_name" {
  type        = string
  description = "Name of the migrate function (<prefix>-migrate) invoked on apply."
}

variable "migrate_code_sha256" {
  type        = string
  description = "Hash of the migrate package; a new package re-runs the migration step."
}
