FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    TIMEZONE=Asia/Ho_Chi_Minh \
    PORT=8080

# Tesseract and its Vietnamese model read scanned plans and photos (plans/ocr.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-vie \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 nhacviec \
    && mkdir -p /data && chown nhacviec:nhacviec /data

WORKDIR /app
# Pinned versions first (requirements.lock), so the image is the same on every build and this
# layer is cached while only the code changes.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY config ./config
COPY db ./db
COPY handlers ./handlers
COPY plans ./plans
COPY reports ./reports
COPY scheduler ./scheduler
COPY texts ./texts
COPY timelang ./timelang
# --no-deps: everything it needs is already installed at the pinned versions.
RUN pip install --no-cache-dir --no-deps .
# The bot runs as `python -OO`: docstrings (python-telegram-bot's are long) and asserts stay out
# of memory, ≈7 MiB less resident at idle (issue 17, bench/idle_rss.py). That bytecode is
# compiled here, once: the running user cannot write it, and compiling at every start would
# cost more than it saves. A file that does not compile (test data shipped by a package) is
# only compiled if it is ever imported, hence `|| true`.
RUN python -OO -m compileall -q -j 0 /usr/local/lib/python3.11 || true
ENV PYTHONOPTIMIZE=2

USER nhacviec
VOLUME ["/data"]
EXPOSE 8080
# /healthz answers 503 while a platform is not receiving, the database is unreachable or the
# outbox sender has stopped; start-up retries the network, so give it a minute first.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8080'), timeout=8)" || exit 1
CMD ["nhacviec", "run"]
