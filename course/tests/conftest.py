from hypothesis import settings

# No per-example deadline: on a shared 2-core machine a deadline only flakes (the labs are timed by the chapters).
settings.register_profile("smallsteps", deadline=None)
settings.load_profile("smallsteps")
