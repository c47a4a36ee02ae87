from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members only")
    GATED = "gated", _("Purchase-gated")


class Space(models.Model):
    """An interest space: the hub's unit of belonging, discussion and access."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    icon = models.CharField(
        _("icon"),
        max_length=40,
        default="chat-square-text",
        help_text=_("A Bootstrap Icons name, e.g. compass or tree."),
    )
    color = models.CharField(_("colour"), max_length=7, default="#2f6f4f")
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    gate_description = models.CharField(
        _("gate description"),
        max_length=200,
        blank=True,
        help_text=_("What unlocks a gated space, shown to members who cannot enter yet."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    member_count = models.PositiveIntegerField(default=0)
    topic_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SpaceRole(models.TextChoices):
    MEMBER = "member", _("Member")
    MODERATOR = "moderator", _("Moderator")


class SpaceMembership(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_memberships"
    )
    role = models.CharField(max_length=10, choices=SpaceRole.choices, default=SpaceRole.MEMBER)
    joined_at = models.DateTimeField()

    class Meta:
        verbose_name = _("space membership")
        verbose_name_plural = _("space memberships")
        constraints = [
            models.UniqueConstraint(fields=["space", "member"], name="one_membership_per_space")
        ]
        indexes = [
            models.Index(fields=["space", "joined_at"]),
            # Topic pages badge a space's moderators: a handful of rows among thousands.
            models.Index(
                fields=["space"], condition=Q(role="moderator"), name="membership_moderators"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.space_id}"


class SpaceAccessGrant(models.Model):
    """Lets one member through a gated space's gate (granted by staff or by a store purchase)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="access_grants")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_access_grants"
    )
    reason = models.CharField(max_length=200, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["space", "member"], name="one_access_grant_per_space")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} may enter {self.space_id}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40)
    slug = models.SlugField(_("slug"), max_length=40, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TopicKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")
    ANNOUNCEMENT = "announcement", _("Announcement")


class TopicQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(deleted_at__isnull=True)

    def unanswered(self):
        return self.filter(kind=TopicKind.QUESTION, accepted_answer__isnull=True)


class Topic(models.Model):
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="topics")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="topics"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=TopicKind.choices, default=TopicKind.DISCUSSION
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="topics")
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_closed = models.BooleanField(_("closed"), default=False)
    accepted_answer = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    # Bumped by every write that changes what the topic page shows; keys its page cache.
    version = models.PositiveIntegerField(default=0)
    last_posted_at = models.DateTimeField(db_index=True)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-is_pinned", "-last_posted_at", "-id"]
        indexes = [
            models.Index(
                fields=["space", "-is_pinned", "-last_posted_at", "-id"], name="topic_space_listing"
            ),
            models.Index(fields=["-is_pinned", "-last_posted_at", "-id"], name="topic_listing"),
            models.Index(fields=["space", "kind", "accepted_answer"], name="topic_unanswered"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("community:topic", kwargs={"topic_id": self.pk, "slug": self.slug or "-"})


class Post(models.Model):
    """The opening post (number 1) or a reply in a topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    number = models.PositiveIntegerField()
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("body"))
    body_html = models.TextField()
    reaction_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["topic", "number"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="post_number_unique_in_topic")
        ]
        indexes = [models.Index(fields=["author", "created_at"])]

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.number}"

    @property
    def is_opening_post(self) -> bool:
        return self.number == 1

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(models.Model):
    """The text a post had before an edit: the edit history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"revision of {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class ReactionKind(models.TextChoices):
    LIKE = "like", "👍"
    HEART = "heart", "❤️"
    LAUGH = "laugh", "😄"
    CELEBRATE = "celebrate", "🎉"
    INSIGHTFUL = "insightful", "💡"
    EYES = "eyes", "👀"


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=20, choices=ReactionKind.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "member", "kind"], name="one_reaction_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.member_id} on {self.post_id}"


class Follow(models.Model):
    """A member following a topic, a space or another member; exactly one target is set."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    space = models.ForeignKey(
        Space, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(topic__isnull=False, space__isnull=True, member__isnull=True)
                    | Q(topic__isnull=True, space__isnull=False, member__isnull=True)
                    | Q(topic__isnull=True, space__isnull=True, member__isnull=False)
                ),
                name="follow_has_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["follower", "topic"],
                condition=Q(topic__isnull=False),
                name="follow_topic_once",
            ),
            models.UniqueConstraint(
                fields=["follower", "space"],
                condition=Q(space__isnull=False),
                name="follow_space_once",
            ),
            models.UniqueConstraint(
                fields=["follower", "member"],
                condition=Q(member__isnull=False),
                name="follow_member_once",
            ),
            models.CheckConstraint(
                condition=~Q(member=models.F("follower")), name="cannot_follow_self"
            ),
        ]

    def __str__(self) -> str:
        target = self.topic_id or self.space_id or self.member_id
        return f"{self.follower_id} follows {target}"


class PostImage(models.Model):
    """An image a member uploaded from a composer, served only through the image view, which
    asks whether the viewer may read the post it is in (community/views.py, `image`).

    Uploaded before the post exists (the composer inserts its Markdown), linked to the post
    when the post is saved with the image's URL in its body; an upload never linked is deleted
    after a day (tasks.delete_unattached_post_images). The file name is random, so the only
    published address is the access-checked one."""

    key = models.CharField(max_length=32, unique=True, editable=False)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_images"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )
    image = models.ImageField(upload_to="posts/", width_field="width", height_field="height")
    # The smaller variant pages show (made in the background; the image view falls back to
    # the full image until it exists).
    display = models.ImageField(upload_to="posts/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    attached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("post image")
        verbose_name_plural = _("post images")
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(post__isnull=True), name="post_image_unattached"
            ),
            models.Index(fields=["uploader", "created_at"], name="post_image_uploader"),
        ]

    def __str__(self) -> str:
        return self.key

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("community:image", kwargs={"key": self.key})
