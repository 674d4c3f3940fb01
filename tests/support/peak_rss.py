"""Run a command and write its exit status and peak resident set (KiB) to a file: ``peak_rss.py OUT CMD...``.

Why a launcher: Linux keeps a process's high-water RSS across ``fork`` and ``exec``, so a command forked straight
from a large pytest process reports pytest's size, not its own. Forked from this small process instead, the
child's peak is its own (plus this launcher's few MiB).
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    out, *command = sys.argv[1:]
    pid = os.fork()
    if pid == 0:
        os.execv(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    with open(out, "w", encoding="ascii") as handle:
        handle.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}\n")
    sys.exit(0)


if __name__ == "__main__":
    main()
