"""Kho Học Liệu: an open learning-content repository for Vietnam's schools."""

__version__ = "0.1.0"
