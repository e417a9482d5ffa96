# vschool: one image for web (gunicorn), worker and beat (celery). Built by docker-compose.yml.

# --- Front-end assets: GOV.UK Frontend + MOJ Frontend compiled with sass ---
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/ scripts/
COPY static/ static/
RUN npm run --silent build

# --- Application ---
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VSCHOOL_ENV=production

# WeasyPrint needs Pango and HarfBuzz, and fonts to render PDFs; pg_dump/pg_restore for backups.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
       postgresql-client curl \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system vschool && useradd --system --gid vschool --home-dir /app --shell /usr/sbin/nologin vschool
WORKDIR /app

# Dependencies first (the project itself is run from /app, not installed as a package), so code changes
# rebuild only the layers below.
COPY pyproject.toml ./
RUN pip install .
COPY . .
COPY --from=assets /src/static/ static/

# collectstatic needs settings to import; the build-time key is thrown away with this layer.
RUN DJANGO_SECRET_KEY=build-only-collectstatic DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R vschool:vschool /app/media

USER vschool
EXPOSE 8000
CMD ["gunicorn", "vschool.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
