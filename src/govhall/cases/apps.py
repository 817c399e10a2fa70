from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "govhall.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from govhall.cases import rules_inputs  # noqa: F401  (the licence library's inputs)
        from govhall.cases.archiving import on_case_finished
        from govhall.cases.licensing import on_case_granted
        from govhall.cases.notices import on_case_event
        from govhall.cases.recompute import on_calendar_loaded
        from govhall.core.outbox import subscribe

        # Written notices are made after the action committed (docs/cases.md, "Notices").
        subscribe("cases.case.*", "cases.notices")(on_case_event)
        # Provisional due dates are recomputed when a year's official schedule is loaded.
        subscribe("core.calendar.year_loaded", "cases.due_dates")(on_calendar_loaded)
        # A granted case issues its licenses into the library (docs/licenses.md).
        subscribe("cases.case.granted", "cases.licenses")(on_case_granted)
        # A finished case is archived: materials, notices and its record (docs/archive.md).
        subscribe("cases.case.close", "cases.archive")(on_case_finished)
        subscribe("cases.case.withdraw", "cases.archive_withdrawn")(on_case_finished)
