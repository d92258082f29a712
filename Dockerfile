# The Telegram bot with the seed collection and a prebuilt index.
#   docker build -t speech-quotes .
#   docker run --env-file .env -v speeches:/data speech-quotes

# The package has one C module (index/_kernel.c): build the wheel where there is a compiler.
FROM python:3.11 AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY index ./index
COPY bot ./bot
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SPEECHES_DB=/data/speeches.sqlite \
    SPEECHES_DIR=/data/speeches \
    BOT_STATE_DB=/data/bot-state.sqlite

RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --home-dir /home/bot --create-home \
       --shell /usr/sbin/nologin bot \
    && install -d -o bot -g bot /data

COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl \
    && rm -rf /wheels

# The collection and its index live on the volume; a new named volume starts with these.
COPY --chown=10001:10001 seeds /data/speeches
USER 10001:10001
WORKDIR /home/bot
RUN python -m index build --quiet
VOLUME ["/data"]

CMD ["python", "-m", "bot"]
