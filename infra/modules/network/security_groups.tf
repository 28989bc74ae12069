# Three groups, each rule naming its peer group: ETL -> database (5432), ETL -> endpoints (443),
# ETL -> S3 prefix list (443). Nothing else in or out.

resource "aws_security_group" "etl" {
  name        = "${var.name_prefix}-etl"
  description = "RunEtl function: egress to the database, the interface endpoints and S3 only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${var.name_prefix}-etl" }
}

resource "aws_security_group" "database" {
  name        = "${var.name_prefix}-database"
  description = "PostgreSQL: ingress 5432 from the ETL function only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${var.name_prefix}-database" }
}

resource "aws_security_group" "endpoints" {
  name        = "${var.name_prefix}-endpoints"
  description = "Interface endpoints: ingress 443 from the ETL function only"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${var.name_prefix}-endpoints" }
}

resource "aws_vpc_security_group_ingress_rule" "database_from_etl" {
  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from the ETL function"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.etl.id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_etl" {
  security_group_id            = aws_security_group.endpoints.id
  description                  = "HTTPS from the ETL function"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.etl.id
}

resource "aws_vpc_security_group_egress_rule" "etl_to_database" {
  security_group_id            = aws_security_group.etl.id
  description                  = "PostgreSQL"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.database.id
}

resource "aws_vpc_security_group_egress_rule" "etl_to_endpoints" {
  security_group_id            = aws_security_group.etl.id
  description                  = "Interface endpoints (Secrets Manager and friends)"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "etl_to_s3" {
  security_group_id = aws_security_group.etl.id
  description       = "S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id
}
