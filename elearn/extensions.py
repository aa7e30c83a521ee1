"""Flask extensions, created without an app and bound in :func:`elearn.create_app`."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects stay usable after a commit inside a request (no reload query per attribute);
# each request gets a fresh session, so nothing stale outlives it.
SESSION_OPTIONS = {"expire_on_commit": False}
db = SQLAlchemy(model_class=Base, session_options=SESSION_OPTIONS)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()

# Storage comes from RATELIMIT_STORAGE_URI: Redis when REDIS_URL is set, memory otherwise.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Redis when REDIS_URL is set (shared by every worker), else a small cache per process:
# see elearn.config.cache_settings. Holds what is slow to make and never stale by key.
cache = Cache()
