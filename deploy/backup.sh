#!/usr/bin/env bash
# Back up the portal: a PostgreSQL dump (custom format) and the uploaded files,
# with a checksum manifest. Usage: deploy/backup.sh [DEST_DIR]
# Reads DATABASE_URL and MEDIA_ROOT from the environment (as the app does).
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must be set}"
: "${MEDIA_ROOT:?MEDIA_ROOT must be set}"
dest=${1:-/var/backups/yuzhong-care/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$dest"
pg_dump --format=custom --no-owner --no-privileges --file "$dest/database.dump" "$DATABASE_URL"
tar --create --gzip --file "$dest/media.tar.gz" --directory "$MEDIA_ROOT" .
(cd "$dest" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "备份完成：$dest"
