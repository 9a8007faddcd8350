"""Personal data sealed under per-member keys: round trips, the layout,
binding to the member, tampering and crypto-shredding."""

from __future__ import annotations

import base64
import json
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chalicelib.adapters.pii import KeyStore, PersonalData

ADDRESS = {
    "receiver": "张三",
    "phone": "13800138000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园路 1 号 3 栋 502",
}


class MemoryKeys:
    """A key store in a dict, counting the calls the vault makes."""

    def __init__(self) -> None:
        self.keys: dict[UUID, bytes] = {}
        self.gets = 0

    def get(self, member_id: UUID) -> bytes | None:
        self.gets += 1
        return self.keys.get(member_id)

    def put_if_absent(self, member_id: UUID, key: bytes) -> bytes:
        return self.keys.setdefault(member_id, key)

    def delete(self, member_id: UUID) -> None:
        self.keys.pop(member_id, None)


class RacedKeys(MemoryKeys):
    """Another writer stores its key between the vault's get and its put."""

    def __init__(self, winner: bytes) -> None:
        super().__init__()
        self.winner = winner

    def put_if_absent(self, member_id: UUID, key: bytes) -> bytes:
        self.keys.setdefault(member_id, self.winner)
        return super().put_if_absent(member_id, key)


@pytest.fixture
def keys() -> MemoryKeys:
    return MemoryKeys()


@pytest.fixture
def vault(keys: MemoryKeys) -> PersonalData:
    store: KeyStore = keys
    return PersonalData(store)


def blob(sealed: str) -> bytes:
    assert sealed.startswith("pii1:")
    return base64.urlsafe_b64decode(sealed.removeprefix("pii1:"))


@pytest.mark.parametrize(
    "text", ["13800138000", "张三", "广东省深圳市南山区科技园路 1 号", "", "🙂"]
)
def test_a_sealed_text_opens_to_itself(vault: PersonalData, text: str) -> None:
    member = uuid4()

    assert vault.open(member, vault.seal(member, text)) == text


def test_the_layout_is_nonce_then_aes_gcm_under_the_members_key_bound_to_the_member(
    vault: PersonalData, keys: MemoryKeys
) -> None:
    member = uuid4()
    text = "张三 13800138000"

    sealed = vault.seal(member, text)

    key = keys.keys[member]
    assert len(key) == 32
    raw = blob(sealed)
    nonce, ciphertext = raw[:12], raw[12:]
    assert len(ciphertext) == len(text.encode()) + 16
    assert AESGCM(key).decrypt(nonce, ciphertext, member.bytes) == text.encode()
    assert sealed == "pii1:" + base64.urlsafe_b64encode(raw).decode()


def test_a_value_sealed_elsewhere_with_the_same_key_and_layout_opens(
    vault: PersonalData, keys: MemoryKeys
) -> None:
    member = UUID("7d9f3c2e-1b4a-4e5f-8a6b-0c1d2e3f4a5b")
    keys.keys[member] = bytes(range(32))
    nonce = bytes(12)
    ciphertext = AESGCM(bytes(range(32))).encrypt(nonce, "李四".encode(), member.bytes)
    sealed = "pii1:" + base64.urlsafe_b64encode(nonce + ciphertext).decode()

    assert vault.open(member, sealed) == "李四"


def test_the_sealed_value_never_contains_the_text(vault: PersonalData) -> None:
    member = uuid4()
    for text in ["13800138000", "张三", "Zhang San, 1 Keji Road"]:
        sealed = vault.seal(member, text)
        assert text not in sealed
        assert text.encode() not in blob(sealed)
        assert base64.urlsafe_b64encode(text.encode()).decode().rstrip("=") not in sealed


def test_every_seal_takes_a_fresh_nonce(vault: PersonalData) -> None:
    member = uuid4()
    sealed = {vault.seal(member, "13800138000") for _ in range(50)}

    assert len(sealed) == 50
    assert len({blob(s)[:12] for s in sealed}) == 50


def test_one_key_per_member_made_on_first_seal(vault: PersonalData, keys: MemoryKeys) -> None:
    alice, bob = uuid4(), uuid4()
    assert not vault.has_key(alice)

    vault.seal(alice, "a")
    first = keys.keys[alice]
    vault.seal(alice, "b")
    vault.seal(bob, "c")

    assert vault.has_key(alice)
    assert keys.keys[alice] == first
    assert keys.keys[bob] != first


def test_opening_never_makes_a_key(vault: PersonalData, keys: MemoryKeys) -> None:
    alice, bob = uuid4(), uuid4()

    assert vault.open(bob, vault.seal(alice, "张三")) is None
    assert not vault.has_key(bob)
    assert bob not in keys.keys


