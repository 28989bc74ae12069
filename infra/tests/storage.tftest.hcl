# Storage: the drop bucket is private, versioned, KMS-encrypted with a bucket key, TLS-only and
# sends new incoming/*.csv objects to the file-events queue (with a dead-letter queue) StartWorkflow polls.
mock_provider "aws" {
  source = "./mocks"
}

override_resource {
  target = aws_sqs_queue.file_events_dlq
  values = {
    arn = "arn:aws:sqs:eu-central-1:123456789012:txetl-test-file-events-dlq"
    id  = "https://sqs.eu-central-1.amazonaws.com/123456789012/txetl-test-file-events-dlq"
  }
}

override_data {
  target = module.file_events_policy.data.aws_iam_policy_document.this
  values = {
    json = "{\"Id\":\"file-events\",\"Statement\":[]}"
  }
}

override_data {
  target = module.file_events_dlq_policy.data.aws_iam_policy_document.this
  values = {
    json = "{\"Id\":\"file-events-dlq\",\"Statement\":[]}"
  }
}

override_data {
  target = module.bucket_policy.data.aws_iam_policy_document.this
  values = {
    json = "{\"Statement\":[{\"Sid\":\"DenyInsecureTransport\"}]}"
  }
}

variables {
  name_prefix = "txetl-test"
  account_id  = "123456789012"
}

run "drop_bucket" {
  module {
    source = "../modules/storage"
  }

  assert {
    condition     = aws_s3_bucket.this.bucket == "txetl-test-drop-123456789012" && !aws_s3_bucket.this.force_destroy
    error_message = "The bucket name is derived from prefix and account, and is not force-destroyed by default."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.this.block_public_acls &&
      aws_s3_bucket_public_access_block.this.block_public_policy &&
      aws_s3_bucket_public_access_block.this.ignore_public_acls &&
      aws_s3_bucket_public_access_block.this.restrict_public_buckets &&
      aws_s3_bucket_public_access_block.this.bucket == aws_s3_bucket.this.id
    )
    error_message = "All four public access blocks must be on for the drop bucket."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "Versioning must be enabled (RunEtl pins object versions)."
  }

  assert {
    condition = alltrue([
      for r in aws_s3_bucket_server_side_encryption_configuration.this.rule :
      r.bucket_key_enabled &&
      one(r.apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" &&
      one(r.apply_server_side_encryption_by_default).kms_master_key_id == aws_kms_key.this.arn
    ]) && length(aws_s3_bucket_server_side_encryption_configuration.this.rule) == 1
    error_message = "Default encryption must be SSE-KMS with the bucket's own key and a bucket key."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The bucket key must rotate."
  }

  assert {
    condition     = aws_s3_bucket_policy.this.policy == module.bucket_policy.json && aws_s3_bucket_policy.this.bucket == aws_s3_bucket.this.id
    error_message = "The bucket policy must be the TLS-only policy document (its content is tested in policies.tftest.hcl)."
  }

  assert {
    condition = anytrue([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule :
      r.status == "Enabled" && try(one(r.filter).prefix == "reports/" && one(r.expiration).days == 90, false)
    ])
    error_message = "Reports must expire after reports_expiration_days."
  }

  assert {
    condition = anytrue([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule :
      r.status == "Enabled" && try(one(r.noncurrent_version_expiration).noncurrent_days == 30, false)
    ])
    error_message = "Noncurrent versions must expire."
  }

  # Issue 14 defect 3: S3 invoked StartWorkflow directly; now new files are buffered in a queue.
  assert {
    condition = (
      length(aws_s3_bucket_notification.this.lambda_function) == 0 &&
      length(aws_s3_bucket_notification.this.queue) == 1 &&
      one(aws_s3_bucket_notification.this.queue).queue_arn == aws_sqs_queue.file_events.arn &&
      one(aws_s3_bucket_notification.this.queue).events == toset(["s3:ObjectCreated:*"]) &&
      one(aws_s3_bucket_notification.this.queue).filter_prefix == "incoming/" &&
      one(aws_s3_bucket_notification.this.queue).filter_suffix == ".csv"
    )
    error_message = "Only ObjectCreated events of incoming/*.csv may be sent, to the file-events queue only."
  }

  assert {
    condition = (
      aws_sqs_queue.file_events.name == "txetl-test-file-events" &&
      aws_sqs_queue.file_events.sqs_managed_sse_enabled &&
      aws_sqs_queue.file_events.visibility_timeout_seconds == 180 &&
      jsondecode(aws_sqs_queue.file_events.redrive_policy) == {
        deadLetterTargetArn = aws_sqs_queue.file_events_dlq.arn
        maxReceiveCount     = 5
      }
    )
    error_message = "The file-events queue must be encrypted, wait 6x StartWorkflow's timeout and dead-letter after 5 receives."
  }

  assert {
    condition = (
      aws_sqs_queue.file_events_dlq.name == "txetl-test-file-events-dlq" &&
      aws_sqs_queue.file_events_dlq.sqs_managed_sse_enabled &&
      aws_sqs_queue.file_events_dlq.message_retention_seconds == 1209600 &&
      aws_sqs_queue.file_events_dlq.message_retention_seconds > aws_sqs_queue.file_events.message_retention_seconds
    )
    error_message = "The dead-letter queue must be encrypted and keep messages 14 days (longer than the source queue)."
  }

  assert {
    condition = (
      jsondecode(aws_sqs_queue_policy.file_events.policy).Id == "file-events" &&
      aws_sqs_queue_policy.file_events.queue_url == aws_sqs_queue.file_events.id &&
      jsondecode(aws_sqs_queue_policy.file_events_dlq.policy).Id == "file-events-dlq" &&
      aws_sqs_queue_policy.file_events_dlq.queue_url == aws_sqs_queue.file_events_dlq.id
    )
    error_message = "Each queue must carry its own policy (content tested in policies.tftest.hcl)."
  }
}
