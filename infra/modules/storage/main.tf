# The drop bucket: files land under incoming/, RunEtl writes reports under reports/.
data "aws_partition" "current" {}

locals {
  bucket_name = coalesce(var.bucket_name, "${var.name_prefix}-drop-${var.account_id}")
}

resource "aws_kms_key" "this" {
  description             = "${var.name_prefix} drop bucket"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = module.key_policy.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-drop"
  target_key_id = aws_kms_key.this.key_id
}

module "key_policy" {
  source = "../policies/kms-key"

  partition  = data.aws_partition.current.partition
  account_id = var.account_id
}

resource "aws_s3_bucket" "this" {
  bucket        = local.bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced" # no ACLs at all
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled" # RunEtl pins the version it was started for
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true # one KMS call per bucket key period instead of per object
  }
}

module "bucket_policy" {
  source = "../policies/bucket"

  bucket_arn  = aws_s3_bucket.this.arn
  kms_key_arn = aws_kms_key.this.arn
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = module.bucket_policy.json

  # A bucket policy is refused while the public access block is being created.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-reports"
    status = "Enabled"

    filter {
      prefix = var.reports_prefix
    }

    expiration {
      days = var.reports_expiration_days
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Lifecycle rules are rejected on an unversioned bucket for noncurrent versions.
  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_lambda_permission" "start_workflow" {
  statement_id   = "AllowDropBucketNotifications"
  action         = "lambda:InvokeFunction"
  function_name  = var.start_workflow_function_arn
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.this.arn
  source_account = var.account_id
}

resource "aws_s3_bucket_notification" "this" {
  bucket = aws_s3_bucket.this.id

  lambda_function {
    id                  = "start-workflow"
    lambda_function_arn = var.start_workflow_function_arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = var.incoming_prefix
    filter_suffix       = var.incoming_suffix
  }

  # S3 validates the destination when the notification is saved: the permission must exist first.
  depends_on = [aws_lambda_permission.start_workflow]
}
