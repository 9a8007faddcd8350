# Optional custom domain for the API. WeChat only calls domains configured in
# the mini-program console (request domains) and the notify_url, and in
# mainland China those must be ICP-filed: plan on one (README.md, AWS China).

variable "domain_name" {
  description = "Custom domain of the API (e.g. api.shop.example.cn); null: only the execute-api URL."
  type        = string
  default     = null
}

variable "certificate_arn" {
  description = "ACM certificate for domain_name, in the stage's region."
  type        = string
  default     = null
}

resource "aws_api_gateway_domain_name" "api" {
  count = var.domain_name == null ? 0 : 1

  domain_name              = var.domain_name
  regional_certificate_arn = var.certificate_arn
  security_policy          = "TLS_1_2"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    precondition {
      condition     = var.certificate_arn != null
      error_message = "domain_name needs certificate_arn."
    }
  }
}

resource "aws_api_gateway_base_path_mapping" "api" {
  count = var.domain_name == null ? 0 : 1

  api_id      = aws_api_gateway_rest_api.rest_api.id
  stage_name  = aws_api_gateway_stage.rest_api.stage_name
  domain_name = aws_api_gateway_domain_name.api[0].domain_name
}

output "domain_dns_target" {
  description = "Point domain_name's CNAME (or alias) here."
  value       = one(aws_api_gateway_domain_name.api[*].regional_domain_name)
}
