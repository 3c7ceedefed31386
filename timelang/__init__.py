"""The Vietnamese time language: working calendar, deadline phrases, recurrence, the clock.

Pure: no database, no platform.
"""
