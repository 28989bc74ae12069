# RDS PostgreSQL in the private subnets, reachable only from the ETL security group, TLS enforced,
# master password owned by RDS in Secrets Manager. The ETL loads with its own login role (loader
# secret), created by the migrate function, invoked at the end of this file.
data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  major_version = split(".", var.engine_version)[0]
  # Formed from the identifier: RDS tags its managed secret with it (aws:rds:primaryDBInstanceArn),
  # so a role policy can name the master secret before it exists.
  instance_arn = "arn:${data.aws_partition.current.partition}:rds:${data.aws_region.current.name}:${var.account_id}:db:${var.name_prefix}"
  # RDS names its managed secret "rds!db-<id>"; the ARN adds "-" and six random characters.
  master_secret_arn  = aws_db_instance.this.master_user_secret[0].secret_arn
  master_secret_name = regex("^arn:[^:]+:secretsmanager:[^:]+:[0-9]+:secret:(.+)-[A-Za-z0-9]{6}$", local.master_secret_arn)[0]

  # Terraform opens an ephemeral resource during plan when its arguments are known, and
  # GetRandomPassword then needs real credentials. Tying the length to the loader secret's ARN (never
  # empty, unknown until the secret exists) defers it to the apply that creates the secret, so a new
  # environment (and the offline plan) is planned without calling AWS.
  loader_password_length = aws_secretsmanager_secret.loader.arn == "" ? 0 : 40

  # Everything of the loader secret but the password: not secret, and shown by an output.
  loader_connection = {
    engine   = "postgres"
    host     = aws_db_instance.this.address
    port     = aws_db_instance.this.port
    dbname   = var.database_name
    username = var.loader_username
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name_prefix} database storage and secrets"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = module.key_policy.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-database"
  target_key_id = aws_kms_key.this.key_id
}

module "key_policy" {
  source = "../policies/kms-key"

  partition  = data.aws_partition.current.partition
  account_id = var.account_id
}

resource "aws_db_subnet_group" "this" {
  name        = var.name_prefix
  description = "${var.name_prefix} private subnets"
  subnet_ids  = var.subnet_ids
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name_prefix}-pg${local.major_version}-"
  family      = "postgres${local.major_version}"
  description = "${var.name_prefix}: TLS required"

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "immediate" # dynamic parameter
  }

  # The connection budget: RunEtl's reserved concurrency, the migration and operators must fit
  # (checked in the transaction-etl module). Static parameter: applied at the next reboot.
  parameter {
    name         = "max_connections"
    value        = tostring(var.max_connections)
    apply_method = "pending-reboot"
  }

  # Log slow statements so that a slow load shows up in the PostgreSQL log, not only in duration.
  parameter {
    name  = "log_min_duration_statement"
    value = tostring(var.log_min_duration_statement_ms)
  }

  lifecycle {
    create_before_destroy = true # a major upgrade swaps the group without detaching the instance
  }
}

resource "aws_db_instance" "this" {
  identifier     = var.name_prefix
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  db_name  = var.database_name
  username = var.master_username
  port     = 5432

  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.this.arn

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.this.arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [var.security_group_id]
  publicly_accessible    = false
  multi_az               = var.multi_az
  parameter_group_name   = aws_db_parameter_group.this.name
  ca_cert_identifier     = var.ca_cert_identifier

  backup_retention_period   = var.backup_retention_days
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = !var.final_snapshot
  final_snapshot_identifier = var.final_snapshot ? "${var.name_prefix}-final" : null

  auto_minor_version_upgrade   = true
  allow_major_version_upgrade  = false
  apply_immediately            = var.apply_immediately
  performance_insights_enabled = var.performance_insights_enabled
  # Performance Insights data is encrypted with the same key when enabled.
  performance_insights_kms_key_id = var.performance_insights_enabled ? aws_kms_key.this.arn : null
  enabled_cloudwatch_logs_exports = ["postgresql"]
}

# The loader's own database role. Secrets Manager generates the password on apply; the ephemeral
# resource and the write-only secret_string_wo keep it out of the plan and the state. Terraform
# sends it only when secret_string_wo_version changes: raise loader_password_version to rotate.
ephemeral "aws_secretsmanager_random_password" "loader" {
  password_length     = local.loader_password_length
  exclude_punctuation = true # safe in connection strings without escaping
}

resource "aws_secretsmanager_secret" "loader" {
  name                    = "${var.name_prefix}-db-loader"
  description             = "PostgreSQL credentials of the ETL loader role (RDS secret JSON shape)"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "loader" {
  secret_id = aws_secretsmanager_secret.loader.id
  secret_string_wo = jsonencode(merge(local.loader_connection, {
    password = ephemeral.aws_secretsmanager_random_password.loader.random_password
  }))
  secret_string_wo_version = var.loader_password_version
}

# One-time (and per code change) migration: the migrate function connects with the master secret,
# applies the embedded migrations and creates or updates the loader login role from the loader
# secret. DbUp records applied scripts, so re-running is harmless.
resource "aws_lambda_invocation" "migrate" {
  count = var.run_migrations ? 1 : 0

  function_name = var.migrate_function_name
  input         = jsonencode({})

  triggers = {
    code            = var.migrate_code_sha256
    loader_secret   = aws_secretsmanager_secret_version.loader.version_id
    database        = aws_db_instance.this.resource_id
    master_username = var.master_username
    loader_username = var.loader_username
  }

  depends_on = [aws_secretsmanager_secret_version.loader]
}
