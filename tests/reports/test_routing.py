"""Dashboards may read from a replica (REPORTS_DATABASE_URL): only inside replica_reads()."""

import pytest
from django.urls import reverse

from schoolwell.reports import routing
from schoolwell.reports.routing import REPLICA, ReportsReplicaRouter, replica_reads
from schoolwell.roster.models import Student

router = ReportsReplicaRouter()


def test_reads_go_to_the_replica_only_inside_the_block_and_when_configured(monkeypatch):
    monkeypatch.setattr(routing, "replica_configured", lambda: True)
    assert router.db_for_read(Student) is None
    with replica_reads():
        assert router.db_for_read(Student) == REPLICA
        assert router.db_for_write(Student) == "default"
    assert router.db_for_read(Student) is None
    monkeypatch.setattr(routing, "replica_configured", lambda: False)
    with replica_reads():
        assert router.db_for_read(Student) is None


def test_the_replica_is_never_migrated():
    assert router.allow_migrate(REPLICA, "roster") is False
    assert router.allow_migrate("default", "roster") is None


@pytest.mark.django_db
def test_the_school_dashboard_reads_inside_the_block(
    client_for, school_admin, school_a, monkeypatch
):
    seen = []
    real = ReportsReplicaRouter.db_for_read

    def spy(self, model, **hints):
        seen.append(routing._reading.get())
        return real(self, model, **hints)

    monkeypatch.setattr(ReportsReplicaRouter, "db_for_read", spy)
    from django.db import router as django_router

    # As settings install it when REPORTS_DATABASE_URL is set.
    monkeypatch.setattr(django_router, "routers", [ReportsReplicaRouter()])
    response = client_for(school_admin).get(reverse("reports:school", args=[school_a.pk]))
    assert response.status_code == 200
    assert True in seen  # the dashboard's queries were asked about inside the block
    assert routing._reading.get() is False  # and the block ended with the request


def test_the_other_schools_dashboard_is_still_a_404(client_for, school_admin, school_b):
    response = client_for(school_admin).get(reverse("reports:school", args=[school_b.pk]))
    assert response.status_code == 404
