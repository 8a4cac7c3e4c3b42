"""Telegram front-end for report-qa: ask in a chat, get a cited answer.

Run it with ``qa bot`` or ``python -m bot`` (see bot/README.md). Modules:

* :mod:`bot.settings` - token, admins, API URL, examples from the environment and qa.toml
* :mod:`bot.render` - pure functions: engine answers -> Telegram HTML parts and buttons
* :mod:`bot.handlers` - the update handlers around one engine
* :mod:`bot.app` - building and running the python-telegram-bot Application
* :mod:`bot.cli` - the ``qa bot`` subcommand

Only :mod:`bot.cli` is imported by ``qa`` at start-up, and it does not import telegram.
"""
