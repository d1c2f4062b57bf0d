"""The low-level API client."""
from .client import APIClient

__all__ = ["APIClient"]
