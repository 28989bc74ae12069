# Database: private, encrypted with its own key, TLS forced, master password managed by RDS, the
# loader's own secret with a write-only password, and the migration step (the migrate function).
#
# Plans only, with the REAL provider (offline: fake credentials and skip flags): mock providers
# refuse modules with ephemeral resources ("No ephemeral resource types in mock providers"), and the
# loader password is one. The computed values the asserts need are overridden during plan; the loader
# secret's ARN is not, so the ephemeral password stays unopened exactly as in a real first plan.
provider "aws" {
  region                      = "eu-central-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

override_resource {
  target          = aws_kms_key.this
  override_during = plan
  values = {
    arn    = "arn:aws:kms:eu-central-1:123456789012:key/11111111-1111-1111-1111-111111111111"
    key_id = "11111111-1111-1111-1111-111111111111"
  }
}

override_resource {
  target          = aws_db_parameter_group.this
  override_during = plan
  values = {
    name = "txetl-test-pg17-20260101000000000000000001"
  }
}

override_resource {
  target          = aws_db_instance.this
  override_during = plan
  values = {
    address     = "txetl-test.abcdefghijkl.eu-central-1.rds.amazonaws.com"
    resource_id = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-0a1b2c3d-GhIjKl"
      kms_key_id    = "arn:aws:kms:eu-central-1:123456789012:key/11111111-1111-1111-1111-111111111111"
      secret_status = "active"
    }]
  }
}

variables {
  name_prefix           = "txetl-test"
  account_id            = "123456789012"
  subnet_ids            = ["subnet-aaaa", "subnet-bbbb"]
  security_group_id     = "sg-database"
  migrate_function_name = "txetl-test-migrate"
  migrate_code_sha256   = "c2hhMjU2LW9mLXRoZS1wYWNrYWdl"
}

run "private_encrypted_database" {
  command = plan

  module {
    source = "../modules/database"
  }

  assert {
    condition     = !aws_db_instance.this.publicly_accessible
    error_message = "The database must not be publicly accessible."
  }

  assert {
    condition     = aws_db_instance.this.vpc_security_group_ids == toset(["sg-database"]) && aws_db_subnet_group.this.subnet_ids == toset(["subnet-aaaa", "subnet-bbbb"])
    error_message = "The database must sit in the private subnets behind its own security group."
  }

  assert {
    condition     = aws_db_instance.this.storage_encrypted && aws_db_instance.this.kms_key_id == aws_kms_key.this.arn
    error_message = "Storage must be encrypted with the database's KMS key."
  }

  assert {
    condition     = aws_db_instance.this.manage_master_user_password && aws_db_instance.this.master_user_secret_kms_key_id == aws_kms_key.this.arn && aws_db_instance.this.password == null
    error_message = "The master password must be managed by RDS in Secrets Manager (never in Terraform)."
  }

  assert {
    condition = anytrue([
      for p in aws_db_parameter_group.this.parameter : p.name == "rds.force_ssl" && p.value == "1"
    ]) && aws_db_instance.this.parameter_group_name == aws_db_parameter_group.this.name
    error_message = "The instance must use a parameter group with rds.force_ssl = 1."
  }

  # Issue 14 defect 3: the connection budget RunEtl's concurrency is checked against is set here.
  assert {
    condition = anytrue([
      for p in aws_db_parameter_group.this.parameter : p.name == "max_connections" && p.value == "50" && p.apply_method == "pending-reboot"
    ])
    error_message = "The parameter group must set max_connections (the connection budget)."
  }

  assert {
    condition     = aws_db_parameter_group.this.family == "postgres17" && aws_db_instance.this.engine == "postgres"
    error_message = "The parameter group family must follow the engine's major version."
  }

  assert {
    condition     = aws_db_instance.this.backup_retention_period >= 1 && aws_db_instance.this.deletion_protection && !aws_db_instance.this.skip_final_snapshot
    error_message = "Backups, deletion protection and a final snapshot are the defaults."
  }

  assert {
    condition     = aws_secretsmanager_secret.loader.kms_key_id == aws_kms_key.this.arn
    error_message = "The loader secret must be encrypted with the database key."
  }

  assert {
    condition = (
      output.loader_connection.username == "txetl_etl" &&
      output.loader_connection.username != aws_db_instance.this.username &&
      output.loader_connection.host == aws_db_instance.this.address &&
      output.loader_connection.dbname == "txetl" && output.loader_connection.engine == "postgres"
    )
    error_message = "The loader secret must hold its own role (not the master) in RDS's JSON shape."
  }

  # Issue 14 defect 5: the password was generated into the state (secret_string and a terraform_data).
  # Only the write-only argument may carry it, and only its version is stored.
  assert {
    condition = (
      aws_secretsmanager_secret_version.loader.secret_string == null &&
      aws_secretsmanager_secret_version.loader.secret_string_wo == null &&
      aws_secretsmanager_secret_version.loader.secret_string_wo_version == 1
    )
    error_message = "The loader password must not be in the state: write-only secret_string_wo with a version, no secret_string."
  }

  assert {
    condition = (
      jsondecode(aws_lambda_invocation.migrate[0].input) == {} &&
      aws_lambda_invocation.migrate[0].function_name == "txetl-test-migrate"
    )
    error_message = "apply must invoke the migrate function (not RunEtl) with {}."
  }

  assert {
    condition     = output.master_secret_name == "rds!db-0a1b2c3d"
    error_message = "The master secret name must be derived from the RDS-managed secret ARN."
  }
}

