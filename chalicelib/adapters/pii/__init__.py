"""Personal data sealed under per-member keys, and the stores of those keys."""

from .dynamodb_keys import DynamoDBKeyStore
from .sqlite_keys import SQLiteKeyStore
from .vault import KeyStore, PersonalData

__all__ = ["DynamoDBKeyStore", "KeyStore", "PersonalData", "SQLiteKeyStore"]
