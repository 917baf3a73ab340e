"""`dlp gateway`: a Postfix after-queue content filter (FILTER_README style)."""
