import factory
from django.utils import timezone

from flywheel.accounts.models import Role, User
from flywheel.community import services
from flywheel.community.models import Space, TopicKind, Visibility


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    handle = factory.Sequence(lambda n: f"member{n}")
    display_name = factory.Faker("name")
    role = Role.MEMBER
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class ModeratorFactory(UserFactory):
    role = Role.MODERATOR


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    name = factory.Sequence(lambda n: f"Space {n}")
    slug = factory.Sequence(lambda n: f"space-{n}")
    description = "Talk about gear."
    visibility = Visibility.PUBLIC


def make_topic(
    *,
    space=None,
    author=None,
    title="Which tent for the Dolomites?",
    body="Looking for a light two-person tent.",
    kind=TopicKind.DISCUSSION,
    tags=None,
):
    """A topic created through the real service, as members create them."""
    return services.create_topic(
        author=author or UserFactory(),
        space=space or SpaceFactory(),
        title=title,
        body=body,
        kind=kind,
        tags=tags,
        enforce_rate_limit=False,
    )


def make_reply(*, topic, author=None, body="The Hubba Hubba is great.", reply_to=None):
    return services.create_reply(
        author=author or UserFactory(),
        topic=topic,
        body=body,
        reply_to=reply_to,
        enforce_rate_limit=False,
    )


def now():
    return timezone.now()
