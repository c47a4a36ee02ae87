from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from flywheel.accounts.admin_access import ReadOnlyAdmin, RoleBasedAdmin, RoleBasedInline
from flywheel.community import services
from flywheel.community.models import (
    Follow,
    Post,
    Reaction,
    Space,
    SpaceMembership,
    SpaceRole,
    Tag,
    Topic,
)
from flywheel.core.exceptions import DomainError


class SpaceModeratorInline(RoleBasedInline, admin.TabularInline):
    """Per-space moderators. Rows go through community.services.set_space_moderator, which
    also makes the person a member of the space (keeping member counts right)."""

    model = SpaceMembership
    verbose_name = _("space moderator")
    verbose_name_plural = _("space moderators")
    fields = ("member", "joined_at")
    readonly_fields = ("joined_at",)
    autocomplete_fields = ("member",)
    extra = 0

    def get_queryset(self, request):
        # Only moderators: a busy space has far too many members to list in a form.
        return (
            super().get_queryset(request).filter(role=SpaceRole.MODERATOR).select_related("member")
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)

        class ModeratorForm(formset_class.form):
            def validate_unique(self):
                # An existing member may be promoted; the service reuses their membership.
                pass

        formset_class.form = ModeratorForm
        return formset_class


@admin.register(Space)
class SpaceAdmin(RoleBasedAdmin):
    list_display = ("name", "slug", "visibility", "position", "member_count", "topic_count")
    list_filter = ("visibility",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("member_count", "topic_count", "created_at")
    inlines = (SpaceModeratorInline,)

    def save_formset(self, request, form, formset, change):
        if formset.model is not SpaceMembership:
            return super().save_formset(request, form, formset, change)
        space = form.instance
        memberships = formset.save(commit=False)
        try:
            for membership in memberships:
                services.set_space_moderator(
                    space=space, member=membership.member, is_moderator=True, by=request.user
                )
            for membership in formset.deleted_objects:
                services.set_space_moderator(
                    space=space, member=membership.member, is_moderator=False, by=request.user
                )
        except DomainError as error:
            messages.error(request, error.message)
        return None


@admin.register(Tag)
class TagAdmin(RoleBasedAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Topic)
class TopicAdmin(RoleBasedAdmin):
    list_display = (
        "title",
        "space",
        "author",
        "kind",
        "is_pinned",
        "is_closed",
        "reply_count",
        "last_posted_at",
        "deleted_at",
    )
    list_filter = ("kind", "is_pinned", "is_closed", "space")
    list_select_related = ("space", "author")
    search_fields = ("title", "author__handle", "author__email")
    date_hierarchy = "created_at"
    fields = (
        "title",
        "space",
        "author",
        "kind",
        "tags",
        "is_pinned",
        "is_closed",
        "accepted_answer",
        "reply_count",
        "reaction_count",
        "created_at",
        "last_posted_at",
        "last_poster",
        "deleted_at",
    )
    # Content and structure change on the site, through the services; here staff pin and close.
    readonly_fields = (
        "title",
        "space",
        "author",
        "kind",
        "tags",
        "accepted_answer",
        "reply_count",
        "reaction_count",
        "created_at",
        "last_posted_at",
        "last_poster",
        "deleted_at",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        try:
            services.set_topic_flags(
                topic=obj, by=request.user, pinned=obj.is_pinned, closed=obj.is_closed
            )
        except DomainError as error:
            messages.error(request, error.message)


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "topic", "author", "number", "created_at", "edited_at", "deleted_at")
    list_select_related = ("topic", "author")
    search_fields = ("body", "author__handle", "author__email")
    list_filter = ("deleted_at",)
    date_hierarchy = "created_at"
    readonly_fields = ("body_html",)


@admin.register(Reaction)
class ReactionAdmin(ReadOnlyAdmin):
    list_display = ("post", "member", "kind", "created_at")
    list_filter = ("kind",)
    list_select_related = ("post", "member")
    search_fields = ("member__handle",)


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ("follower", "topic", "space", "member", "created_at")
    list_select_related = ("follower", "topic", "space", "member")
    search_fields = ("follower__handle", "member__handle")
