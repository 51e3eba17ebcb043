"""Small Steps: the course's own package beside the quiz engine ``kcourse``.

``smallsteps.labs`` holds the chapters' activities (one module per chapter's lab), ``smallsteps/data`` the tables
they read. The engine knows nothing of this package; the chapters import both.
"""
