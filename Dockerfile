# LSTM Viz: one Streamlit server per container, on port 8501 (docs/deploy.md).
#   docker build -t lstm-viz . && docker run --rm -p 8501:8501 lstm-viz
# The newest Python CI tests (README); pip resolves the newest Streamlit there.
FROM python:3.13-slim

# One BLAS thread per server: the core's per-step products are small and threaded OpenBLAS
# was measured slower on them; a replica's sessions share its cores anyway. No file
# watcher: the code in an image never changes.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1 \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    HOME=/home/app

# The runtime packages only (requirements.txt), in their own layer, as root.
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# The app, owned by root and read-only to the user that runs it.
COPY .streamlit/ .streamlit/
COPY app.py ./
COPY pages/ pages/
COPY ui/ ui/
COPY figures/ figures/
COPY text/ text/
COPY lstm_viz/ lstm_viz/
COPY classroom/ classroom/
COPY serve/ serve/
COPY asgi.py ./

# Streamlit's frontend bundles and the /gates player's plotly.js, compressed once here (gzip
# and brotli, serve/), read-only at run time: asgi.py sends them as each browser accepts (a
# first load of /gates of 3.0 MB: README, "First load"). The same step puts plotly.js into
# /app/static/ as plotly.<hash>.min.js (figures/plotly_js.py), served by the app itself (no
# CDN): the app cannot write there at run time (ui/player.serve_plotly).
ENV LSTM_VIZ_STATIC_CACHE=/app/.static-cache
RUN python -m serve --cache /app/.static-cache

RUN useradd --uid 10001 --user-group --create-home --home-dir /home/app --shell /usr/sbin/nologin app
USER 10001:10001

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://localhost:8501/_stcore/health', timeout=4).read() != b'ok')"]
CMD ["streamlit", "run", "asgi.py", "--server.address=0.0.0.0", "--server.headless=true"]
