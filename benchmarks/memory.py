"""The app's peak memory: a process of its own opens every page each role may open, cold and
warm, on one database, and prints its peak resident memory (VmHWM) as one JSON line.

    python -m benchmarks.memory DATABASE_URL
"""

from __future__ import annotations

import json
import sys

from benchmarks import pages
from benchmarks.databases import peak_rss_mb


def main(url: str) -> int:
    views, registries = pages.views(url)
    for view in views:
        pages.use_database(url)
        at = pages.open_page(view, registries[view.email])
        at.run()
    print(json.dumps({"views": len(views), "peak_rss_mb": round(peak_rss_mb(), 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
