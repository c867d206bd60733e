"""Print the README's two commands (the first ``sh`` block), one a line, for .ci/run to run verbatim.

CI runs what the README says, not a copy of it: change the README and CI runs the new commands.
Fails (exit 2, with the reason) when the first code block is not exactly two commands.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
FENCE = re.compile(r"^```(?:sh|bash|console)\s*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def readme_commands(text: str) -> list[str]:
    """The non-blank lines of the README's first shell block: what a new user types first."""
    block = FENCE.search(text)
    if block is None:
        raise ValueError("README.md has no ```sh block: the first one must hold the two commands.")
    commands = [line.rstrip() for line in block.group(1).splitlines() if line.strip()]
    if len(commands) != 2:
        raise ValueError(
            f"README.md's first ```sh block has {len(commands)} lines; it must hold two commands."
        )
    return commands


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else README
    try:
        commands = readme_commands(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    print("\n".join(commands))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
