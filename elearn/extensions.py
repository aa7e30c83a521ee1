"""Flask extensions, created without an app and bound in :func:`elearn.create_app`."""

from typing import TYPE_CHECKING, ClassVar

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
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
    if TYPE_CHECKING:
        # Every model maps a table (DeclarativeBase allows any FromClause), so its
        # __table__ can go to insert(), update() and delete().
        __table__: ClassVar[Table]


# Objects stay usable after a commit inside a request (no reload query per attribute);
# each request gets a fresh session, so nothing stale outlives it.
SESSION_OPTIONS = {"expire_on_commit": False}
db = SQLAlchemy(model_class=Base, session_options=SESSION_OPTIONS)

# The base class of every model. At run time it is ``db.Model``, which Flask-SQLAlchemy builds
# from Base when ``db`` is created; a type checker cannot follow that (an attribute is no class
# to it: python/mypy#8603), so it sees Base, whose declarative typing ``db.Model`` has.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()

# Storage comes from RATELIMIT_STORAGE_URI: Redis when REDIS_URL is set, memory otherwise;
# while Redis is unreachable, each process's memory (elearn.config.rate_limit_settings).
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Redis when REDIS_URL is set (shared by every worker; no cache while it is unreachable), else
# a small cache per process: see elearn.config.cache_settings. Holds what is slow to make and
# never stale by key.
cache = Cache()