run "production_settings" {
  command = plan

  module {
    source = "../modules/database"
  }

  variables {
    multi_az                = true
    deletion_protection     = true
    backup_retention_days   = 14
    engine_version          = "16.6"
    loader_password_version = 2
  }

  assert {
    condition     = aws_db_instance.this.multi_az && aws_db_instance.this.deletion_protection && aws_db_instance.this.backup_retention_period == 14
    error_message = "Multi-AZ, deletion protection and backups must follow the variables."
  }

  assert {
    condition     = aws_db_parameter_group.this.family == "postgres16"
    error_message = "A 16.x version needs the postgres16 family."
  }

  assert {
    condition     = aws_secretsmanager_secret_version.loader.secret_string_wo_version == 2
    error_message = "Raising loader_password_version must write a new password version (the rotation)."
  }
}

run "postgres_15_is_rejected" {
  command = plan

  module {
    source = "../modules/database"
  }

  variables {
    engine_version = "15.8"
  }

  expect_failures = [var.engine_version]
}

run "backups_cannot_be_disabled" {
  command = plan

  module {
    source = "../modules/database"
  }

  variables {
    backup_retention_days = 0
  }

  expect_failures = [var.backup_retention_days]
}

# Issue 14 defect 1: the login role defaulted to txetl_loader, the NOLOGIN group role of migration
# 0005, and the migration then failed with "role is a member of itself".
run "loader_cannot_be_the_group_role" {
  command = plan

  module {
    source = "../modules/database"
  }

  variables {
    loader_username = "txetl_loader"
  }

  expect_failures = [var.loader_username]
}

run "loader_cannot_be_the_master_user" {
  command = plan

  module {
    source = "../modules/database"
  }

  variables {
    master_username = "txetl_owner"
    loader_username = "txetl_owner"
  }

  expect_failures = [var.loader_username]
}

run "loader_cannot_use_reserved_prefixes" {
  command = plan

  module {
    source = "../modules/database"
  }

  variables {
    loader_username = "rds_loader"
  }

  expect_failures = [var.loader_username]
}

# Issue 14 defect 6: prod had max_allocated_storage == allocated_storage, which RDS refuses (or runs
# without autoscaling); the ceiling must be at least 10% above.
run "storage_ceiling_must_exceed_the_allocation" {
  command = plan

  module {
    source = "../modules/database"
  }

  variables {
    allocated_storage_gb     = 100
    max_allocated_storage_gb = 100
  }

  expect_failures = [var.max_allocated_storage_gb]
}
