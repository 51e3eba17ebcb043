"""Files on disk: the learner's progress file and atomic writes."""
