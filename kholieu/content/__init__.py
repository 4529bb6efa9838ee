"""Lectures, videos, labs and documents (built by the content-repository issue)."""
