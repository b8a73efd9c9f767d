"""Tests of the example image function (``function/``), all through :class:`apigw_emulator.Gateway`."""
