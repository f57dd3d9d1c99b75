-- Years of the working-day calendar imported with `duban calendar import`, one row per year: the days off (放假) and
-- the make-up working days (调休上班) of that year's State Council notice, as the coordinator's file lists them. A row
-- replaces the data package's dates for its year (domain/calendar-years.ts); importing a year again replaces the
-- row. Assignments already launched keep the calendar slice they were launched with, whatever happens here.
CREATE TABLE calendar_years (
  year        integer     PRIMARY KEY CHECK (year BETWEEN 1990 AND 2100),
  holidays    date[]      NOT NULL,
  workdays    date[]      NOT NULL,
  -- The holiday a date belongs to, when the file named it: {"2027-02-06": "春节"}.
  names       jsonb       NOT NULL DEFAULT '{}'::jsonb,
  source      text        NOT NULL CHECK (source <> ''),
  file_name   text        NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);
