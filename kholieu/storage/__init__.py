"""Object storage: the ObjectStore contract, LocalStore (default) and S3Store."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from kholieu.config import Settings
from kholieu.storage.base import ObjectInfo, ObjectStore, ObjectStream, Part
from kholieu.storage.local import LocalStore


def make_store(settings: Settings) -> ObjectStore:
    """The store ``KHOLIEU_STORAGE_URL`` names; boto3 is imported only when S3 is used."""
    url = settings.storage_url
    if url.startswith("s3://"):
        from kholieu.storage.s3 import S3Store

        return S3Store.from_url(
            url,
            connect_timeout=settings.storage_connect_timeout_s,
            read_timeout=settings.storage_read_timeout_s,
            max_attempts=settings.storage_attempts,
            cooloff_s=settings.storage_cooloff_s,
        )
    return LocalStore(Path(unquote(urlsplit(url).path)), settings.secret_key.get_secret_value())


__all__ = ["ObjectInfo", "ObjectStore", "ObjectStream", "Part", "make_store"]
