"""The project store: one database per project, reached through SQLAlchemy."""
from .migrations import SCHEMA_VERSION
from .store import Store, now

__all__ = ["Store", "SCHEMA_VERSION", "now"]
