"""Members' keys in DynamoDB (AWS runtime), on DynamoDB Local: made once even
when threads race, read strongly consistent, gone once deleted."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import uuid4

from chalicelib.adapters.dynamodb.connection import Tables
from chalicelib.adapters.pii import DynamoDBKeyStore, PersonalData
from local.aws_tables import table_definitions


def new_key() -> bytes:
    return os.urandom(32)


def test_the_keys_table_is_the_one_infra_defines(ddb: Any, tables: Tables) -> None:
    block = table_definitions(tables.prefix)["keys"]
    table = ddb.describe_table(TableName=tables.keys)["Table"]

    assert block["name"] == tables.keys
    assert table["KeySchema"] == [{"AttributeName": "member_id", "KeyType": "HASH"}]
    assert "StreamSpecification" not in table or not table["StreamSpecification"].get(
        "StreamEnabled"
    )


def test_a_key_is_stored_once_and_read_back(ddb: Any, tables: Tables) -> None:
    store = DynamoDBKeyStore(ddb, tables.keys)
    member = uuid4()
    first, second = new_key(), new_key()

    assert store.get(member) is None
    assert store.put_if_absent(member, first) == first
    assert store.put_if_absent(member, second) == first
    assert store.get(member) == first
    assert store.get(uuid4()) is None

    item = ddb.get_item(
        TableName=tables.keys, Key={"member_id": {"S": str(member)}}, ConsistentRead=True
    )["Item"]
    assert set(item) == {"member_id", "key", "created_at"}
    assert item["key"]["B"] == first
    assert item["created_at"]["S"].startswith("20")


def test_racing_threads_all_get_the_one_key_stored(ddb: Any, tables: Tables) -> None:
    store = DynamoDBKeyStore(ddb, tables.keys)
    member = uuid4()
    start = threading.Barrier(20)

    def put(_: int) -> bytes:
        start.wait()
        return store.put_if_absent(member, new_key())

    with ThreadPoolExecutor(max_workers=20) as pool:
        stored = list(pool.map(put, range(20)))

    assert len(set(stored)) == 1
    assert store.get(member) == stored[0]


def test_racing_seals_of_a_new_member_all_open(ddb: Any, tables: Tables) -> None:
    vault = PersonalData(DynamoDBKeyStore(ddb, tables.keys))
    member = uuid4()
    start = threading.Barrier(20)

    def seal(i: int) -> str:
        start.wait()
        return vault.seal(member, f"13800138{i:03d}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        sealed = list(pool.map(seal, range(20)))

    assert [vault.open(member, s) for s in sealed] == [f"13800138{i:03d}" for i in range(20)]


def test_a_deleted_key_is_gone(ddb: Any, tables: Tables) -> None:
    store = DynamoDBKeyStore(ddb, tables.keys)
    member, other = uuid4(), uuid4()
    store.put_if_absent(member, new_key())
    kept = store.put_if_absent(other, new_key())

    store.delete(member)

    assert store.get(member) is None
    assert store.get(other) == kept
    store.delete(member)  # deleting again is fine
    fresh = new_key()
    assert store.put_if_absent(member, fresh) == fresh


def test_a_shredded_members_data_reads_as_none(ddb: Any, tables: Tables) -> None:
    here = PersonalData(DynamoDBKeyStore(ddb, tables.keys))
    elsewhere = PersonalData(DynamoDBKeyStore(ddb, tables.keys))
    member = uuid4()
    sealed = here.seal_json(member, {"receiver": "张三", "phone": "13800138000"})
    assert elsewhere.open_json(member, sealed) == {"receiver": "张三", "phone": "13800138000"}

    elsewhere.shred(member)

    assert here.open_json(member, sealed) is None
    assert not here.has_key(member)


class DeletesAfterRefusal:
    """The real client, but the first refused put finds the stored key deleted
    before it can read it (another function shredded it in between)."""

    def __init__(self, ddb: Any) -> None:
        self.ddb = ddb
        self.exceptions = ddb.exceptions
        self.refused = 0

    def put_item(self, **request: Any) -> Any:
        try:
            return self.ddb.put_item(**request)
        except self.ddb.exceptions.ConditionalCheckFailedException:
            self.refused += 1
            if self.refused == 1:
                self.ddb.delete_item(TableName=request["TableName"], Key=self.key(request))
            raise

    @staticmethod
    def key(request: dict[str, Any]) -> dict[str, Any]:
        return {"member_id": request["Item"]["member_id"]}

    def get_item(self, **request: Any) -> Any:
        return self.ddb.get_item(**request)

    def delete_item(self, **request: Any) -> Any:
        return self.ddb.delete_item(**request)


def test_a_key_deleted_between_a_refused_put_and_the_read_is_put_again(
    ddb: Any, tables: Tables
) -> None:
    racing = DeletesAfterRefusal(ddb)
    store = DynamoDBKeyStore(racing, tables.keys)
    member = uuid4()
    store.put_if_absent(member, new_key())
    ours = new_key()

    assert store.put_if_absent(member, ours) == ours
    assert store.get(member) == ours
    assert racing.refused == 1
