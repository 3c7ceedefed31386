FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    TIMEZONE=Asia/Ho_Chi_Minh

RUN useradd --create-home --uid 10001 nhacviec \
    && mkdir -p /data && chown nhacviec:nhacviec /data

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY config ./config
COPY db ./db
COPY handlers ./handlers
COPY plans ./plans
COPY reports ./reports
COPY scheduler ./scheduler
RUN pip install --no-cache-dir .

USER nhacviec
VOLUME ["/data"]
EXPOSE 8080
CMD ["nhacviec", "run"]
