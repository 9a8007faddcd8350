# The REST API itself comes from chalice.tf.json (generated from app.py's
# routes). Throttling caps what a burst of traffic, or a misbehaving client,
# can cost: API Gateway answers 429 above these rates instead of invoking Lambda.
resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.rest_api.id
  stage_name  = aws_api_gateway_stage.rest_api.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = var.api_throttle_rate
    throttling_burst_limit = var.api_throttle_burst
  }
}

# What API Gateway answers on its own comes in the app's documented
# `{code, message, details}` shape (chalicelib/api/responses.py), as the local
# server makes it (local/gateway_errors.py). A path, or a method on a path, that
# no route has would otherwise be 403 "Missing Authentication Token" (or, with
# the mini-program's `Authorization: Bearer` header, an incomplete-signature
# 403): both are 404 not_found. The app answers 405 and 415 itself.
locals {
  gateway_responses = {
    MISSING_AUTHENTICATION_TOKEN = { status = "404", code = "not_found", message = "\"no such path, or no such method on it\"" }
    INCOMPLETE_SIGNATURE         = { status = "404", code = "not_found", message = "\"no such path, or no such method on it\"" }
    REQUEST_TOO_LARGE            = { status = "413", code = "too_large", message = "\"the request body is over API Gateway's 10 MB\"" }
    UNSUPPORTED_MEDIA_TYPE       = { status = "415", code = "unsupported_media_type", message = "$context.error.messageString" }
    THROTTLED                    = { status = "429", code = "rate_limited", message = "\"too many requests; try again shortly\"" }
    QUOTA_EXCEEDED               = { status = "429", code = "rate_limited", message = "\"too many requests; try again later\"" }
    INTEGRATION_TIMEOUT          = { status = "504", code = "timeout", message = "\"the shop took too long to answer; try again\"" }
    DEFAULT_4XX                  = { status = null, code = "invalid_request", message = "$context.error.messageString" }
    DEFAULT_5XX                  = { status = null, code = "unavailable", message = "$context.error.messageString" }
  }
}

# Gateway responses take effect with the next deployment of the stage
# (chalice.tf.json's deployment is triggered by the API document's hash).
resource "aws_api_gateway_gateway_response" "documented" {
  for_each = local.gateway_responses

  rest_api_id   = aws_api_gateway_rest_api.rest_api.id
  response_type = each.key
  status_code   = each.value.status

  response_templates = {
    "application/json" = "{\"code\":\"${each.value.code}\",\"message\":${each.value.message},\"details\":{}}"
  }
}
