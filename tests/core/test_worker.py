"""The worker: periodic jobs that poll feeds, draft, send mail, and survive failures."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from clarion.core.jobs import Periodic
from clarion.core.models import OutboxMessage
from clarion.core.outbox import outbox_drain_all, outbox_enqueue
from clarion.core.worker import Worker
from clarion.news.models import Article, Story
from clarion.news.services import feed_add
from clarion.petitions.models import Petition
from tests.core import sample_tasks

pytestmark = pytest.mark.django_db

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tagus Post</title><link>https://taguspost.example/</link>
<description>News</description>
<item><title>Lisbon approves a second cruise terminal over residents' objections</title>
<link>https://taguspost.example/2026/11/terminal</link>
<pubDate>Tue, 17 Nov 2026 10:00:00 +0000</pubDate>
<description>The Port Authority of Lisbon approved a second cruise terminal on Tuesday, despite
objections from residents of Alfama who say the ships already foul the air. Monitors
recorded nitrogen dioxide above the legal limit on 41 days last year, according to the city
environment office. Residents asked the City Council of Lisbon to cap daily dockings.
</description></item></channel></rss>"""


def test_one_round_polls_due_feeds_drafts_and_sends_mail(feed_server, capsys):
    feed_add(feed_server.add("/feed.xml", body=FEED.encode()))
    outbox_enqueue(key="t-1", to="reader@example.org", subject="Hello", body="Hi.")
    call_command("worker", "--once")
    out = capsys.readouterr().out
    assert "feeds: 1" in out and "drafts: 1" in out and "outbox: 1" in out
    assert Article.objects.count() == 1
    story = Story.objects.get()
    assert story.petition.status == Petition.Status.DRAFT
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    # A second round finds nothing new to do: the feed is not due, the story is drafted.
    call_command("worker", "--once")
    assert Petition.objects.filter(drafter="offline").count() == 1


def test_a_failing_job_does_not_stop_the_others():
    ran = []

    def broken() -> int:
        raise RuntimeError("database went away")

    def fine() -> int:
        ran.append(True)
        return 1

    worker = Worker([Periodic("broken", broken, 1), Periodic("fine", fine, 1)])
    assert worker.run_round() == {"fine": 1}
    assert ran == [True]


def test_once_runs_the_queued_tasks_too(capsys):
    sample_tasks.runs.clear()
    sample_tasks.record.enqueue(3)
    call_command("worker", "--once")
    assert "tasks: 1" in capsys.readouterr().out
    assert sample_tasks.runs == [3]
    call_command("worker", "--once")
    assert "tasks:" not in capsys.readouterr().out
    sample_tasks.runs.clear()


@pytest.mark.django_db(transaction=True)
def test_it_stops_cleanly_when_asked():
    worker = Worker([])
    worker.jobs = [Periodic("stopper", lambda: worker.stop() or 0, 1)]
    worker.run_forever()  # returns instead of looping forever
    assert worker.stopping


def test_the_outbox_job_keeps_sending_while_full_batches_go_out():
    for n in range(5):
        outbox_enqueue(key=f"burst-{n}", to=f"r{n}@example.org", subject="Hi", body="Hi.")
    assert outbox_drain_all(batch=2) == 5
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {
        OutboxMessage.Status.SENT
    }
