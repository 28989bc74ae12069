# The drop bucket: files land under incoming/, RunEtl writes reports under reports/.
data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  bucket_name = coalesce(var.bucket_name, "${var.name_prefix}-drop-${var.account_id}")
  # ARNs formed from names, so every policy that names them is known at plan time.
  bucket_arn             = "arn:${data.aws_partition.current.partition}:s3:::${local.bucket_name}"
  file_events_queue_name = "${var.name_prefix}-file-events"
  file_events_dlq_name   = "${var.name_prefix}-file-events-dlq"
  sqs_arn_prefix         = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.name}:${var.account_id}"
  file_events_queue_arn  = "${local.sqs_arn_prefix}:${local.file_events_queue_name}"
  file_events_dlq_arn    = "${local.sqs_arn_prefix}:${local.file_events_dlq_name}"
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

  bucket_arn = local.bucket_arn
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

# New files are buffered in a queue instead of invoking StartWorkflow directly: a burst of uploads
# waits in SQS (StartWorkflow polls it with bounded concurrency), and an event StartWorkflow keeps
# failing on ends in the dead-letter queue after max_receive_count receives (alarmed).
resource "aws_sqs_queue" "file_events" {
  name                       = local.file_events_queue_name
  visibility_timeout_seconds = var.file_events_visibility_timeout_seconds
  message_retention_seconds  = 345600 # 4 days; dead letters keep their first-enqueue time, so the DLQ keeps longer
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.file_events_dlq.arn
    maxReceiveCount     = var.file_events_max_receive_count
  })
}

resource "aws_sqs_queue" "file_events_dlq" {
  name                      = local.file_events_dlq_name
  message_retention_seconds = 1209600 # 14 days, the SQS maximum
  sqs_managed_sse_enabled   = true

  # Only the file-events queue may use it as its dead-letter queue.
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [local.file_events_queue_arn]
  })
}

module "file_events_policy" {
  source = "../policies/queue"

  queue_arn            = local.file_events_queue_arn
  account_id           = var.account_id
  s3_source_bucket_arn = local.bucket_arn
}

module "file_events_dlq_policy" {
  source = "../policies/queue"

  queue_arn  = local.file_events_dlq_arn
  account_id = var.account_id
}

resource "aws_sqs_queue_policy" "file_events" {
  queue_url = aws_sqs_queue.file_events.id
  policy    = module.file_events_policy.json
}

resource "aws_sqs_queue_policy" "file_events_dlq" {
  queue_url = aws_sqs_queue.file_events_dlq.id
  policy    = module.file_events_dlq_policy.json
}

resource "aws_s3_bucket_notification" "this" {
  bucket = aws_s3_bucket.this.id

  queue {
    id            = "file-events"
    queue_arn     = aws_sqs_queue.file_events.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = var.incoming_prefix
    filter_suffix = var.incoming_suffix
  }

  # S3 validates the destination when the notification is saved: the queue policy must exist first.
  depends_on = [aws_sqs_queue_policy.file_events]
}
