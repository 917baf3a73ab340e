"""dlp: find Japanese personal information in files, folders and outbound mail.

``__version__`` is the one place the version is written; the build reads it from here
(``[tool.hatch.version]`` in pyproject.toml) and ``dlp --version`` prints it.
"""

__version__ = "0.1.0"
