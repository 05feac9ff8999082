"""interact: log, plan and list interactions with people, in plain YAML files."""

__version__ = "0.1.0"
