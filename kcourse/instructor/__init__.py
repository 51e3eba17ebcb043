"""Instructor tools: assign personal quizzes, grade handed-in submissions into a SQLite gradebook, export
grades for Canvas and Moodle, write feedback, and compute item statistics.

The modules are small and pure where they can be (``roster``, ``stats``, ``manifest``); ``gradebook`` holds
every SQL statement; ``cli`` is the thin click shell. See reference/instructors.md for the workflow.
"""
