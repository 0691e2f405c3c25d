"""The body policy: what a page under ``content/`` may contain, and ``kb check``'s reading of a page under it.

:mod:`.rules` holds the rules and limits, :mod:`.addresses` the scheme and
asset rules for addresses, :mod:`.check` the check of one page.
"""
