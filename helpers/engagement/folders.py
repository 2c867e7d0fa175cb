"""Which folders are engagement folders: a look at the file system, nothing read or imported.

Kept apart from the readers so that commands which only list folders (``workbook batch``'s
coordinator, ``workbook check`` on a portfolio) start without importing pandas.
"""

from __future__ import annotations

from pathlib import Path

#: The file that makes a folder an engagement folder.
ENGAGEMENT_FILE = "engagement.yaml"


def is_engagement(folder: Path) -> bool:
    """True when ``folder`` holds an ``engagement.yaml``."""
    return (Path(folder) / ENGAGEMENT_FILE).is_file()


def find_engagements(root: Path) -> list[Path]:
    """Engagement folders directly under ``root`` (sorted by name)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and is_engagement(p))
