"""Moving a site in and out: imports from WordPress (with wpDiscuz) and
Disqus, and Tribune's own export."""
