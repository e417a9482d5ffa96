"""Platform tasks. `ping` is the health probe for workers: it proves a worker takes work and reaches the database.

    celery -A vschool call vschool.core.tasks.ping   # then read the result, or from Python:
    vschool.core.tasks.ping.delay().get(timeout=10)  # -> "pong postgresql"
"""

from celery import shared_task
from django.db import connection


@shared_task(name="vschool.core.tasks.ping")
def ping() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return f"pong {connection.vendor}"
