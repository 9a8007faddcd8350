"""The tables the AWS runtime uses are the ones infra/ defines."""

from local.aws_tables import create_tables, delete_tables, table_definitions
from local.engines import Engines


def test_terraform_table_blocks_create_real_tables_with_streams(engines: Engines) -> None:
    dynamodb = engines.client("dynamodb")
    names = create_tables(dynamodb, "tables-test")
    try:
        assert set(names) == set(table_definitions("tables-test"))
        events = dynamodb.describe_table(TableName=names["events"])["Table"]
        assert events["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
        views = dynamodb.describe_table(TableName=names["views"])["Table"]
        assert {i["IndexName"] for i in views["GlobalSecondaryIndexes"]} == {
            "by_group",
            "by_generation",
        }
        ttl = dynamodb.describe_time_to_live(TableName=names["idempotency"])
        assert ttl["TimeToLiveDescription"]["AttributeName"] == "purge_at"
        assert ttl["TimeToLiveDescription"]["TimeToLiveStatus"] in ("ENABLING", "ENABLED")
        assert create_tables(dynamodb, "tables-test") == names  # idempotent
    finally:
        delete_tables(dynamodb, "tables-test")
