"""Periodic jobs of the volunteers module: thin wrappers over services (run by Celery beat or
`boai periodic`)."""

from __future__ import annotations

from datetime import timedelta

from boai.core.periodic import periodic


@periodic("volunteers.stars_finalise", every=timedelta(hours=6))
def stars_finalise() -> int:
    """Award star levels whose public notice has ended."""
    from boai.volunteers.services import stars_finalise as finalise

    return finalise()


@periodic("volunteers.stars_recompute", every=timedelta(days=1))
def stars_recompute() -> dict:
    """Rebuild every volunteer's certified hours from the records and open notices for new levels."""
    from boai.volunteers.services import stars_recompute_all

    return stars_recompute_all()


@periodic("volunteers.members_remind", every=timedelta(days=1))
def members_remind() -> int:
    from boai.volunteers.services import members_remind as remind

    return remind()


@periodic("volunteers.members_lapse", every=timedelta(days=1))
def members_lapse() -> int:
    from boai.volunteers.services import members_lapse as lapse

    return lapse()