def test_a_key_stored_first_by_a_concurrent_writer_is_the_one_used() -> None:
    winner = AESGCM.generate_key(bit_length=256)
    member = uuid4()
    vault = PersonalData(RacedKeys(winner))

    raw = blob(vault.seal(member, "张三"))

    assert AESGCM(winner).decrypt(raw[:12], raw[12:], member.bytes) == "张三".encode()


def test_a_value_sealed_for_one_member_does_not_open_as_another(vault: PersonalData) -> None:
    alice, bob = uuid4(), uuid4()
    vault.seal(bob, "bob's own")  # bob has a key too

    assert vault.open(bob, vault.seal(alice, "张三")) is None


def test_the_same_key_under_another_member_id_does_not_open_it(
    vault: PersonalData, keys: MemoryKeys
) -> None:
    alice, bob = uuid4(), uuid4()
    sealed = vault.seal(alice, "张三")
    keys.keys[bob] = keys.keys[alice]

    assert vault.open(bob, sealed) is None


def tampered(sealed: str) -> list[str]:
    raw = blob(sealed)
    flips = []
    for index in (0, 11, 12, len(raw) - 17, len(raw) - 1):  # nonce, text, tag
        changed = bytearray(raw)
        changed[index] ^= 0x01
        flips.append("pii1:" + base64.urlsafe_b64encode(bytes(changed)).decode())
    return [
        *flips,
        "pii1:" + base64.urlsafe_b64encode(raw[:-1]).decode(),  # truncated tag
        "pii1:" + base64.urlsafe_b64encode(raw[:27]).decode(),  # shorter than nonce + tag
        "pii1:" + base64.urlsafe_b64encode(raw + b"\x00").decode(),  # extended
        sealed + "A",  # not base64 any more
        sealed.rstrip("=") + "!",
        sealed.replace("pii1:", "pii2:"),
        sealed.removeprefix("pii1:"),
        "pii1:",
        "pii1:" + " " + sealed.removeprefix("pii1:"),
        "pii1:" + sealed.removeprefix("pii1:").replace("-", "+").replace("_", "/"),
        "张三",
        "",
    ]


def test_an_altered_or_foreign_value_opens_to_none_without_raising(
    vault: PersonalData,
) -> None:
    member = uuid4()
    sealed = vault.seal(member, "张三 13800138000 广东省深圳市")
    while "-" not in sealed and "_" not in sealed:  # make the alphabet check meaningful
        sealed = vault.seal(member, "张三 13800138000 广东省深圳市")

    for value in tampered(sealed):
        assert value != sealed
        assert vault.open(member, value) is None, value
    assert vault.open(member, sealed) == "张三 13800138000 广东省深圳市"


def test_nothing_sealed_opens_to_none(vault: PersonalData, keys: MemoryKeys) -> None:
    member = uuid4()

    assert vault.open(member, None) is None
    assert vault.open_json(member, None) is None
    assert keys.gets == 0


def test_shredding_makes_every_value_of_that_member_unreadable_and_only_theirs(
    vault: PersonalData,
) -> None:
    alice, bob = uuid4(), uuid4()
    phone, address = vault.seal(alice, "13800138000"), vault.seal_json(alice, ADDRESS)
    bobs = vault.seal(bob, "13900139000")

    vault.shred(alice)

    assert not vault.has_key(alice)
    assert vault.open(alice, phone) is None
    assert vault.open_json(alice, address) is None
    assert vault.open(bob, bobs) == "13900139000"
    vault.shred(alice)  # shredding twice is fine


def test_a_new_key_after_shredding_does_not_revive_old_values(vault: PersonalData) -> None:
    member = uuid4()
    old = vault.seal(member, "13800138000")
    vault.shred(member)

    new = vault.seal(member, "13900139000")

    assert vault.open(member, old) is None
    assert vault.open(member, new) == "13900139000"


def test_keys_are_not_cached_so_a_shred_elsewhere_takes_effect_at_once(
    keys: MemoryKeys,
) -> None:
    member = uuid4()
    here, elsewhere = PersonalData(keys), PersonalData(keys)
    sealed = here.seal(member, "13800138000")
    assert here.open(member, sealed) == "13800138000"

    elsewhere.shred(member)

    assert here.open(member, sealed) is None


def test_json_round_trip_is_compact_and_keeps_chinese(vault: PersonalData) -> None:
    member = uuid4()

    sealed = vault.seal_json(member, ADDRESS)

    assert vault.open_json(member, sealed) == ADDRESS
    text = vault.open(member, sealed)
    assert text == json.dumps(ADDRESS, ensure_ascii=False, separators=(",", ":"))
    assert text is not None and "张三" in text and "\\u" not in text
    assert "张三" not in sealed and "13800138000" not in sealed


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '"a string"', "3"])
def test_json_that_is_not_an_object_opens_to_none(vault: PersonalData, text: str) -> None:
    member = uuid4()

    assert vault.open_json(member, vault.seal(member, text)) is None
