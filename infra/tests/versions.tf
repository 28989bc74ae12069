# Root module for `terraform test` (run from this directory with -test-directory=.). It declares
# no resources: each run block points at the module under test, so provider requirements and the
# lock file live here.
terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 6.0.0"
    }
  }
}
