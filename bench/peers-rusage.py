"""Runs a command and reports what it cost: bench/peers-rusage.py OUT.json CMD [ARGS...]

Writes {"wall": s, "user": s, "sys": s, "maxRssKiB": n, "code": n} to OUT.json. The figures come
from wait4(2) on the child, so they cover the command and the children it waited for, and none
of this wrapper's own start-up (the clock starts right before the spawn).
"""
import json
import os
import sys
import time

out, argv = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
pid = os.posix_spawnp(argv[0], argv, os.environ)
_, status, ru = os.wait4(pid, 0)
wall = time.monotonic() - t0
code = os.waitstatus_to_exitcode(status)
with open(out, "w") as f:
    json.dump({"wall": wall, "user": ru.ru_utime, "sys": ru.ru_stime,
               "maxRssKiB": ru.ru_maxrss, "code": code}, f)
sys.exit(0)
