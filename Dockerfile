# Polku's app image: the dependencies exactly as locked in uv.lock, run as a non-root user.
# No secrets in it: DATABASE_URL comes from the environment and .streamlit/secrets.toml is
# mounted when the container runs (compose.yaml; README "Deploying").
#   docker build -t polku .
#   docker run --rm -e DATABASE_URL=... polku init      # migrations and the project plan
#   docker run -d -e DATABASE_URL=... -v $PWD/secrets.toml:/app/.streamlit/secrets.toml:ro polku
FROM python:3.11-slim-bookworm

# uv as pinned in the Makefile (UV_VERSION); tests/test_deploy.py checks that they agree
ARG UV_VERSION=0.13.9
# pg_dump and pg_restore for `python -m polku backup|restore`, of the server's major version
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir "uv==${UV_VERSION}"

ENV UV_PROJECT_ENVIRONMENT=/opt/polku/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/opt/polku/venv/bin:$PATH \
    PYTHONUNBUFFERED=1
WORKDIR /app
# The dependencies first: this layer is rebuilt only when the lock file changes
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev

# The code stays root's (read-only to the app); the app's user owns only its home
RUN useradd --system --create-home --uid 10001 --shell /usr/sbin/nologin polku
USER polku
ENV HOME=/home/polku

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["serve"]
