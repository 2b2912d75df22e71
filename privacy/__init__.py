"""What a commenter may ask of the site about themselves: an export of it, or its erasure; and old evidence purged."""
