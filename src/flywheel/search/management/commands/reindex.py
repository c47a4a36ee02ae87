from django.core.management.base import BaseCommand

from flywheel.search.services import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index from every live post (safe to run while serving)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"Indexed {done}/{total} posts")

        indexed = reindex_all(batch_size=max(1, batch_size), progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {indexed} posts."))
