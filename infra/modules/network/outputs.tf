output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per availability zone."
  value       = [for s in aws_subnet.private : s.id]
}

output "etl_security_group_id" {
  description = "Security group of the RunEtl function."
  value       = aws_security_group.etl.id
}

output "database_security_group_id" {
  description = "Security group of the database (5432 from the ETL group only)."
  value       = aws_security_group.database.id
}

output "interface_endpoint_ids" {
  description = "Interface endpoint IDs by service."
  value       = { for k, e in aws_vpc_endpoint.interface : k => e.id }
}

output "s3_endpoint_id" {
  description = "ID of the S3 gateway endpoint."
  value       = aws_vpc_endpoint.s3.id
}
