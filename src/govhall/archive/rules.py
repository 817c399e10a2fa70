"""How a volume is classified (档案分类) and how long it is kept (保管期限) — docs/archive.md.

Classification, two levels: the item type (事项类型, the two-digit codes of STANDARDS.md: 01
行政许可 … 21 公共服务) and the outcome (1 准予, 2 不予批准, 3 不予受理, 4 撤回). The class code
is ``<type>-<outcome>``: ``01-1`` is a granted administrative licence, ``05-3`` a benefit
application that was not accepted. Finding every granted licence of a year is then one code.

Retention: the three periods of 国家档案局令第8号 (永久, 定期30年, 定期10年). Which outcome gets
which is govhall's default, inferred rather than read from a standard (the province's archive
authority may set its own; change the table here):

- a favourable decision that creates or confirms a lasting right or status — a licence
  (01), a confirmation (07), an adjudication (09) — is the holder's proof for as long as the
  right exists: **permanent**;
- any other favourable outcome (benefits, public services …): **30 years**;
- a refusal after review, a refusal to accept, a withdrawal: **10 years**, twice the outer
  limit for suing a decision the applicant was not told about (行政诉讼法 Art. 46: five years;
  it allows twenty for real property, so a province that handles real-property items here
  should lengthen theirs).

A fixed period counts from 1 January of the year after the case closed (the usual convention
of Chinese records management, taken as such, not from a standard's text): a case closed in
2026 and kept 10 years is kept until 2036-12-31.
"""

from __future__ import annotations

import datetime

from govhall.archive.models import ArchiveOutcome, RetentionPeriod

#: Second level of the class code, and its name in the class name.
OUTCOME_CLASSES: dict[str, tuple[str, str]] = {
    ArchiveOutcome.GRANTED: ("1", "准予"),
    ArchiveOutcome.DENIED: ("2", "不予批准"),
    ArchiveOutcome.REFUSED: ("3", "不予受理"),
    ArchiveOutcome.WITHDRAWN: ("4", "撤回"),
}
#: Item types whose grant creates or confirms a lasting right or status: 行政许可, 行政确认,
#: 行政裁决.
LASTING_ITEM_TYPES = frozenset({"01", "07", "09"})
RETENTION_YEARS: dict[str, int] = {RetentionPeriod.YEARS_30: 30, RetentionPeriod.YEARS_10: 10}


def class_code(*, item_type_code: str, outcome: str) -> str:
    """``01-1``: the item type, then the outcome."""
    return f"{item_type_code}-{OUTCOME_CLASSES[outcome][0]}"


def class_name(*, item_type_name: str, outcome: str) -> str:
    """``行政许可·准予``: how the class reads on a volume (always Chinese, like the volume)."""
    return f"{item_type_name}·{OUTCOME_CLASSES[outcome][1]}"


def retention_for(*, item_type_code: str, outcome: str) -> RetentionPeriod:
    if outcome == ArchiveOutcome.GRANTED:
        if item_type_code in LASTING_ITEM_TYPES:
            return RetentionPeriod.PERMANENT
        return RetentionPeriod.YEARS_30
    return RetentionPeriod.YEARS_10


def retain_until(retention: str, *, closed_on: datetime.date) -> datetime.date | None:
    """The last day a volume must be kept; ``None`` for a permanent one."""
    years = RETENTION_YEARS.get(retention)
    if years is None:
        return None
    return datetime.date(closed_on.year + years, 12, 31)
