"""One router module per page family: login (sign in and out), queue (review queue and actions)."""
