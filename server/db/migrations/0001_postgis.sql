-- PostGIS must be there before any geometry column. On a managed server the extension may need to be created
-- by a superuser beforehand; IF NOT EXISTS then makes this a no-op.
CREATE EXTENSION IF NOT EXISTS postgis;
