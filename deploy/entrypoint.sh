#!/bin/sh
# The container's entrypoint (Dockerfile). `serve`, the default: the app on port 8501.
# Anything else is a `python -m polku` command: `init` (migrations and the project plan; run
# it once before starting the replicas of a new version), `user add EMAIL --role admin`,
# `backup FILE`, ...
set -eu
if [ "${1:-serve}" = serve ]; then
    [ $# -gt 0 ] && shift
    exec streamlit run streamlit_app.py \
        --server.port 8501 --server.address 0.0.0.0 --server.headless true \
        --browser.gatherUsageStats false --server.fileWatcherType none "$@"
fi
exec python -m polku "$@"
