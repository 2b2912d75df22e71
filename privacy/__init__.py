"""What a commenter may ask of the site about themselves (an export, or
erasure), and old evidence purged."""
