# Our pins. infra/package.py removes the `terraform` block chalice package
# generates (Terraform < 1.4, hashicorp/aws < 5, hashicorp/null), so these are
# the only version constraints in the module.
terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }

  # State lives in S3, one key per stage (see README.md, "Deploying a stage"):
  #   terraform init -backend-config=stages/prod.s3.tfbackend
  # Tests run `terraform init -backend=false`, which skips this block.
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ app = "miniloop", prefix = var.prefix }, var.tags)
  }
}

# Every ARN this module writes is built from these, so the same code deploys to
# the commercial partition (arn:aws) and to AWS China (arn:aws-cn).
data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

data "aws_service_principal" "lambda" {
  service_name = "lambda"
}
