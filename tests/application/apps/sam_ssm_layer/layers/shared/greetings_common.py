"""Shared by the greetings functions: shipped as a layer (sam build puts it under python/)."""

LAYER_NAME = "greetings-shared"


def greeting(prefix, name):
    return f"{prefix}, {name}!"
