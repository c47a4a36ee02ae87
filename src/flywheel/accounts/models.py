import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MODERATOR = "moderator", _("Moderator")
    AMBASSADOR = "ambassador", _("Ambassador")
    MEMBER = "member", _("Member")


BRAND_TEAM_ROLES = {Role.OWNER, Role.ADMIN, Role.MODERATOR}
ADMIN_ROLES = {Role.OWNER, Role.ADMIN}


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        if not user.handle:
            from flywheel.accounts.services import unique_handle_for

            user.handle = unique_handle_for(user.email)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", Role.OWNER)
        return self.create_user(email, password, **fields)


# The same shape core.markup's MENTION_PATTERN recognises, so every handle can be @mentioned.
HANDLE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,28}[A-Za-z0-9_]\Z"
validate_handle = RegexValidator(
    HANDLE_PATTERN,
    _(
        "A handle has 3 to 30 characters: letters, digits, dots, dashes and underscores, "
        "starting with a letter or digit and not ending with a dot or dash."
    ),
    code="invalid_handle",
)


def avatar_path(user: "User", filename: str) -> str:
    return f"avatars/{user.pk or 'new'}/{filename}"


class User(AbstractUser):
    """A person in the community: customers and the brand's own team alike."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    handle = models.CharField(
        _("handle"),
        max_length=30,
        unique=True,
        validators=[validate_handle],
        help_text=_("Your @name: letters, digits, dots, dashes and underscores."),
    )
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    bio = models.TextField(_("bio"), max_length=1000, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    digest_enabled = models.BooleanField(_("weekly digest e-mail"), default=True)
    mention_emails_enabled = models.BooleanField(_("e-mail me when mentioned"), default=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(Lower("handle"), name="user_handle_case_insensitive_unique"),
        ]
        # The console's members list shows the newest first (analytics.queries).
        indexes = [models.Index(F("date_joined").desc(), F("id").desc(), name="user_newest_first")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.handle

    @property
    def is_brand_team(self) -> bool:
        return self.role in BRAND_TEAM_ROLES

    @property
    def is_community_admin(self) -> bool:
        return self.role in ADMIN_ROLES or self.is_superuser

    @property
    def initials(self) -> str:
        parts = self.name.split()
        letters = "".join(part[0] for part in parts[:2]) if parts else "?"
        return letters.upper()


class PersonalAccessToken(models.Model):
    """A bearer token for the JSON API; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
