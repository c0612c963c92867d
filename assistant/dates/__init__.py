"""Time words in a question ("last week", "in March 2025", "since Monday") as a date range.

A small explicit grammar, resolved against a reference datetime ``as_of`` (today, or the
question's date in evaluation). Weeks start on Monday; day boundaries are those of ``as_of``'s
timezone. Only phrases that clearly point at a time match: "March Madness", "may" the verb and
"the 2024 election" do not. Periods that lie wholly after ``as_of`` ("in 2030", "next week") are
not publication ranges, so they only mark the question as wanting recent news. Explicit periods
are phrases too: "the week of 27 March 2017", "between 1 and 7 March", "in late March".

One job per module: ``vocabulary`` (the words and the regex fragments built from them),
``arithmetic`` (weeks, months and named days), ``rules`` (the phrase patterns and their
resolvers, in their order) and ``constraint`` (the first phrase found, as a ``TimeConstraint``).
"""

from assistant.dates.constraint import CURRENT_DAYS, TimeConstraint, parse_time_constraints

__all__ = ["CURRENT_DAYS", "TimeConstraint", "parse_time_constraints"]
