"""Briefings, timelines and comparisons: the news questions that are not single facts."""

from assistant.briefing.desk import BriefingDesk

__all__ = ["BriefingDesk"]
