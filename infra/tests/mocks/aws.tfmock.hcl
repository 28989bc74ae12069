# Shared mock values for `mock_provider "aws" { source = "./mocks" }`: realistic ARNs for the
# computed attributes the modules pass on, so that the validations of the policy modules (which
# check ARN shapes) see what a real apply would give them.

mock_data "aws_region" {
  defaults = {
    name = "eu-central-1"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

# Policy JSON is checked with the real provider in policies.tftest.hcl; here it is a stand-in.
mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:eu-central-1:123456789012:key/11111111-1111-1111-1111-111111111111"
    key_id = "11111111-1111-1111-1111-111111111111"
  }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    arn = "arn:aws:s3:::txetl-test-drop-123456789012"
    id  = "txetl-test-drop-123456789012"
  }
}

mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:eu-central-1:123456789012:txetl-test-file-events"
    id  = "https://sqs.eu-central-1.amazonaws.com/123456789012/txetl-test-file-events"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:eu-central-1:123456789012:txetl-test-alerts"
  }
}

mock_resource "aws_secretsmanager_secret" {
  defaults = {
    arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:txetl-test-secret-AbCdEf"
  }
}

mock_resource "aws_db_instance" {
  defaults = {
    address     = "txetl-test.abcdefghijkl.eu-central-1.rds.amazonaws.com"
    resource_id = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-0a1b2c3d-GhIjKl"
      kms_key_id    = "arn:aws:kms:eu-central-1:123456789012:key/11111111-1111-1111-1111-111111111111"
      secret_status = "active"
    }]
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/txetl-test-mock"
  }
}

mock_resource "aws_lambda_function" {
  defaults = {
    arn = "arn:aws:lambda:eu-central-1:123456789012:function:txetl-test-mock"
  }
}

mock_resource "aws_sfn_state_machine" {
  defaults = {
    arn = "arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-test-etl"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::123456789012:role/txetl-test-mock"
  }
}

mock_resource "aws_vpc_endpoint" {
  defaults = {
    prefix_list_id = "pl-6ea54007"
  }
}

mock_resource "aws_lambda_invocation" {
  defaults = {
    result = "{\"status\":\"migrated\"}"
  }
}
