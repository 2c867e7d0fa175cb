"""Reading a large funnel export ahead, while ``workbook check`` imports pandas and reads the other files.

Only a start: :func:`helpers.fileio.read_ahead` parses ``funnel.csv`` with pyarrow on its own
thread, and the funnel reader (:mod:`helpers.engagement.funnel`) takes the table when it reads the
file, with every check it makes. This module imports no pandas (its point is to start before
pandas is imported), so it does not know the mapping that will be chosen: it reads ahead every
column whose header occurs in the text of a bundled CRM mapping or of ``engagement.yaml``
(``columns:``), or is one of the reader's own column names (an export may already use them):
every column the reader can map, and a few more.
"""

from __future__ import annotations

from pathlib import Path

from helpers.content.crm import CRM_DIR
from helpers.fileio import YAML_MAX_BYTES, read_ahead
from helpers.vocabulary import FUNNEL_COLUMNS_OWN

#: The funnel file read ahead (``funnel.xlsx`` is not: the CSV wins when both exist, as in the reader).
FUNNEL_CSV = "funnel.csv"


def _words(folder: Path) -> str:
    """The lower-case text of every file that can name a funnel column, and the reader's own names."""
    parts = list(FUNNEL_COLUMNS_OWN)
    for path in [folder / "engagement.yaml", *sorted(CRM_DIR.glob("*.yaml"))]:
        try:
            if path.stat().st_size <= YAML_MAX_BYTES:
                parts.append(path.read_bytes().decode("utf-8", errors="replace").lower())
        except OSError:
            continue
    return "\n".join(parts)


def read_funnel_ahead(folder: str | Path) -> bool:
    """Start reading ``folder/funnel.csv`` ahead when it is large; True when started.

    Parameters
    ----------
    folder : str or Path
        An engagement folder.
    """
    path = Path(folder) / FUNNEL_CSV
    if not path.is_file():
        return False
    words = _words(Path(folder))
    return read_ahead(path, lambda name: bool(name.strip()) and name.strip().lower() in words)
