output "instance_id" {
  description = "RDS instance identifier (CloudWatch dimension DBInstanceIdentifier)."
  value       = aws_db_instance.this.identifier
}

output "address" {
  description = "Private DNS name of the database."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Database port."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Name of the application database."
  value       = var.database_name
}

output "kms_key_arn" {
  description = "KMS key encrypting storage, the master secret and the loader secret."
  value       = aws_kms_key.this.arn
}

output "master_secret_arn" {
  description = "ARN of the RDS-managed master secret (migration only)."
  value       = local.master_secret_arn
}

output "master_secret_name" {
  description = "Name of the RDS-managed master secret (rds!db-...)."
  value       = local.master_secret_name
}

output "loader_secret_arn" {
  description = "ARN of the loader role's secret."
  value       = aws_secretsmanager_secret.loader.arn
}

output "loader_secret_name" {
  description = "Name of the loader role's secret."
  value       = aws_secretsmanager_secret.loader.name
}

output "allocated_storage_bytes" {
  description = "Allocated storage in bytes (for the free-storage alarm threshold)."
  value       = var.allocated_storage_gb * 1073741824
}

output "migration_result" {
  description = "JSON returned by the migration invocation (null when migrations are off)."
  value       = var.run_migrations ? aws_lambda_invocation.migrate[0].result : null
}

output "loader_username" {
  description = "Login role of the ETL (member of the group role txetl_loader)."
  value       = var.loader_username
}

output "loader_connection" {
  description = "The loader secret's fields except the password (RDS secret JSON shape: engine, host, port, dbname, username)."
  value       = local.loader_connection
}

output "instance_arn" {
  description = "ARN of the DB instance, formed from its identifier (the master secret's aws:rds:primaryDBInstanceArn tag)."
  value       = local.instance_arn
}

output "kms_key_alias" {
  description = "Alias of the database key (role policies match the key by kms:ResourceAliases)."
  value       = aws_kms_alias.this.name
}
