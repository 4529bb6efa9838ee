"""Textbooks: a PDF content item with its pages' text, its table of contents as a tree of
chương and bài with page ranges, and the learning material linked to each bài."""

from __future__ import annotations
