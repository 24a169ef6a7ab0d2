# The Infobip SMS simulator as a service container. Configured only by INFOBIP_SIM_* variables
# (see README.md, "Configuration"); HEALTHCHECK reads the same ones, so a custom port works.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/infobip-simulator
COPY pyproject.toml README.md ./
COPY simulator ./simulator
RUN pip install --no-cache-dir . \
    && groupadd --system --gid 10001 simulator \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin \
        simulator \
    && install -d -o 10001 -g 10001 /data

# For --db: a named volume mounted here starts owned by the simulator's user.
VOLUME ["/data"]
USER 10001:10001
ENV INFOBIP_SIM_HOST=0.0.0.0 \
    INFOBIP_SIM_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
    CMD ["infobip-simulator", "healthcheck"]
ENTRYPOINT ["infobip-simulator"]
