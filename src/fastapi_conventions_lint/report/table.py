"""A plain-text table that fits a width: the least useful columns are left out first, then the
cells of the least useful columns left are cut with an ellipsis (widest first; a cell keeps its
start, or its end where that is what tells: a file path, a qualified name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

GAP = "  "
ELLIPSIS = "…"
MIN_WIDTH = 12


@dataclass(frozen=True)
class Column:
    header: str
    drop_rank: int = 0  # 0: always shown; otherwise left out when too wide, lowest rank first
    keep_end: bool = False  # a cut cell keeps its end (a file path) instead of its start
    cut_rank: int = 1  # 0: never cut; otherwise cut when too wide, lowest rank first
    min_width: int = MIN_WIDTH  # a cut cell keeps this many characters (or its header's)


@dataclass(frozen=True)
class Fitted:
    text: str
    left_out: Tuple[str, ...]  # headers of the columns left out
    cut: bool  # some cell was shortened


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + len(GAP) * max(len(widths) - 1, 0)


def _cut(cell: str, width: int, keep_end: bool) -> str:
    if len(cell) <= width:
        return cell
    if width <= 1:
        return ELLIPSIS[:width]
    return ELLIPSIS + cell[-(width - 1):] if keep_end else cell[: width - 1] + ELLIPSIS


def fit(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: Optional[int] = None) -> Fitted:
    """The table in `width` characters a line (no limit when None)."""
    shown = list(range(len(columns)))
    widths = {i: max([len(columns[i].header)] + [len(row[i]) for row in rows]) for i in shown}
    left_out: List[str] = []
    if width is not None:
        for i in sorted((i for i in shown if columns[i].drop_rank), key=lambda i: columns[i].drop_rank):
            if _total([widths[j] for j in shown]) <= width:
                break
            shown.remove(i)
            left_out.append(columns[i].header)
        excess = _total([widths[j] for j in shown]) - width
        # Cut to each column's minimum first; when that is not enough, down to its header's width.
        for floors in (
            {i: max(columns[i].min_width, len(columns[i].header)) for i in shown if columns[i].cut_rank},
            {i: len(columns[i].header) for i in shown if columns[i].cut_rank},
        ):
            while excess > 0:
                # Narrow the widest column of the lowest rank that can still give.
                giving = [i for i in floors if widths[i] > floors[i]]
                if not giving:
                    break
                rank = min(columns[i].cut_rank for i in giving)
                widest = max((i for i in giving if columns[i].cut_rank == rank), key=lambda i: widths[i])
                widths[widest] -= 1
                excess -= 1
    cut = False
    lines = []
    for row in [tuple(column.header for column in columns)] + [tuple(row) for row in rows]:
        cells = []
        for i in shown:
            cell = _cut(row[i], widths[i], columns[i].keep_end)
            cut = cut or cell != row[i]
            cells.append(cell.ljust(widths[i]))
        lines.append(GAP.join(cells).rstrip())
    return Fitted("\n".join(lines) + "\n", tuple(left_out), cut)
