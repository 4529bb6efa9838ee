"""One settings object for the whole app, read from ``KHOLIEU_*`` environment variables.

Backends are chosen by URL scheme, so a laptop and a national deployment run the same code:
only these URLs differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kholieu.errors import ConfigError, first_problem
from kholieu.files.zipsafe import PackageLimits

DEV_SECRET_KEY = "kholieu-development-secret-do-not-use-in-production"
REPO_ROOT = Path(__file__).resolve().parent.parent

SCHEMES = {
    "database_url": {"sqlite", "postgresql", "postgresql+psycopg"},
    "storage_url": {"file", "s3"},
    "search_url": {"null", "tantivy", "http", "https"},
    "queue_url": {"sqlite", "redis", "rediss"},
    "rate_limit_url": {"memory", "redis", "rediss"},
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KHOLIEU_", extra="ignore")

    env: Literal["development", "production"] = "development"
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)

    data_dir: Path = Path("var")
    database_url: str = ""
    storage_url: str = ""
    search_url: str = ""
    queue_url: str = ""
    rate_limit_url: str = "memory://"
    static_dir: Path = REPO_ROOT / "static"

    host: str = "127.0.0.1"
    port: int = 8000
    # Public URLs. Unset, they are derived from host and ports (the embedded, one-laptop case).
    public_url: str | None = None  # where people open the app, e.g. https://hoclieu.edu.vn
    content_url: str | None = None  # the separate origin for uploaded packages and files
    # Host names the app answers to (comma-separated); "" = those of the public and content
    # URLs. Another Host header gets 400, so no link is ever built from a forged one.
    allowed_hosts: str = ""
    content_port: int = 8001  # the embedded content server's port (0: run none)
    content_link_ttl_s: int = 12 * 3600
    # Proxies whose X-Forwarded-For is believed (the login limiter counts per client address).
    forwarded_allow_ips: str = "127.0.0.1"
    log_format: Literal["auto", "console", "json"] = "auto"
    # Requests using the database at once, and how many more may wait their turn (no thread
    # and no connection while they wait); beyond that a request gets 503 at once.
    requests_in_flight: int = Field(16, ge=1, le=1000)
    # Request bodies: JSON and forms; a file sent in a form; a part of a resumable upload.
    max_body_bytes: int = Field(2**20, ge=1024)
    max_form_upload_bytes: int = Field(110 * 2**20, ge=1024)
    max_upload_part_bytes: int = Field(64 * 2**20, ge=1024)
    requests_waiting: int = Field(1000, ge=0)
    requests_patience_s: float = Field(1.0, gt=0)  # the longest a request waits its turn
    # Once the oldest waiting request has waited this long the queue is standing (overload)
    # and the newest is admitted first (web/middleware.py, Turns).
    requests_lifo_after_s: float = Field(0.1, ge=0)
    default_locale: Literal["vi", "en"] = "vi"
    # The time zone pages show times in (an IANA name); stored times stay UTC.
    timezone: str = "Asia/Ho_Chi_Minh"
    # /readyz: how long each dependency's check may take before it is reported as timed out.
    readyz_timeout_s: float = Field(1.5, gt=0, le=30)
    # Database time limits (0 = none). PostgreSQL: a statement running, or waiting for a lock,
    # longer than this is cancelled (the request answers 503); a session idle inside a
    # transaction this long is ended, releasing its locks. SQLite: how long a write waits for
    # another's lock before giving up ("database is locked", a 503).
    database_statement_timeout_s: float = Field(30.0, ge=0)
    database_idle_in_transaction_timeout_s: float = Field(600.0, ge=0)
    database_busy_timeout_s: float = Field(30.0, ge=0)

    # Jobs: consumer threads inside `kholieu serve` (0 = leave jobs to `kholieu worker`).
    in_process_workers: int | None = None
    queue_name: str = "kholieu"
    job_retries: int = 3
    job_retry_delay_s: float = 2.0
    job_retry_backoff: float = 2.0
    # A running job whose heartbeat is older than this lost its worker and is queued again.
    job_stale_s: float = 60.0
    # A job meeting a dependency down (storage, search, database) waits it out: tried again
    # after 1, 2, 4 … s (at most the max delay, with jitter) for as long as the window.
    job_wait_window_s: float = Field(900.0, ge=0)
    job_wait_delay_s: float = Field(1.0, gt=0)
    job_wait_max_delay_s: float = Field(30.0, gt=0)

    # Search-index outbox drainer.
    outbox_interval_s: float = 2.0
    outbox_batch: int = 200
    # While the engine fails: the first retry after about this long, then jittered waits
    # growing to at most the maximum, and a ping every probe_s that ends the wait on recovery.
    outbox_retry_first_s: float = Field(1.0, gt=0)
    outbox_retry_max_s: float = Field(60.0, gt=0)
    outbox_probe_s: float = Field(2.0, gt=0)
    # Elasticsearch client: connecting, then each read of a response; retries go to the next
    # node on connection errors and 429/502/503/504 (and on timeouts when there are several).
    search_connect_timeout_s: float = Field(2.0, gt=0)
    search_timeout_s: float = Field(5.0, gt=0)
    search_retries: int = Field(2, ge=0)

    # Accounts.
    session_max_age_s: int = 14 * 24 * 3600
    api_token_ttl_s: int = 24 * 3600
    login_rate_limit: str = "10/minute"
    # argon2id cost (pwdlib's recommended values); the test suite lowers it to stay fast.
    password_time_cost: int = Field(3, ge=1)
    password_memory_kib: int = Field(65536, ge=1024)

    # Content uploads and packages.
    max_upload_bytes: int = 2 * 1024**3
    package_max_bytes: int = 2 * 1024**3
    package_max_entries: int = 10_000
    package_max_ratio: int = 100

    # Video: the tools (names on PATH or paths) and x264's speed/size trade-off.
    ffmpeg_path: str = "ffmpeg"
    ffprobe_path: str = "ffprobe"
    video_preset: str = "veryfast"

    # S3: the longest wait to connect and for the next bytes of an answer, and tries per call
    # (botocore's defaults, 60 s × 5, let a hung endpoint hold a request for minutes). Jobs
    # wait out longer outages (job_wait_window_s); web requests answer 503.
    storage_connect_timeout_s: float = Field(3.0, gt=0)
    storage_read_timeout_s: float = Field(10.0, gt=0)
    storage_attempts: int = Field(2, ge=1, le=10)
    # After a call found S3 unreachable, calls fail at once for this long (0: never).
    storage_cooloff_s: float = Field(5.0, ge=0)

    # How long a presigned/signed download URL stays valid by default.
    url_expiry_s: int = 3600

    # The sweeper (kholieu/gc.py, `kholieu gc`): leftovers older than the grace period go
    # (temporary files, unreferenced objects, abandoned uploads; younger ones may be in
    # flight); a failed web import's file goes once its report was read or after the keep
    # time; background work sweeps every interval, in one process at a time (0 = never).
    gc_older_than_s: float = Field(24 * 3600, ge=0)
    gc_failed_import_keep_s: float = Field(7 * 24 * 3600, ge=0)
    gc_interval_s: float = Field(6 * 3600, ge=0)

    @model_validator(mode="after")
    def _fill_and_check(self) -> Settings:
        data = self.data_dir.resolve()
        self.data_dir = data
        self.database_url = self.database_url or f"sqlite:///{data}/kholieu.db"
        self.storage_url = self.storage_url or f"file://{data}/objects"
        self.queue_url = self.queue_url or f"sqlite:///{data}/queue.db"
        self.search_url = self.search_url or f"tantivy://{data}/index"
        for field, allowed in SCHEMES.items():
            url = getattr(self, field)
            scheme = urlsplit(url).scheme
            if scheme not in allowed:
                name = "KHOLIEU_" + field.upper()
                raise ValueError(
                    f"{name}={url!r}: unknown scheme {scheme!r} (expected one of "
                    f"{', '.join(sorted(allowed))})"
                )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"KHOLIEU_TIMEZONE={self.timezone!r}: not a known time zone (an IANA name such "
                "as Asia/Ho_Chi_Minh)"
            ) from None
        if self.env != "development" and self.secret_key.get_secret_value() == DEV_SECRET_KEY:
            raise ValueError(
                "KHOLIEU_SECRET_KEY is the built-in development key; outside development set "
                "a random one, e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def app_origins(self) -> list[str]:
        if self.public_url:
            return [self.public_url.rstrip("/")]
        return [f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}"]

    @property
    def trusted_hosts(self) -> list[str]:
        if self.allowed_hosts.strip():
            return [h.strip() for h in self.allowed_hosts.split(",") if h.strip()]
        origins = [*self.app_origins, self.content_origin]
        return sorted({urlsplit(origin).hostname or "" for origin in origins} - {""})

    @property
    def content_origin(self) -> str:
        """Uploaded HTML/JS runs here, never on the app's origin (no cookies, no API)."""
        return (self.content_url or f"http://127.0.0.1:{self.content_port}").rstrip("/")

    @property
    def store_origins(self) -> list[str]:
        """Where browsers fetch presigned objects from (S3), for the app's CSP."""
        url = urlsplit(self.storage_url)
        if url.scheme != "s3":
            return []
        endpoint = parse_qs(url.query).get("endpoint_url", [""])[0]
        if not endpoint:
            return ["https://*.amazonaws.com"]
        parts = urlsplit(endpoint)
        return [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://*.{parts.netloc}"]

    @property
    def package_limits(self) -> PackageLimits:
        return PackageLimits(
            self.package_max_bytes, self.package_max_entries, self.package_max_ratio
        )

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @property
    def workers_in_process(self) -> int:
        """Consumer threads for `serve`: two on the embedded queue, none when Redis is used."""
        if self.in_process_workers is not None:
            return self.in_process_workers
        return 2 if self.queue_url.startswith("sqlite") else 0


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, turning validation errors into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        where, message = first_problem(exc)
        raise ConfigError(f"{where}: {message}" if where else message) from None
