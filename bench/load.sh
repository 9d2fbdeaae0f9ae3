#!/usr/bin/env bash
# Bounded load test, loopback only: gunicorn (2 workers) + PostgreSQL + Redis +
# a Celery worker, a mixed workload from locust at 10 and 50 users for 60 s each.
# Usage: bash bench/load.sh            (results in bench/results/)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${LOAD_PORT:-18765}
DURATION=${LOAD_DURATION:-60s}
DB=yz_load
export DATABASE_URL="postgres://yuzhong@127.0.0.1:5432/${DB}"
export REDIS_URL="redis://127.0.0.1:6379/3"
export DJANGO_SETTINGS_MODULE=yuzhong_care.settings.production
export SECRET_KEY="load-test-only-$(head -c 24 /dev/urandom | base64)"
export PERSON_ID_KEY="load-test-only-$(head -c 24 /dev/urandom | base64)"
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false
export MEDIA_ROOT="$PWD/var/load-media" STATIC_ROOT="$PWD/var/load-static"
export PORTAL_BASE_URL="http://127.0.0.1:${PORT}"

if curl -s -o /dev/null "http://127.0.0.1:${PORT}/"; then echo "port ${PORT} is already in use" >&2; exit 1; fi
[ -x .venv-bench/bin/locust ] || { python3 -m venv .venv-bench && .venv-bench/bin/pip install -q -r bench/requirements.txt; }
mkdir -p bench/results var/log

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ${DB}" -c "CREATE DATABASE ${DB} OWNER yuzhong"
.venv/bin/python manage.py migrate -v 0
.venv/bin/python manage.py setup_portal
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python bench/load/prepare.py

.venv/bin/celery -A yuzhong_care worker --loglevel WARNING --concurrency 1 >var/log/load-celery.log 2>&1 &
CELERY=$!
.venv/bin/gunicorn yuzhong_care.wsgi --workers 2 --bind "127.0.0.1:${PORT}" --log-level warning \
  >var/log/load-gunicorn.log 2>&1 &
GUNICORN=$!
trap 'kill $GUNICORN $CELERY 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -sf "http://127.0.0.1:${PORT}/healthz" >/dev/null && break; sleep 0.5; done
# Guard: a prepared session must open a page, or every figure below would be a login redirect.
key=$(python3 -c "import json; print(json.load(open('bench/results/load-users.json'))['officer'][0])")
status=$(curl -s -o /dev/null -w "%{http_code}" -b "sessionid=${key}" "http://127.0.0.1:${PORT}/progress/my/")
[ "$status" = 200 ] || { echo "prepared session does not work (HTTP $status)" >&2; exit 1; }

# Warm-up, not reported: a portal in service has imported its modules, compiled its
# templates and opened its database connections long before anyone measures it.
.venv-bench/bin/locust -f bench/load/locustfile.py --headless --only-summary -u 10 -r 10 -t "${WARMUP:-15s}" \
  --host "http://127.0.0.1:${PORT}" >"bench/results/load-warmup.log" 2>&1 || true

for users in 10 50; do
  .venv-bench/bin/locust -f bench/load/locustfile.py --headless --only-summary \
    -u "$users" -r "$users" -t "$DURATION" --host "http://127.0.0.1:${PORT}" \
    --csv "bench/results/load-${users}" >"bench/results/load-${users}.log" 2>&1 || true
done
python3 bench/load/table.py bench/results/load-10_stats.csv bench/results/load-50_stats.csv
