"""Configuration: embedded defaults for a fresh checkout, everything overridable from the environment."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _database_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(INSTANCE_DIR / "callin.sqlite3")
    # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants "postgresql".
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE") or None
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "callin")
    TELEPHONY_SECRET = os.environ.get("TELEPHONY_SECRET", "dev-telephony-secret")
    SMS_SECRET = os.environ.get("SMS_SECRET", "dev-sms-secret")
    DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "callin-demo")
    DEMO_MODE = _env_bool("DEMO_MODE", True)
    TOKEN_TTL_HOURS = int(os.environ.get("TOKEN_TTL_HOURS", "12"))
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_FAILURE_WINDOW_S = int(os.environ.get("LOGIN_FAILURE_WINDOW_S", "600"))
    # Public case lookups: misses allowed per address and per case number in the window.
    LOOKUP_WINDOW_S = int(os.environ.get("LOOKUP_WINDOW_S", "600"))
    LOOKUP_MAX_MISSES_IP = int(os.environ.get("LOOKUP_MAX_MISSES_IP", "30"))
    LOOKUP_MAX_MISSES_NUMBER = int(os.environ.get("LOOKUP_MAX_MISSES_NUMBER", "10"))
    # Where a caller's number should come from: the programme's home city (phone-number geography).
    HOME_AREA = os.environ.get("HOME_AREA", "潍坊")
    HOME_CITY = os.environ.get("HOME_CITY", "诸城市")
    DISPLAY_TIMEZONE = "Asia/Shanghai"
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("zh", "en")
    WAIT_WARNING_S = int(os.environ.get("WAIT_WARNING_S", "300"))
    DEFAULT_AIRTIME_S = int(os.environ.get("DEFAULT_AIRTIME_S", "240"))
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_SAMESITE = "Lax"
    # Outbound SMS: "console" logs each message; "http" posts it to SMS_GATEWAY_URL.
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
    SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
    SMS_GATEWAY_TIMEOUT_S = float(os.environ.get("SMS_GATEWAY_TIMEOUT_S", "5"))
    SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", "8"))
    # Where citizens reach the public pages (the SMS auto-reply names PUBLIC_BASE_URL/track).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    # Photos from the web form and the stations, stored re-encoded under the instance folder.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    # Rate limits (Flask-Limiter): in memory by default; a redis:// URI in production.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    # Names the counters in a Redis shared with other programs (or other callin installations).
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "callin")
    RATELIMIT_HEADERS_ENABLED = True
    # How many reverse proxies (nginx...) stand in front: their X-Forwarded-* headers are trusted
    # so that rate limits count each citizen's address, not the proxy's. 0 = none (trust nothing).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    COMPLAINT_RATE_LIMIT = os.environ.get("COMPLAINT_RATE_LIMIT", "5 per 10 minutes;20 per day")
    # Largest request body: the complaint form's 5 photos of 5 MB each plus its text (413 above).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(26 * 1024 * 1024)))
    # Messages to the studio from the public /onair page, per address.
    ONAIR_MESSAGE_RATE_LIMIT = os.environ.get("ONAIR_MESSAGE_RATE_LIMIT", "3 per minute;20 per hour")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SOCKETIO_MESSAGE_QUEUE = None
    SOCKETIO_ASYNC_MODE = "threading"
    TELEPHONY_SECRET = "test-telephony-secret"
    SMS_SECRET = "test-sms-secret"
    DEMO_PASSWORD = "test-password"
    WTF_CSRF_ENABLED = False
    SMS_BACKEND = "memory"
    # Fast hashing keeps the suite quick; production keeps the scrypt default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    DEMO_MODE = _env_bool("DEMO_MODE", False)
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)


def config_from_env():
    """Pick the config class named by CALLIN_ENV (default: the embedded defaults)."""
    name = os.environ.get("CALLIN_ENV", "").lower()
    return {"production": ProductionConfig, "testing": TestingConfig}.get(name, Config)
