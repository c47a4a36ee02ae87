from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("mentioned you")
    REPLY = "reply", _("replied to your post")
    TOPIC_REPLY = "topic_reply", _("replied in a topic you follow")
    SPACE_TOPIC = "space_topic", _("started a topic in a space you follow")
    MEMBER_TOPIC = "member_topic", _("started a topic")
    ANSWER_ACCEPTED = "answer_accepted", _("accepted your answer")
    NEW_FOLLOWER = "new_follower", _("followed you")
    # From moderation (flywheel.moderation): the reason is on /moderation/notices/.
    MOD_APPROVED = "mod_approved", _("approved your post")
    MOD_REJECTED = "mod_rejected", _("removed your post")
    MOD_EDITED = "mod_edited", _("edited your post")
    MOD_DELETED = "mod_deleted", _("deleted your post")
    MOD_MOVED = "mod_moved", _("moved your topic")
    MOD_MERGED = "mod_merged", _("merged your topic")
    MOD_SANCTION = "mod_sanction", _("sent you a moderation notice")
    MOD_APPEAL = "mod_appeal", _("decided your appeal")
    BADGE_GRANTED = "badge_granted", _("earned a badge")
    TRUST_LEVEL_UP = "trust_level_up", _("reached a new trust level")
    TRUST_LEVEL_DOWN = "trust_level_down", _("moved to a lower trust level")
    # From the ideas app: the summary is written in the recipient's language.
    IDEA_UPDATED = "idea_updated", _("updated an idea you support")
    IDEA_SHIPPED = "idea_shipped", _("built what you asked for")
    # From surveys (flywheel.surveys): the link leads to the member's open surveys.
    SURVEY_INVITED = "survey_invited", _("invited you to answer a survey")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.ForeignKey(
        "community.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "community.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    activity = models.ForeignKey(
        "core.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For notifications about something that is not a topic (an idea): where it leads, and
    # its text, written in the recipient's language when it was created.
    link = models.CharField(max_length=300, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One activity notifies a member at most once, however often it is replayed.
            models.UniqueConstraint(
                fields=["recipient", "activity"], name="notify_once_per_activity"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    def get_absolute_url(self) -> str:
        """Where the notification leads: the post (#post-N) in its topic, else the actor.

        Moderation notices lead to the member's notices page, which gives the reason."""
        if self.link:
            return self.link
        if self.kind.startswith("mod_"):
            return reverse("moderation:notices")
        # An activity may name where it happened (a chat message: its room, at the message).
        link = (self.activity.payload or {}).get("url") if self.activity_id else None
        if link and not self.topic_id:
            return link
        if self.kind == NotificationKind.SURVEY_INVITED:
            return reverse("surveys:mine")
        if self.topic_id:
            url = self.topic.get_absolute_url()
            return f"{url}#post-{self.post.number}" if self.post_id else url
        if self.actor_id:
            return reverse("accounts:profile", kwargs={"handle": self.actor.handle})
        return reverse("notifications:list")
