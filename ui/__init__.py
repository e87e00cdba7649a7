"""The Qt interface of unionapp. It calls the core (``unionapp``); the core never imports it.

Importing this package loads no Qt: ``ui.launch`` must stay cheap for headless commands.
"""
