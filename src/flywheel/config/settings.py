"""Flywheel settings, driven by the environment (see docs/deploy.md for every variable)."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from flywheel.config.env import env_bool, env_int, env_list, env_str, local_secret_key

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("FLYWHEEL_DATA_DIR", str(Path.cwd() / "var")))

DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("FLYWHEEL_TESTING", default=False)
# No DATABASE_URL (or an empty one): SQLite under DATA_DIR.
DATABASE_URL = env_str("DATABASE_URL", "")
# The embedded default: no database and no host names configured, as after `make run` in a
# checkout. It works with no environment at all: a SECRET_KEY generated once and kept in
# DATA_DIR, served on localhost over plain HTTP. DEBUG stays off unless asked for. Naming a
# database or host names makes it a production setup, which refuses to start without
# SECRET_KEY (docs/deploy.md).
EMBEDDED = not DATABASE_URL and not env_str("ALLOWED_HOSTS", "")
LOCAL = DEBUG or TESTING or EMBEDDED

if TESTING:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-never-use-in-production")
elif EMBEDDED:
    SECRET_KEY = env_str("SECRET_KEY", "") or local_secret_key(DATA_DIR / "secret_key")
elif DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-never-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY")

# Fernet keys for secrets stored in the database (store tokens); the first encrypts, all
# decrypt. Empty: a key derived from SECRET_KEY (docs/security.md, "Secrets at rest").
FLYWHEEL_ENCRYPTION_KEYS = env_list("FLYWHEEL_ENCRYPTION_KEYS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if LOCAL else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
BRAND_NAME = env_str("FLYWHEEL_BRAND_NAME", "Flywheel")

INSTALLED_APPS = [
    # First: its runserver serves ASGI (pages and the live chat WebSockets) on `make run`.
    "daphne",
    "flywheel.accounts.apps.FlywheelAdminConfig",  # django.contrib.admin, renamed and grouped
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.discord",
    "ninja",
    "channels",
    "flywheel.core",
    "flywheel.accounts",
    "flywheel.community",
    "flywheel.notifications",
    "flywheel.search",
    "flywheel.api",
    "flywheel.demo",
    "flywheel.commerce",
    "flywheel.rewards",
    "flywheel.trust",
    "flywheel.badges",
    "flywheel.moderation",
    "flywheel.privacy",
    "flywheel.reviews",
    "flywheel.showcases",
    "flywheel.programming",
    "flywheel.analytics",
    "flywheel.referrals",
    "flywheel.bridges",
    "flywheel.chat",
    "flywheel.ideas",
    "flywheel.surveys",
    "flywheel.events",
    "flywheel.trials",
    "flywheel.challenges",
]

MIDDLEWARE = [
    "flywheel.core.db_routing.ReplicaRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "flywheel.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "flywheel.core.edge_cache.EdgeCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Serves a member's page again before authentication runs (core/member_cache.py).
    "flywheel.core.member_cache.MemberPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "flywheel.accounts.middleware.MemberPreferencesMiddleware",
    "flywheel.trust.middleware.MemberVisitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "flywheel.moderation.middleware.ModerationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "flywheel.urls"
WSGI_APPLICATION = "flywheel.wsgi.application"
# Pages and the live chat connections (docs/chat.md); production runs an ASGI server
# (docs/deploy.md).
ASGI_APPLICATION = "flywheel.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "flywheel.core.context_processors.brand",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{DATA_DIR / 'flywheel.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default keeps its database under DATA_DIR; make sure the folder exists.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Writers wait their turn instead of failing with "database is locked": every transaction
    # takes the write lock when it begins (BEGIN IMMEDIATE), so one that read first never has
    # to upgrade its lock mid-way (which SQLite refuses at once, without waiting), and each
    # waits up to `timeout` seconds for the one before it. WAL lets readers go on meanwhile.
    # SQLite has no row locks: select_for_update() is ignored there, and the whole-database
    # write lock gives the same guarantee. See docs/deploy.md.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# A PostgreSQL read replica for GET pages (core/db_routing.py, docs/deploy.md): reads of
# GET/HEAD requests go there until the request writes; a visitor who wrote reads the primary
# for FLYWHEEL_REPLICA_PIN_SECONDS, so every change shows on the next page.
FLYWHEEL_DATABASE_REPLICA_URL = env_str("FLYWHEEL_DATABASE_REPLICA_URL", "")
FLYWHEEL_REPLICA_PIN_SECONDS = env_int("FLYWHEEL_REPLICA_PIN_SECONDS", 10)
DATABASE_ROUTERS = ["flywheel.core.db_routing.ReplicaRouter"]
if FLYWHEEL_DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        FLYWHEEL_DATABASE_REPLICA_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    # The test runner points the alias at the test database instead of creating another.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# PostgreSQL's JIT compiler off for the pages' connections: it switches on when a plan's
# estimated cost passes jit_above_cost, and a bad estimate (a search on 1M posts) then spent
# 0.36 s compiling a query that runs in a few ms (docs/benchmarks.md). Short queries
# never gain from it; reports and batch jobs can SET jit = on for themselves. Behind a pooler
# that refuses startup options (PgBouncer), set DATABASE_JIT_OFF=0 and
# `ALTER ROLE ... SET jit = off` instead (docs/deploy.md).
for _alias in DATABASES.values():
    if _alias["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_JIT_OFF", default=True
    ):
        _options = _alias.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A CDN or caching proxy in front (core/edge_cache.py, docs/deploy.md): how long it may keep
# signed-out topic, space and home pages (0: never), and how to tell it a page changed.
FLYWHEEL_EDGE_CACHE_SECONDS = env_int("FLYWHEEL_EDGE_CACHE_SECONDS", 0)
# Topic, space and home pages (per signed-in member, and one copy for every signed-out visitor
# without a session) and the API lists read with a token, dropped by any database write
# (core/member_cache.py); 0 turns it off. Also how
# late a relative time ("3 minutes ago") may be on such a page. On by default wherever every
# process shares one cache (Redis; the single-process test run); off with a per-process cache,
# where a write in one process could not make another's copies stale.
FLYWHEEL_MEMBER_PAGE_CACHE_SECONDS = env_int(
    "FLYWHEEL_MEMBER_PAGE_CACHE_SECONDS", 60 if (env_str("REDIS_URL", "") or TESTING) else 0
)
FLYWHEEL_EDGE_PURGE_BACKEND = env_str("FLYWHEEL_EDGE_PURGE_BACKEND", "none")
FLYWHEEL_EDGE_PURGE_URLS = env_list("FLYWHEEL_EDGE_PURGE_URLS")
FLYWHEEL_EDGE_PURGE_API_URL = env_str("FLYWHEEL_EDGE_PURGE_API_URL", "")
FLYWHEEL_EDGE_PURGE_SERVICE = env_str("FLYWHEEL_EDGE_PURGE_SERVICE", "")
FLYWHEEL_EDGE_PURGE_TOKEN = env_str("FLYWHEEL_EDGE_PURGE_TOKEN", "")
FLYWHEEL_EDGE_PURGE_TIMEOUT = float(env_str("FLYWHEEL_EDGE_PURGE_TIMEOUT", "5"))

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Live chat's channel layer (docs/chat.md): Redis when REDIS_URL is set, so every ASGI worker
# reaches every connection; in memory on the embedded default (one process).
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Redis pub/sub: each connection's channel and each group is a subscription, and
            # nothing is queued for connections that are gone. (With channels_redis.core the
            # first connection after a start heard no group events: docs/chat.md.)
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "flywheel-chat"},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery: Redis in production; without REDIS_URL tasks run in-process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
# With tasks in-process there is no `celery beat` either: the web process runs the schedule
# below in a background thread (flywheel.core.scheduler; README, docs/deploy.md).
FLYWHEEL_EMBEDDED_SCHEDULER = env_bool(
    "FLYWHEEL_EMBEDDED_SCHEDULER", default=CELERY_TASK_ALWAYS_EAGER and not TESTING
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# Task modules that are not an app's tasks.py (autodiscovery finds those).
CELERY_IMPORTS = ["flywheel.commerce.reconcile", "flywheel.core.uploads"]
CELERY_BEAT_SCHEDULE = {
    # Content calendar: publish what is due, each item exactly once (programming/services.py).
    "programming-publish-due": {
        "task": "flywheel.programming.tasks.publish_due_calendar_items",
        "schedule": 60,
    },
    # Activity deliveries never dispatched (broker down at commit) or due for a retry.
    "activity-deliveries-sweep": {
        "task": "flywheel.core.tasks.sweep_activity_deliveries",
        "schedule": 60,
    },
    # Outbound calls (bridges' posts) never dispatched or due again (core/outbound.py).
    "outbound-messages-sweep": {
        "task": "flywheel.core.tasks.sweep_outbound_messages",
        "schedule": 60,
    },
    # Public events announced on Discord, Slack and Telegram an hour before (bridges).
    "bridges-event-reminders": {
        "task": "flywheel.bridges.tasks.queue_event_reminders",
        "schedule": 60 * 5,
    },
    "weekly-digest": {
        "task": "flywheel.notifications.tasks.send_weekly_digests",
        "schedule": 60 * 60 * 24 * 7,
    },
    # Repairs orders whose webhooks were lost (commerce/reconcile.py).
    "commerce-reconcile-stores": {
        "task": "flywheel.commerce.reconcile_stores",
        "schedule": 60 * 60,
    },
    # Orders whose attribution batch died with its worker, or whose task was lost.
    "referrals-sweep-pending-attributions": {
        "task": "flywheel.referrals.tasks.sweep_pending_attributions",
        "schedule": 60,
    },
    "referrals-approve-matured": {
        "task": "flywheel.referrals.tasks.approve_matured_referrals_task",
        "schedule": 60 * 60,
    },
    "trust-levels": {
        "task": "flywheel.trust.tasks.update_trust_levels",
        "schedule": 60 * 60 * 24,
    },
    # Review requests and their reminders (reviews/tasks.py).
    # Event reminders 24 h and 1 h before the start (events/services.py, exactly once each).
    "events-send-reminders": {
        "task": "flywheel.events.tasks.send_event_reminders",
        "schedule": 5 * 60,
    },
    # Product trials: testers reminded of the feedback they owe (trials/services.py, once each).
    "trials-send-feedback-reminders": {
        "task": "flywheel.trials.tasks.send_feedback_reminders",
        "schedule": 60 * 60,
    },
    "reviews-send-requests": {
        "task": "flywheel.reviews.tasks.send_review_requests",
        "schedule": 60 * 60,
    },
    "privacy-retention": {
        "task": "flywheel.privacy.tasks.apply_retention_policy",
        "schedule": 60 * 60 * 24,
    },
    # The webhook inbox's retention and uploads no row refers to (docs/stores.md, security.md).
    "commerce-prune-webhook-deliveries": {
        "task": "flywheel.commerce.tasks.prune_webhook_deliveries",
        "schedule": 60 * 60 * 24,
    },
    # Delivered activity deliveries and outbound messages past their retention (core).
    "core-prune-delivered": {
        "task": "flywheel.core.tasks.prune_delivered",
        "schedule": 60 * 60 * 24,
    },
    "core-delete-orphaned-uploads": {
        "task": "flywheel.core.delete_orphaned_uploads",
        "schedule": 60 * 60 * 24,
    },
    # Images uploaded from a composer that no post used within a day (community/tasks.py).
    "community-delete-unattached-post-images": {
        "task": "flywheel.community.tasks.delete_unattached_post_images",
        "schedule": 60 * 60 * 24,
    },
    "rewards-approve-matured-points": {
        "task": "flywheel.rewards.tasks.approve_matured_points",
        "schedule": 60 * 60,
    },
    "rewards-expire-points": {
        "task": "flywheel.rewards.tasks.expire_points_and_warn",
        "schedule": 60 * 60 * 24,
    },
    "rewards-evaluate-tiers": {
        "task": "flywheel.rewards.tasks.evaluate_tiers",
        "schedule": 60 * 60 * 24,
    },
    # The staff console reads rollups; this recomputes what changed (analytics/services.py).
    "analytics-update-rollups": {
        "task": "flywheel.analytics.tasks.update_rollups",
        "schedule": 60 * 5,
    },
    # Topic views counted in the cache become reads per topic (analytics/reads.py).
    "analytics-flush-topic-reads": {
        "task": "flywheel.analytics.tasks.flush_topic_reads",
        "schedule": 60,
    },
    # Monday morning: last week's figures to owners, admins and moderators, once each.
    "analytics-weekly-staff-report": {
        "task": "flywheel.analytics.tasks.send_weekly_staff_report",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    # Ideas whose milestone window closed expire, visibly (ideas/tasks.py).
    "ideas-expire": {
        "task": "flywheel.ideas.tasks.expire_ideas_task",
        "schedule": 60 * 60,
    },
    "rewards-retry-entry-rewards": {
        "task": "flywheel.rewards.tasks.retry_entry_rewards",
        "schedule": 60 * 60,
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "community:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": "20/m/ip"}
ACCOUNT_ADAPTER = "flywheel.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "flywheel.privacy.forms.ProtectedSignupForm",
    "add_email": "flywheel.privacy.forms.ProtectedAddEmailForm",
}
# Sign in with Discord, and linking a Discord account from the settings (docs/chat.md,
# "Sign in with Discord"): shown only once the brand's Discord application is configured.
FLYWHEEL_DISCORD_CLIENT_ID = env_str("FLYWHEEL_DISCORD_CLIENT_ID", "")
FLYWHEEL_DISCORD_CLIENT_SECRET = env_str("FLYWHEEL_DISCORD_CLIENT_SECRET", "")
# Discord's API, or a local stand-in (tests); read on every sign-in (accounts/discord.py).
FLYWHEEL_DISCORD_API_BASE_URL = env_str("FLYWHEEL_DISCORD_API_BASE_URL", "https://discord.com/api")
SOCIALACCOUNT_PROVIDERS = {
    "discord": {
        "SCOPE": ["identify", "email"],
        "APPS": (
            [{"client_id": FLYWHEEL_DISCORD_CLIENT_ID, "secret": FLYWHEEL_DISCORD_CLIENT_SECRET}]
            if FLYWHEEL_DISCORD_CLIENT_ID
            else []
        ),
    }
}
# A Discord e-mail that matches an existing account does not sign into it: the member signs
# in as usual and links Discord from their settings (no takeover through a third party).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the provider redirect is a POST (CSRF-protected)
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{BRAND_NAME}] "

if DEBUG:
    DEFAULT_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif EMBEDDED and not env_str("EMAIL_HOST", ""):
    # The embedded default with no mail relay configured: e-mails are written as files under
    # EMAIL_FILE_PATH (var/mail/) rather than lost or failing on a missing local relay.
    DEFAULT_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
else:
    DEFAULT_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND = env_str("EMAIL_BACKEND", DEFAULT_EMAIL_BACKEND)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "community@flywheel.localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("it", _("Italian")),
    ("lv", _("Latvian")),
    ("pl", _("Polish")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not LOCAL
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Locally (the embedded default included) static files come straight from the package, with
# no collectstatic step.
WHITENOISE_USE_FINDERS = LOCAL

# Data exports and other private files: never under MEDIA_ROOT, served only by views that check
# who is asking (flywheel.privacy).
FLYWHEEL_PRIVATE_ROOT = Path(env_str("FLYWHEEL_PRIVATE_ROOT", str(DATA_DIR / "private")))

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Production hardening: on whenever DEBUG is off, except on the embedded default, which
# serves localhost over plain HTTP until host names are configured.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not LOCAL)
SESSION_COOKIE_SECURE = not LOCAL
CSRF_COOKIE_SECURE = not LOCAL
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if LOCAL else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL
SECURE_HSTS_PRELOAD = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; kept default
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (flywheel.core.security): scripts and stylesheets from our own origin
# only. style-src-attr allows style="" attributes (per-space colour variables), never <style>.
FLYWHEEL_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-elem": ["'self'"],
    "style-src-attr": ["'none'"],
    "img-src": ["'self'", "data:", "https:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
FLYWHEEL_CSP_REPORT_ONLY = env_bool("FLYWHEEL_CSP_REPORT_ONLY", default=False)
FLYWHEEL_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Community limits
FLYWHEEL_MAX_POST_LENGTH = env_int("FLYWHEEL_MAX_POST_LENGTH", 50_000)
# The only image sources Markdown may show (core/markup.py): the community's access-checked
# images (community/urls.py). Images from other hosts become links: no tracking pixels.
FLYWHEEL_OWN_IMAGE_PREFIXES = ("/images/",)
FLYWHEEL_WRITE_RATE_LIMIT = env_str("FLYWHEEL_WRITE_RATE_LIMIT", "30/m")
# Allowances per trust level (0 new … 4 leader); None = unlimited. See docs/security.md.
FLYWHEEL_RATE_LIMITS = {
    "topic": {0: "3/h,10/d", 1: "10/h", 2: "30/h", 3: "60/h", 4: None},
    "reply": {0: "10/h,30/d", 1: "60/h", 2: "120/h", 3: "300/h", 4: None},
    "reaction": {0: "60/h", 1: "300/h", 2: "600/h", 3: None},
    "flag": {0: "5/h,10/d", 1: "10/h", 2: "30/h", 3: "60/h", 4: None},
    "message": {0: "5/h,20/d", 1: "30/h", 2: "60/h", 3: "120/h", 4: None},
    # Chat messages (docs/chat.md); new direct conversations count as "message" above.
    "chat": {0: "10/m,200/d", 1: "20/m", 2: "30/m", 3: "60/m", 4: None},
    # Profile saves (each may decode an avatar): the brand team is limited too.
    "profile": {0: "10/h,30/d", 2: "30/h"},
    # Reviews and showcases written, and the photos uploaded with them (counted per photo).
    "review": {0: "5/h,20/d", 1: "20/h", 2: "60/h", 3: None},
    "showcase": {0: "3/h,10/d", 1: "10/h", 2: "30/h", 3: None},
    "comment": {0: "10/h,30/d", 1: "60/h", 2: "120/h", 3: None},
    "photo_upload": {0: "12/h,24/d", 1: "30/h,100/d", 2: "100/h,300/d", 3: None},
    # New ideas and feature requests (ideas app); supports and votes count as "reaction".
    "idea": {0: "2/h,5/d", 1: "5/h,10/d", 2: "10/h", 3: "30/h", 4: None},
    # Poll votes and survey answers (docs/surveys.md): one each per poll or survey anyway.
    "vote": {0: "30/h", 1: "120/h", 2: "300/h", 3: None},
    "survey_answer": {0: "10/h", 1: "30/h", 3: None},
    # Questions for an AMA or Q&A (events); votes on them count as reactions.
    "event_question": {0: "5/h,10/d", 1: "20/h", 3: "60/h", 4: None},
}
# A dotted path to a function (member) -> trust level 0–4; empty: the trust app, else account age.
FLYWHEEL_TRUST_LEVEL_RESOLVER = env_str("FLYWHEEL_TRUST_LEVEL_RESOLVER", "")
FLYWHEEL_PAGE_SIZE = 25
# Events (docs/events.md): chapter organisers are drawn from members at this trust level or above.
FLYWHEEL_EVENTS_ORGANISER_TRUST_LEVEL = env_int("FLYWHEEL_EVENTS_ORGANISER_TRUST_LEVEL", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# Privacy (docs/security.md): exports are offered for 7 days; erased members choose what
# happens to their posts unless this says "always_delete" or "always_anonymise"; IP hashes,
# read notifications and expired exports are deleted after FLYWHEEL_RETENTION_DAYS.
FLYWHEEL_EXPORT_DAYS = env_int("FLYWHEEL_EXPORT_DAYS", 7)
FLYWHEEL_ERASURE_CONTENT_CHOICE = env_str("FLYWHEEL_ERASURE_CONTENT_CHOICE", "member_choice")
FLYWHEEL_RETENTION_DAYS = env_int("FLYWHEEL_RETENTION_DAYS", 180)
# Webhook deliveries: applied ones kept 30 days, dead ones 90 (to replay); files under
# MEDIA_ROOT that no file field refers to are deleted once older than the grace period.
FLYWHEEL_WEBHOOK_RETENTION_DAYS = env_int("FLYWHEEL_WEBHOOK_RETENTION_DAYS", 30)
FLYWHEEL_WEBHOOK_DEAD_RETENTION_DAYS = env_int("FLYWHEEL_WEBHOOK_DEAD_RETENTION_DAYS", 90)
# Delivered activity deliveries and outbound messages (dead ones stay until replayed or erased).
FLYWHEEL_DELIVERY_RETENTION_DAYS = env_int("FLYWHEEL_DELIVERY_RETENTION_DAYS", 14)
FLYWHEEL_ORPHAN_UPLOAD_GRACE_HOURS = env_int("FLYWHEEL_ORPHAN_UPLOAD_GRACE_HOURS", 24)
# Extra blocked sign-up domains on top of the shipped disposable list (staff add more in admin).
FLYWHEEL_BLOCKED_EMAIL_DOMAINS = env_list("FLYWHEEL_BLOCKED_EMAIL_DOMAINS")

# Activity consumers register themselves (flywheel.core.hooks.activity_consumers, in each app's
# AppConfig.ready()). None runs every registered one; a list of names (dotted paths) runs exactly
# those, in that order: an override for tests or for switching a consumer off.
FLYWHEEL_ACTIVITY_CONSUMERS: list[str] | None = None
# Seconds after an activity before the sweep hands out a delivery whose dispatch never came.
FLYWHEEL_ACTIVITY_DISPATCH_GRACE_SECONDS = env_int("FLYWHEEL_ACTIVITY_DISPATCH_GRACE_SECONDS", 120)

# Referrals (docs/referrals.md): the attribution cookie and its window, where /r/<code>
# leads by default, first or last touch, the friend's welcome discount, and fraud limits.
FLYWHEEL_REFERRAL_COOKIE_NAME = env_str("FLYWHEEL_REFERRAL_COOKIE_NAME", "fw_ref")
FLYWHEEL_REFERRAL_COOKIE_DAYS = env_int("FLYWHEEL_REFERRAL_COOKIE_DAYS", 30)
FLYWHEEL_REFERRAL_DEFAULT_TARGET = env_str("FLYWHEEL_REFERRAL_DEFAULT_TARGET", "community")
FLYWHEEL_REFERRAL_ATTRIBUTION = env_str("FLYWHEEL_REFERRAL_ATTRIBUTION", "first_touch")
FLYWHEEL_REFERRAL_FRIEND_DISCOUNT_PERCENT = env_str(
    "FLYWHEEL_REFERRAL_FRIEND_DISCOUNT_PERCENT", "10"
)
FLYWHEEL_REFERRAL_SAME_IP_HOURS = env_int("FLYWHEEL_REFERRAL_SAME_IP_HOURS", 72)
# Same hashed IP and user agent as the referrer's own visit within this many hours.
FLYWHEEL_REFERRAL_SAME_DEVICE_HOURS = env_int("FLYWHEEL_REFERRAL_SAME_DEVICE_HOURS", 72)
FLYWHEEL_REFERRAL_DEVICE_COOKIE_NAME = env_str("FLYWHEEL_REFERRAL_DEVICE_COOKIE_NAME", "fw_dev")
# Store credit per rewarded referral, in the shop's currency ("" = none, points only).
FLYWHEEL_REFERRAL_STORE_CREDIT = env_str("FLYWHEEL_REFERRAL_STORE_CREDIT", "")
# Paid orders attributed per task (referrals/tasks.py), and how long one task keeps draining
# the pending set while there is a backlog before it hands over to the next.
FLYWHEEL_REFERRAL_ATTRIBUTION_BATCH = env_int("FLYWHEEL_REFERRAL_ATTRIBUTION_BATCH", 100)
FLYWHEEL_REFERRAL_ATTRIBUTION_TASK_SECONDS = env_int(
    "FLYWHEEL_REFERRAL_ATTRIBUTION_TASK_SECONDS", 10
)
FLYWHEEL_REFERRAL_IP_LIMIT_PER_WEEK = env_int("FLYWHEEL_REFERRAL_IP_LIMIT_PER_WEEK", 10)
FLYWHEEL_REFERRAL_MONTHLY_CAP = env_int("FLYWHEEL_REFERRAL_MONTHLY_CAP", 20)
FLYWHEEL_REFERRAL_VELOCITY_PER_DAY = env_int("FLYWHEEL_REFERRAL_VELOCITY_PER_DAY", 5)
FLYWHEEL_REFERRAL_MIN_ACCOUNT_AGE_DAYS = env_int("FLYWHEEL_REFERRAL_MIN_ACCOUNT_AGE_DAYS", 7)
FLYWHEEL_REFERRAL_MIN_TRUST_LEVEL = env_int("FLYWHEEL_REFERRAL_MIN_TRUST_LEVEL", 1)

# Rewards (docs/rewards.md)
# Analytics: links to these hosts (besides connected stores' domains) in posts are product
# links; orders within the window after a member's click are community-attributed revenue.
FLYWHEEL_PRODUCT_LINK_DOMAINS = env_str("FLYWHEEL_PRODUCT_LINK_DOMAINS", "")
FLYWHEEL_ATTRIBUTION_WINDOW_DAYS = env_int("FLYWHEEL_ATTRIBUTION_WINDOW_DAYS", 7)
FLYWHEEL_PRODUCT_LINK_CLICK_RATE = env_str("FLYWHEEL_PRODUCT_LINK_CLICK_RATE", "60/h")
# Segments pushed from the console to an outbound webhook (a CDP, Zapier, your own endpoint):
# JSON, signed with HMAC-SHA256 of "<timestamp>.<body>" under the secret, retried with backoff.
FLYWHEEL_SEGMENT_WEBHOOK_URL = env_str("FLYWHEEL_SEGMENT_WEBHOOK_URL", "")
FLYWHEEL_SEGMENT_WEBHOOK_SECRET = env_str("FLYWHEEL_SEGMENT_WEBHOOK_SECRET", "")
FLYWHEEL_SEGMENT_WEBHOOK_TIMEOUT = env_int("FLYWHEEL_SEGMENT_WEBHOOK_TIMEOUT", 10)

FLYWHEEL_POINTS_EXPIRY_DAYS = env_int("FLYWHEEL_POINTS_EXPIRY_DAYS", 365)
FLYWHEEL_REFUND_WINDOW_DAYS = env_int("FLYWHEEL_REFUND_WINDOW_DAYS", 30)
FLYWHEEL_VIP_PERIOD = env_str("FLYWHEEL_VIP_PERIOD", "rolling_12_months")  # or calendar_year
# Tier spend is counted in one currency: this one (empty: the first connected store's); an
# order in another currency counts only at a rate given here, e.g. "USD=0.92,GBP=1.17".
FLYWHEEL_REWARDS_CURRENCY = env_str("FLYWHEEL_REWARDS_CURRENCY", "")
FLYWHEEL_REWARDS_EXCHANGE_RATES = env_str("FLYWHEEL_REWARDS_EXCHANGE_RATES", "")

# Reviews (docs/reviews.md): may members who never bought a product review it; which new
# reviews publish without a moderator ("verified": verified buyers with no auto-moderation flag,
# "all": anyone without such a flag, "never"); review requests N days after fulfilment, one
# reminder M days later, links valid for L days; the widget's cache lifetime in seconds.
FLYWHEEL_REVIEWS_BUYERS_ONLY = env_bool("FLYWHEEL_REVIEWS_BUYERS_ONLY", default=True)
FLYWHEEL_REVIEWS_AUTO_PUBLISH = env_str("FLYWHEEL_REVIEWS_AUTO_PUBLISH", "verified")
FLYWHEEL_REVIEWS_REQUEST_DAYS = env_int("FLYWHEEL_REVIEWS_REQUEST_DAYS", 14)
FLYWHEEL_REVIEWS_REMINDER_DAYS = env_int("FLYWHEEL_REVIEWS_REMINDER_DAYS", 7)
FLYWHEEL_REVIEWS_LINK_DAYS = env_int("FLYWHEEL_REVIEWS_LINK_DAYS", 60)
FLYWHEEL_REVIEWS_WIDGET_CACHE_SECONDS = env_int("FLYWHEEL_REVIEWS_WIDGET_CACHE_SECONDS", 300)

# Ideas (docs/ideas.md): the support milestones ("supporters:days" each, the days counted from
# the previous milestone, the first from submission); review periods of N months from January;
# how much a verified buyer's support weighs (1: like anyone's); how many hours supporters hear
# that an idea shipped before the public roadmap shows it.
FLYWHEEL_IDEAS_MILESTONES = env_str(
    "FLYWHEEL_IDEAS_MILESTONES", "100:60,1000:365,5000:182,10000:182"
)
FLYWHEEL_IDEAS_REVIEW_PERIOD_MONTHS = env_int("FLYWHEEL_IDEAS_REVIEW_PERIOD_MONTHS", 4)
FLYWHEEL_IDEAS_BUYER_WEIGHT = env_str("FLYWHEEL_IDEAS_BUYER_WEIGHT", "1")
FLYWHEEL_IDEAS_SUPPORTERS_FIRST_HOURS = env_int("FLYWHEEL_IDEAS_SUPPORTERS_FIRST_HOURS", 24)

# Moderation (docs/moderation.md): flags weighing this much hide content pending review; a new
# member's first N posts wait for approval (0: off); classifier thresholds for auto-moderation.
FLYWHEEL_FLAG_HIDE_THRESHOLD = float(env_str("FLYWHEEL_FLAG_HIDE_THRESHOLD", "3.0"))
FLYWHEEL_PREMODERATE_FIRST_POSTS = env_int("FLYWHEEL_PREMODERATE_FIRST_POSTS", 0)
FLYWHEEL_TEXT_CLASSIFIER = env_str(
    "FLYWHEEL_TEXT_CLASSIFIER", "flywheel.moderation.classifiers.lexicon.LexiconClassifier"
)
FLYWHEEL_TRANSFORMER_MODEL_DIR = env_str("FLYWHEEL_TRANSFORMER_MODEL_DIR", "")
FLYWHEEL_TOXICITY_HIDE = float(env_str("FLYWHEEL_TOXICITY_HIDE", "0.8"))
FLYWHEEL_TOXICITY_FLAG = float(env_str("FLYWHEEL_TOXICITY_FLAG", "0.5"))
FLYWHEEL_TRANSFORMER_SENTIMENT_MODEL_DIR = env_str("FLYWHEEL_TRANSFORMER_SENTIMENT_MODEL_DIR", "")
# Spam signals (moderation/spam.py): the score that flags / hides, and the signals' limits.
FLYWHEEL_SPAM_FLAG = float(env_str("FLYWHEEL_SPAM_FLAG", "0.6"))
FLYWHEEL_SPAM_HIDE = float(env_str("FLYWHEEL_SPAM_HIDE", "1.0"))
FLYWHEEL_SPAM_MAX_LINKS_LOW_TRUST = env_int("FLYWHEEL_SPAM_MAX_LINKS_LOW_TRUST", 2)
FLYWHEEL_SPAM_VELOCITY_POSTS = env_int("FLYWHEEL_SPAM_VELOCITY_POSTS", 5)
FLYWHEEL_SPAM_VELOCITY_SECONDS = env_int("FLYWHEEL_SPAM_VELOCITY_SECONDS", 120)
FLYWHEEL_SPAM_NEW_ACCOUNT_HOURS = env_int("FLYWHEEL_SPAM_NEW_ACCOUNT_HOURS", 24)

# Store integration (docs/stores.md): discount codes, the stores' REST APIs, webhooks.
FLYWHEEL_DISCOUNT_CODE_PREFIX = env_str("FLYWHEEL_DISCOUNT_CODE_PREFIX", "FW")
FLYWHEEL_STORE_API_CONNECT_TIMEOUT = float(env_str("FLYWHEEL_STORE_API_CONNECT_TIMEOUT", "5"))
FLYWHEEL_STORE_API_READ_TIMEOUT = float(env_str("FLYWHEEL_STORE_API_READ_TIMEOUT", "30"))
FLYWHEEL_STORE_API_MAX_ATTEMPTS = env_int("FLYWHEEL_STORE_API_MAX_ATTEMPTS", 4)
FLYWHEEL_STORE_API_BACKOFF_SECONDS = float(env_str("FLYWHEEL_STORE_API_BACKOFF_SECONDS", "0.5"))
FLYWHEEL_STORE_API_MAX_RATE_LIMIT_WAITS = env_int("FLYWHEEL_STORE_API_MAX_RATE_LIMIT_WAITS", 6)
FLYWHEEL_STORE_API_MAX_WAIT_SECONDS = float(env_str("FLYWHEEL_STORE_API_MAX_WAIT_SECONDS", "60"))
# None: each platform's own maximum page size.
FLYWHEEL_STORE_API_PAGE_SIZE: int | None = None
# {"shopify": "http://127.0.0.1:8001", ...}: point a platform's API elsewhere (tests, proxies).
FLYWHEEL_STORE_API_BASE_URLS: dict[str, str] = {}
# {"discord": "http://127.0.0.1:8002", ...}: bridges' platforms elsewhere (tests, proxies);
# a bridge's webhook address must be on its platform's host (bridges/models.py).
FLYWHEEL_BRIDGE_API_BASE_URLS: dict[str, str] = {}
FLYWHEEL_STORE_RECONCILE_OVERLAP_MINUTES = env_int("FLYWHEEL_STORE_RECONCILE_OVERLAP_MINUTES", 30)
FLYWHEEL_STORE_RECONCILE_FIRST_WINDOW_HOURS = env_int(
    "FLYWHEEL_STORE_RECONCILE_FIRST_WINDOW_HOURS", 24
)
FLYWHEEL_WEBHOOK_MAX_BYTES = env_int("FLYWHEEL_WEBHOOK_MAX_BYTES", 1024 * 1024)
FLYWHEEL_WEBHOOK_BATCH_SIZE = env_int("FLYWHEEL_WEBHOOK_BATCH_SIZE", 25)
FLYWHEEL_WEBHOOK_STORE_RECHECK_SECONDS = float(
    env_str("FLYWHEEL_WEBHOOK_STORE_RECHECK_SECONDS", "1.0")
)
