"""`dlp milter serve`: the same decisions as `dlp gateway`, answered inside the sender's SMTP session."""
