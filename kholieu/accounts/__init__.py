"""Accounts: users, roles, passwords, API and session tokens, and who may call what."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kholieu.accounts import admin_api, admin_pages, api, pages

    return [api.router, admin_api.router, pages.router, admin_pages.router]
