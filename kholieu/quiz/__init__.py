"""Quizzes: blueprints, assembly, exam versions, attempts, grading, statistics, printing
(papers, answer sheets, paper sets), and the quiz API and pages."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from kholieu.quiz import api, take_pages, teacher_pages

    return [api.router, take_pages.router, teacher_pages.router]
