"""Compress Streamlit's frontend bundles into the cache now, not at the server's first start.

    python -m serve                  # into $LSTM_VIZ_STATIC_CACHE or ~/.cache/lstm-viz/static
    python -m serve --cache /opt/lstm-viz/static   # e.g. while building the image
"""

import argparse
import sys
import time
from pathlib import Path

from serve.precompressed import BROTLI_QUALITY, default_cache_root, ensure, static_dir


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=None,
                        help=f"cache folder (default {default_cache_root()})")
    parser.add_argument("--quality", type=int, default=BROTLI_QUALITY, choices=range(12),
                        metavar="0-11", help=f"brotli quality (default {BROTLI_QUALITY})")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    bundle = ensure(static_dir(), args.cache, args.quality)
    plain = sum((static_dir() / rel).stat().st_size for rel in bundle.files)
    sizes = {enc: sum(v[enc][1].st_size for v in bundle.files.values() if enc in v)
             for enc in ("br", "gzip")}
    print(f"{bundle.root}: {len(bundle.files)} files, {plain / 1e6:.1f} MB plain → "
          + ", ".join(f"{enc} {size / 1e6:.1f} MB" for enc, size in sizes.items())
          + f" ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
