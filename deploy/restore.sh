#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the database named by
# DATABASE_URL (empty, or it is overwritten) and into MEDIA_ROOT.
# Usage: deploy/restore.sh BACKUP_DIR   (stop web and workers first)
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must be set}"
: "${MEDIA_ROOT:?MEDIA_ROOT must be set}"
src=${1:?usage: restore.sh BACKUP_DIR}
(cd "$src" && sha256sum --check --quiet SHA256SUMS)
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --dbname "$DATABASE_URL" "$src/database.dump"
mkdir -p "$MEDIA_ROOT"
tar --extract --gzip --file "$src/media.tar.gz" --directory "$MEDIA_ROOT"
echo "恢复完成：$src → $DATABASE_URL, $MEDIA_ROOT"
