"""The gradebook's schema in PostgreSQL's dialect, at :data:`.schema.SCHEMA_VERSION`.

The same tables, columns, keys and checks as a SQLite gradebook after its migrations (a test compares the two):
PostgreSQL support started at version 2, so a new PostgreSQL gradebook is created at the current version and
there is no older one to upgrade; :data:`PG_MIGRATIONS` is where a step for version 3 goes. The differences
of dialect: ids are ``BIGINT`` (kcourse assigns them, under the write lock), scores ``DOUBLE PRECISION``
(PostgreSQL's ``REAL`` is 4 bytes), seeds ``BIGINT``, text is compared byte-wise (``COLLATE "C"``, as SQLite
does, whatever the server's locale), and the version is a row of ``kcourse_schema`` (SQLite keeps it in
``PRAGMA user_version``).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...core.rules import ATTEMPT_POLICIES, DEFAULT_POLICY, sql_in

T = 'TEXT COLLATE "C"'
NUM = "DOUBLE PRECISION"

PG_SCHEMA = f"""
CREATE TABLE kcourse_schema (version INTEGER NOT NULL);
CREATE TABLE quizzes (
    quiz_id   {T} PRIMARY KEY,
    title     {T} NOT NULL,
    digest    {T} NOT NULL,
    policy    {T} NOT NULL DEFAULT '{DEFAULT_POLICY}' CHECK ({sql_in('policy', ATTEMPT_POLICIES)}),
    source    {T} NOT NULL DEFAULT ''
);
CREATE TABLE students (
    student_id   {T} PRIMARY KEY,
    name         {T} NOT NULL DEFAULT '',
    email        {T} NOT NULL DEFAULT '',
    canvas_id    {T} NOT NULL DEFAULT '',
    sis_login_id {T} NOT NULL DEFAULT '',
    section      {T} NOT NULL DEFAULT ''
);
CREATE TABLE runs (
    run_id     BIGINT PRIMARY KEY,
    quiz_id    {T} NOT NULL REFERENCES quizzes,
    started_at {T} NOT NULL,
    files_in   INTEGER NOT NULL,
    graded     INTEGER NOT NULL,
    rejected   INTEGER NOT NULL,
    added      INTEGER NOT NULL,
    regraded   INTEGER NOT NULL
);
CREATE TABLE attempts (
    attempt_id   BIGINT PRIMARY KEY,
    quiz_id      {T} NOT NULL REFERENCES quizzes,
    sha256       {T} NOT NULL,
    student_id   {T} NOT NULL,
    variant_seed BIGINT NOT NULL,
    submitted_at {T},
    sort_time    {T} NOT NULL,
    source       {T} NOT NULL,
    content      {T} NOT NULL,
    total        {NUM} NOT NULL,
    max_score    {NUM} NOT NULL,
    percentage   {NUM} NOT NULL,
    passed       INTEGER NOT NULL,
    quiz_digest  {T} NOT NULL,
    run_id       BIGINT NOT NULL REFERENCES runs,
    uploader      {T} NOT NULL DEFAULT '',
    upload_name   {T} NOT NULL DEFAULT '',
    platform_file {T} NOT NULL DEFAULT '',
    platform_late INTEGER,
    time_note     {T} NOT NULL DEFAULT '',
    UNIQUE (quiz_id, sha256)
);
CREATE INDEX attempts_by_student ON attempts (quiz_id, student_id);
CREATE TABLE item_scores (
    attempt_id  BIGINT NOT NULL REFERENCES attempts ON DELETE CASCADE,
    question_id {T} NOT NULL,
    score       {NUM} NOT NULL,
    max_score   {NUM} NOT NULL,
    status      {T} NOT NULL,
    response    {T},
    PRIMARY KEY (attempt_id, question_id)
);
CREATE TABLE rejections (
    quiz_id    {T} NOT NULL,
    source     {T} NOT NULL,
    sha256     {T} NOT NULL DEFAULT '',
    student_id {T} NOT NULL DEFAULT '',
    reason     {T} NOT NULL,
    message    {T} NOT NULL,
    uploader   {T} NOT NULL DEFAULT '',
    run_id     BIGINT NOT NULL REFERENCES runs,
    UNIQUE (quiz_id, source, sha256)
);
CREATE TABLE deadlines (
    quiz_id     {T} PRIMARY KEY,
    due         {T} NOT NULL DEFAULT '',
    grace_min   {NUM} NOT NULL DEFAULT 0,
    penalty_pct {NUM} NOT NULL DEFAULT 0,
    opens       {T} NOT NULL DEFAULT ''
);
CREATE TABLE extensions (
    quiz_id    {T} NOT NULL,
    student_id {T} NOT NULL,
    due        {T} NOT NULL,
    PRIMARY KEY (quiz_id, student_id)
);
CREATE TABLE excused (
    quiz_id    {T} NOT NULL,
    student_id {T} NOT NULL,
    comment    {T} NOT NULL DEFAULT '',
    PRIMARY KEY (quiz_id, student_id)
);
CREATE TABLE overrides (
    quiz_id    {T} NOT NULL,
    student_id {T} NOT NULL,
    score      {NUM} NOT NULL,
    comment    {T} NOT NULL,
    PRIMARY KEY (quiz_id, student_id)
);
CREATE TABLE key_changes (
    quiz_id     {T} NOT NULL,
    question_id {T} NOT NULL,
    kind        {T} NOT NULL CHECK (kind IN ('credit', 'accept')),
    value       {T} NOT NULL DEFAULT '',
    PRIMARY KEY (quiz_id, question_id, kind, value)
);
"""

TABLES = ("quizzes", "students", "runs", "attempts", "item_scores", "rejections", "deadlines", "extensions",
          "excused", "overrides", "key_changes")
"""Every table of a gradebook, parents first (the order :func:`.pg.snapshot` dumps them in)."""

PG_MIGRATIONS: dict[int, Callable[[Any], None]] = {}
"""``PG_MIGRATIONS[n]`` upgrades a PostgreSQL gradebook from version ``n`` to ``n + 1`` (in the write lock's
transaction: PostgreSQL's DDL is transactional)."""


def statements(script: str) -> list[str]:
    """The statements of ``script`` (no ``;`` inside a statement here)."""
    return [s.strip() for s in script.split(";") if s.strip()]
