"""A Markdown table of text cells, as the benchmarks print them and the README shows them."""

from __future__ import annotations


def markdown(lines: list[list[str]]) -> str:
    """The first line is the header; every column as wide as its widest cell."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for number, line in enumerate(lines):
        out.append("| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) + " |")
        if number == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)
