# Storage: the drop bucket is private, versioned, KMS-encrypted with a bucket key, TLS-only and
# notifies StartWorkflow of new incoming/*.csv objects.
mock_provider "aws" {
  source = "./mocks"
}

override_data {
  target = module.bucket_policy.data.aws_iam_policy_document.this
  values = {
    json = "{\"Statement\":[{\"Sid\":\"DenyInsecureTransport\"}]}"
  }
}

variables {
  name_prefix                 = "txetl-test"
  account_id                  = "123456789012"
  start_workflow_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-start-workflow"
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

  assert {
    condition = (
      length(aws_s3_bucket_notification.this.lambda_function) == 1 &&
      one(aws_s3_bucket_notification.this.lambda_function).lambda_function_arn == var.start_workflow_function_arn &&
      one(aws_s3_bucket_notification.this.lambda_function).events == toset(["s3:ObjectCreated:*"]) &&
      one(aws_s3_bucket_notification.this.lambda_function).filter_prefix == "incoming/" &&
      one(aws_s3_bucket_notification.this.lambda_function).filter_suffix == ".csv"
    )
    error_message = "Only ObjectCreated events of incoming/*.csv may notify StartWorkflow."
  }

  assert {
    condition = (
      aws_lambda_permission.start_workflow.principal == "s3.amazonaws.com" &&
      aws_lambda_permission.start_workflow.source_arn == aws_s3_bucket.this.arn &&
      aws_lambda_permission.start_workflow.source_account == "123456789012" &&
      aws_lambda_permission.start_workflow.function_name == var.start_workflow_function_arn
    )
    error_message = "S3 may invoke StartWorkflow only for this bucket in this account."
  }
}
