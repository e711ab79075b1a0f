#!/bin/sh
# Run once by the postgres image, when its data volume is first initialised
# (/docker-entrypoint-initdb.d). Creates the roles docs/operations.md ("Database roles") describes:
# the log's owner, which is no superuser, and one login for the app and one for the projections,
# so that instances neither run as the owner nor create logins of their own.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_password="$OWNER_DB_PASSWORD" \
  -v app_password="$APP_DB_PASSWORD" \
  -v projector_password="$PROJECTOR_DB_PASSWORD" <<'SQL'
CREATE ROLE sunlight_owner LOGIN PASSWORD :'owner_password';
ALTER DATABASE sunlight OWNER TO sunlight_owner;
CREATE ROLE sunlight_app NOLOGIN;
CREATE ROLE sunlight_projector NOLOGIN;
GRANT sunlight_projector TO sunlight_owner;
CREATE ROLE sunlight_api LOGIN PASSWORD :'app_password' IN ROLE sunlight_app;
CREATE ROLE sunlight_worker LOGIN PASSWORD :'projector_password' IN ROLE sunlight_projector;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
