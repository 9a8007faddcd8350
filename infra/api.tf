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
