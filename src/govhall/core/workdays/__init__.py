"""Working-day calendar engine for Chinese statutory time limits (pure Python, no Django).

Modules:

* ``engine`` — ``WorkdayCalendar``: O(1) working-day arithmetic with clock stops.
* ``statutory`` — statutory public holidays computed from the national rules, used for
  years whose State Council schedule has not been published yet.
* ``sources`` — assembles calendar data from the ``chinese_calendar`` package plus
  ``statutory`` so the Django side can seed its holiday table.
"""
