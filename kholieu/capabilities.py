"""The capabilities the product is made of, in one list.

The app factory, the service builder, the job queue and Alembic loop over ``CAPABILITIES``, so
adding a capability means adding its package here and nowhere else (docs/DESIGN.md). Each
package may hold a ``models`` module (its tables), and its ``__init__`` may define
``routers()`` (its routers) and ``register(registry)`` (its jobs and search loaders).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from kholieu.search.fields import prepared

if TYPE_CHECKING:
    from fastapi import APIRouter

    from kholieu.jobs.queue import FailureHook, TaskFunction
    from kholieu.search.outbox import Lister, Loader
    from kholieu.search.service import Scope
    from kholieu.services import Services
    from kholieu.storage.sweep import Holder, Referenced

CAPABILITIES = (
    "accounts", "audit", "search", "outcomes", "content", "textbooks", "video", "bank", "quiz",
    "classes", "space", "site",
)  # fmt: skip


def load_models() -> None:
    """Import every capability's ``models`` so ``Base.metadata`` knows every table."""
    for name in ("jobs", *CAPABILITIES):  # the jobs table belongs to the platform
        module = f"kholieu.{name}.models"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


@dataclass
class Registry:
    """What a capability's ``register(registry)`` may add: jobs, search-document loaders and
    the object keys it owns (for the sweeper). ``services`` gives it the built services to
    bind into its jobs (a job receives what it uses, never the whole bag)."""

    services: Services

    def job(
        self,
        name: str,
        fn: TaskFunction,
        *,
        retries: int | None = None,
        on_failure: FailureHook | None = None,
    ) -> None:
        self.services.platform.queue.register(name, fn, retries=retries, on_failure=on_failure)

    def search_index(self, index: str, loader: Loader, lister: Lister, scope: Scope) -> None:
        """An index fed from the database by ``loader``/``lister``, searched within ``scope``
        (the capability's policy: who may find what)."""
        self.services.platform.outbox.register_loader(index, prepared(index, loader), lister)
        self.services.searching.add_scope(index, scope)

    def stored_objects(
        self, owner: str, prefix: str, referenced: Referenced, *, kind: str = "unreferenced"
    ) -> None:
        """Object keys under ``prefix`` are ``owner``'s; ``referenced(session, keys, now)``
        says which of a batch of them its rows name. The sweeper removes the others once they
        are older than its grace period; keys under no owner's prefix are never removed."""
        self.services.platform.sweeper.own(owner, prefix, referenced, kind=kind)

    def held_uploads(self, holder: Holder) -> None:
        """``holder(session, upload_ids)``: the store's multipart uploads a row still holds
        open; the sweeper aborts the other old ones."""
        self.services.platform.sweeper.hold_uploads(holder)


def _packages() -> Iterator[ModuleType]:
    for name in CAPABILITIES:
        yield importlib.import_module(f"kholieu.{name}")


def register_all(services: Services) -> None:
    """Let every capability add its jobs and search loaders (called once, by build_services)."""
    registry = Registry(services)
    for package in _packages():
        if hasattr(package, "register"):
            package.register(registry)


def routers() -> list[APIRouter]:
    """Every capability's routers, in the order of ``CAPABILITIES``."""
    return [router for package in _packages() if hasattr(package, "routers")
            for router in package.routers()]  # fmt: skip
