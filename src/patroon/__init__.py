"""Patroon: early recognition and prevention of femicide and intimate-partner violence."""

__version__ = "0.1.0"
