"""Compress Streamlit's frontend bundles and the app's plotly.js into the cache now, not at the
server's first start, and put plotly.js into the app's static/ folder.

    python -m serve                  # into $LSTM_VIZ_STATIC_CACHE or ~/.cache/lstm-viz/static
    python -m serve --cache /opt/lstm-viz/static   # e.g. while building the image
"""

import argparse
import sys
import time
from pathlib import Path

from figures import plotly_js
from serve.precompressed import (
    BROTLI_QUALITY,
    app_files,
    default_cache_root,
    ensure_app,
    sources,
    static_dir,
)

APP_STATIC = Path(__file__).resolve().parents[1] / "static"  # served at /app/static/


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=None,
                        help=f"cache folder (default {default_cache_root()})")
    parser.add_argument("--quality", type=int, default=BROTLI_QUALITY, choices=range(12),
                        metavar="0-11", help=f"brotli quality (default {BROTLI_QUALITY})")
    parser.add_argument("--app-static", type=Path, default=APP_STATIC,
                        help=f"the app's static folder, for plotly.js (default {APP_STATIC})")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    bundle = ensure_app(args.cache, args.quality)
    files = sources(static_dir(), app_files())
    plain = sum(files[rel].stat().st_size for rel in bundle.files)
    sizes = {enc: sum(v[enc][1].st_size for v in bundle.files.values() if enc in v)
             for enc in ("br", "gzip")}
    print(f"{bundle.root}: {len(bundle.files)} files, {plain / 1e6:.1f} MB plain → "
          + ", ".join(f"{enc} {size / 1e6:.1f} MB" for enc, size in sizes.items())
          + f" ({time.perf_counter() - start:.1f} s)")
    print(f"plotly.js for the gates player: {plotly_js.install(args.app_static)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
