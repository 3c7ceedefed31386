"""Reports and evidence dossiers: the on-time figures units are scored on, their spreadsheet
and chart, the evidence zip for inspectors, and the deadline calendar feeds.

Everything here reads the database through one session it is handed and never commits;
the caller's unit of work (one chat update, one CLI command) does.
"""
