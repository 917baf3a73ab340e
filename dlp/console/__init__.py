"""`dlp console`: the web console where officers, approvers and auditors review held items.

It reads and acts through the same quarantine store and audit trail as `dlp quarantine`
(dlp.services), so a release from the browser keeps the store's exactly-once guarantee."""
